/**
 * Writes the EOS thresholds chosen on the validation grid (choose.ts's JSON) into an exported model as its
 * recommended decoding (header.json and model-card.json; the weights are untouched), which a2s predict and
 * a2s arrange then use when neither --temperature nor --eos-threshold is given.
 *   npx tsx experiments/decode-calibration/set-decoding.ts <chosen.json> <model dir> <note>
 */
import { readFile } from 'node:fs/promises';
import { setModelDecoding } from '@a2s/model';

const [chosenFile, modelDir, note] = process.argv.slice(2);
if (!chosenFile || !modelDir || !note) {
  process.stderr.write('usage: set-decoding.ts <chosen.json> <model dir> <note>\n');
  process.exit(2);
}
const { choice } = JSON.parse(await readFile(chosenFile, 'utf8')) as { choice: { variant: string; eosThreshold: { first: number; rest: number } | null; mean: number } };
if (!choice.eosThreshold) {
  process.stderr.write(`${chosenFile}: plain argmax won on validation (${choice.variant}); nothing to set\n`);
  process.exit(1);
}
await setModelDecoding(modelDir, { temperature: 0, eosThreshold: choice.eosThreshold, chosenOn: note });
process.stdout.write(`${modelDir}: recommended decoding greedy, EOS threshold ${choice.eosThreshold.first} / ${choice.eosThreshold.rest} (${note})\n`);
