/**
 * The per-song values of experiments/density-condition (README, "Setup") and the training config that carries them.
 *
 *   npx tsx experiments/density-condition/song-values.ts <band manifest> <test manifest> <fit.json> <base config> <out config> <oracle table> [pianists|fit]
 *
 * Value of a song = its log(notes per segment) − c, with c the mean of the pianists' log(notes per segment) over
 * the training songs: for a training song its pianist's (what the model learns to follow), for a validation or
 * test song the prediction of the training-song fit from its tempo and chord changes (what is known at inference;
 * experiments/decode-calibration, seventh part). Test songs are read from <test manifest> (the same songs rendered
 * with the held-out soundfont; the fit reads annotated beats and chords only). Writes <out config> = <base
 * config> with `features.songValues`, and <oracle table> (JSON: the validation songs' pianist values, for the
 * oracle diagnostic). Prints a summary: c, counts and the spread of each group's values. With `fit` as the last
 * argument the training songs get the fit's prediction too, like every other song (README, third part: a model
 * trained on the values known at inference).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readSegments } from '@a2s/dataset';
import { logNotesPerSegment, mean, predictLogNotes, songStats, type Fit } from '../decode-calibration/song-stats.ts';

const [bandManifest, testManifest, fitFile, baseConfig, outConfig, oracleFile, trainValues = 'pianists'] = process.argv.slice(2);
if (!oracleFile || (trainValues !== 'pianists' && trainValues !== 'fit')) {
  process.stderr.write('usage: song-values.ts <band manifest> <test manifest> <fit.json> <base config> <out config> <oracle table> [pianists|fit]\n');
  process.exit(2);
}
const fit = JSON.parse(readFileSync(fitFile, 'utf8')) as Fit;
const train = songStats(await readSegments(bandManifest, { split: 'train' }));
const valid = songStats(await readSegments(bandManifest, { split: 'valid' }));
const test = songStats(await readSegments(testManifest, { split: 'test' }));
const sd = (a: readonly number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
const r4 = (v: number) => Number(v.toFixed(4));
const c = mean([...train.values()].map(logNotesPerSegment));
const values: Record<string, number> = {};
const groups: Record<string, number[]> = { train: [], valid: [], test: [] };
for (const [id, s] of train) groups.train.push((values[id] = r4((trainValues === 'fit' ? predictLogNotes(fit, s) : logNotesPerSegment(s)) - c)));
for (const [split, stats] of [['valid', valid], ['test', test]] as const) {
  for (const [id, s] of stats) {
    if (id in values) throw new Error(`song ${id} is in two splits`);
    groups[split].push((values[id] = r4(predictLogNotes(fit, s) - c)));
  }
}
const oracle = Object.fromEntries([...valid].map(([id, s]) => [id, r4(logNotesPerSegment(s) - c)]));
const base = JSON.parse(readFileSync(baseConfig, 'utf8')) as { features?: Record<string, unknown> };
const sorted = Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(outConfig, `${JSON.stringify({ ...base, features: { ...(base.features ?? {}), songValues: sorted } }, null, 1)}\n`);
writeFileSync(oracleFile, `${JSON.stringify(oracle, null, 1)}\n`);
const spread = (a: number[]) => ({ songs: a.length, mean: r4(mean(a)), sd: r4(sd(a)), min: r4(Math.min(...a)), max: r4(Math.max(...a)) });
process.stdout.write(`${JSON.stringify({ center: r4(c), what: `log(notes per segment) - center; train: ${trainValues === 'fit' ? 'the fit' : 'pianists'}, valid and test: the fit`, train: spread(groups.train), valid: spread(groups.valid), test: spread(groups.test), validOracle: spread(Object.values(oracle)) }, null, 1)}\n`);
