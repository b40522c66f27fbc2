/**
 * Writes the EOS thresholds chosen on the validation grid (choose.ts's JSON) into an exported model as its
 * recommended decoding (header.json and model-card.json; the weights are untouched), which a2s predict and
 * a2s arrange then use when neither --temperature nor --eos-threshold is given.
 *   npx tsx experiments/decode-calibration/set-decoding.ts <chosen.json> <model dir> <note> [compare.json …]
 * The `a2s compare --out` JSONs given (test results with this decoding) go into `decoding.testResults`, keyed
 * by file name (e.g. `bass-vs-gt-chords-pattern-block`: the 24 test songs; `test-all-vs-…`: all 84).
 * A chord-bass rule the model already recommends is kept (its note follows the new one in `chosenOn`).
 * With `--chord-bass` first, the choice is a chord-bass rule (the third part's chosen-bass.json, its variant the
 * rule): the model keeps its EOS thresholds and gets that rule, and `note` is appended to its `chosenOn`.
 *   npx tsx experiments/decode-calibration/set-decoding.ts --chord-bass <chosen-bass.json> <model dir> <note> [compare.json …]
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setModelDecoding, type ModelDecoding } from '@a2s/model';

const args = process.argv.slice(2);
const bassRule = args[0] === '--chord-bass';
const [chosenFile, modelDir, note, ...compareFiles] = bassRule ? args.slice(1) : args;
if (!chosenFile || !modelDir || !note) {
  process.stderr.write('usage: set-decoding.ts [--chord-bass] <chosen.json> <model dir> <note> [compare.json …]\n');
  process.exit(2);
}
const { choice } = JSON.parse(await readFile(chosenFile, 'utf8')) as { choice: { variant: string; eosThreshold: { first: number; rest: number } | null; mean: number } };
const testResults: Record<string, unknown> = {};
for (const file of compareFiles) {
  testResults[path.basename(file, '.json')] = JSON.parse(await readFile(file, 'utf8'));
}
if (bassRule) {
  const header = JSON.parse(await readFile(path.join(modelDir, 'header.json'), 'utf8')) as { decoding?: ModelDecoding };
  if (!header.decoding) {
    process.stderr.write(`${modelDir}/header.json: no recommended decoding to add the chord-bass rule to\n`);
    process.exit(1);
  }
  const rule = choice.variant as NonNullable<ModelDecoding['chordBass']>;
  await setModelDecoding(modelDir, { ...header.decoding, chordBass: rule, chosenOn: `${header.decoding.chosenOn}. Chord-bass rule ${rule}: ${note}`, ...(compareFiles.length > 0 ? { testResults } : {}) });
  process.stdout.write(`${modelDir}: chord-bass rule ${rule} added to its recommended decoding (${note})\n`);
  process.exit(0);
}
if (!choice.eosThreshold) {
  process.stderr.write(`${chosenFile}: plain argmax won on validation (${choice.variant}); nothing to set\n`);
  process.exit(1);
}
// a chord-bass rule already recommended stays, with the note that chose it
const before = (JSON.parse(await readFile(path.join(modelDir, 'header.json'), 'utf8')) as { decoding?: ModelDecoding }).decoding;
const kept = before?.chordBass ? { chordBass: before.chordBass, chosenOn: `${note}. Kept from before: ${before.chosenOn}` } : { chosenOn: note };
await setModelDecoding(modelDir, { temperature: 0, eosThreshold: choice.eosThreshold, ...kept, ...(compareFiles.length > 0 ? { testResults } : {}) });
process.stdout.write(`${modelDir}: recommended decoding greedy, EOS threshold ${choice.eosThreshold.first} / ${choice.eosThreshold.rest}${kept.chordBass ? `, chord-bass rule ${kept.chordBass} kept` : ''} (${note})\n`);
