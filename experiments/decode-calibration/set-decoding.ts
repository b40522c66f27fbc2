/**
 * Writes the EOS thresholds chosen on the validation grid (choose.ts's JSON) into an exported model as its
 * recommended decoding (header.json and model-card.json; the weights are untouched), which a2s predict and
 * a2s arrange then use when neither --temperature nor --eos-threshold is given.
 *   npx tsx experiments/decode-calibration/set-decoding.ts <chosen.json> <model dir> <note> [compare.json …]
 * The `a2s compare --out` JSONs given (test results with this decoding) go into `decoding.testResults`, by baseline.
 */
import { readFile } from 'node:fs/promises';
import { setModelDecoding } from '@a2s/model';

const [chosenFile, modelDir, note, ...compareFiles] = process.argv.slice(2);
if (!chosenFile || !modelDir || !note) {
  process.stderr.write('usage: set-decoding.ts <chosen.json> <model dir> <note>\n');
  process.exit(2);
}
const { choice } = JSON.parse(await readFile(chosenFile, 'utf8')) as { choice: { variant: string; eosThreshold: { first: number; rest: number } | null; mean: number } };
if (!choice.eosThreshold) {
  process.stderr.write(`${chosenFile}: plain argmax won on validation (${choice.variant}); nothing to set\n`);
  process.exit(1);
}
const testResults: Record<string, unknown> = {};
for (const file of compareFiles) {
  const c = JSON.parse(await readFile(file, 'utf8')) as { baseline: { system: string; variant: string } };
  testResults[`vs ${c.baseline.system}/${c.baseline.variant}`] = c;
}
await setModelDecoding(modelDir, { temperature: 0, eosThreshold: choice.eosThreshold, chosenOn: note, ...(compareFiles.length > 0 ? { testResults } : {}) });
process.stdout.write(`${modelDir}: recommended decoding greedy, EOS threshold ${choice.eosThreshold.first} / ${choice.eosThreshold.rest} (${note})\n`);
