/**
 * The seventh part (README, "Density that follows the song"): a per-song EOS threshold for the later slots, so that
 * a song's note count follows what its tempo and chord changes predict of its pianist's.
 *
 *   fit <manifest>
 *       Least squares on the training songs' reference accompaniments (no model involved):
 *       log(notes per segment) ≈ a + b·(share of consecutive beats whose chord changes) + c·log(seconds per beat). Prints the coefficients,
 *       their fit on the training songs and how well they predict the validation songs' pianists.
 *   calibrate <manifest> <split> <grid dir …>
 *       For each prediction folder of the grid (variant eos-<first>-<rest>): the mean over songs of
 *       log(predicted notes per segment). Prints the table the choice reads.
 *   combine <manifest> <split> <fit.json> <calibration.json> <out dir> <grid dir …>
 *       Per song: the predicted log(notes per segment) of the fit, and the grid setting whose calibrated mean is
 *       nearest to it; that song's rows are copied from that setting's folder (greedy decoding of independent
 *       windows is deterministic per song, so this is what decoding the song at that setting gives). Writes a
 *       prediction folder (variant `follow`) with each song's setting in predictions.json (`densityFollow`).
 *   decide <against block chords.json> <against the current decoding.json>
 *       The README's decision, fixed before the run, from the two `a2s compare --out` JSONs (validation): against
 *       block chords `better` on onset F1 and the texture metrics but bass agreement, `better` or `no worse` on
 *       bass agreement; against the current decoding `better` on density and no CI of onset F1 or the other texture
 *       metrics reaching below −margin. Prints every verdict and `qualifies`.
 *
 * Songs are read from the dataset's segments (8 beats each): chord changes (root, pitch classes or bass) are counted
 * between consecutive beats of a segment, seconds from the segment's beat positions in the audio.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { readSegments, type SegmentRow, type Split } from '@a2s/dataset';
import { readPredictionFolder, writePredictionFolder } from '@a2s/eval';
import { correlation, fitFeatures, leastSquares, logNotesPerSegment, mean, notesPerSong, predictLogNotes, songStats, type Fit } from './song-stats.ts';
interface Calibration { split: string; settings: { variant: string; first: number; rest: number; meanLogNotesPerSegment: number }[] }

const usage = () => {
  process.stderr.write('usage: follow-density.ts fit <manifest> | calibrate <manifest> <split> <grid dir …> | combine <manifest> <split> <fit.json> <calibration.json> <out dir> <grid dir …> | decide <vs block.json> <vs current.json>\n');
  process.exit(2);
};
const round = (v: number) => Number(v.toFixed(4));

const features = fitFeatures;
const target = logNotesPerSegment;
const predict = predictLogNotes;

async function countsOf(dir: string): Promise<{ variant: string; first: number; rest: number; notes: Map<string, number>; rows: SegmentRow[]; meta: Record<string, unknown> }> {
  const { meta, rows } = await readPredictionFolder(dir);
  const m = /^eos-([0-9.]+)-([0-9.]+)$/.exec(meta.variant);
  if (!m) throw new Error(`${dir}: variant "${meta.variant}" is not eos-<first>-<rest>`);
  return { variant: meta.variant, first: Number(m[1]), rest: Number(m[2]), notes: notesPerSong(rows), rows, meta };
}

const [command, manifest, ...rest] = process.argv.slice(2);
if (!command || !manifest) usage();
if (command === 'fit') {
  const train = songStats(await readSegments(manifest, { split: 'train' }));
  const valid = songStats(await readSegments(manifest, { split: 'valid' }));
  const ts = [...train.values()];
  const coefficients = leastSquares(ts.map(features), ts.map(target));
  const fit: Fit = { features: ['1', 'share of consecutive beats whose chord changes', 'log(seconds per beat)'], coefficients, trainSongs: 0, trainCorrelation: 0, validSongs: 0, validCorrelation: 0, validResidualSd: 0 };
  const vs = [...valid.values()];
  const res = vs.map((s) => target(s) - predict(fit, s));
  Object.assign(fit, {
    coefficients: coefficients.map((c) => Number(c.toFixed(6))),
    trainSongs: ts.length,
    trainCorrelation: round(correlation(ts.map((s) => predict(fit, s)), ts.map(target))),
    validSongs: vs.length,
    validCorrelation: round(correlation(vs.map((s) => predict(fit, s)), vs.map(target))),
    validResidualSd: round(Math.sqrt(mean(res.map((r) => (r - mean(res)) ** 2)))),
  });
  process.stdout.write(`${JSON.stringify(fit, null, 1)}\n`);
} else if (command === 'calibrate') {
  const [split, ...dirs] = rest;
  if (!split || dirs.length === 0) usage();
  const stats = songStats(await readSegments(manifest, { split: split as Split }));
  const settings = [];
  for (const dir of dirs) {
    const c = await countsOf(dir);
    const logs = [...c.notes].filter(([id]) => stats.has(id)).map(([id, n]) => Math.log(Math.max(n, 1) / stats.get(id)!.segments));
    settings.push({ variant: c.variant, first: c.first, rest: c.rest, meanLogNotesPerSegment: round(mean(logs)) });
  }
  settings.sort((a, b) => a.rest - b.rest || a.first - b.first);
  const out: Calibration = { split, settings };
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
} else if (command === 'combine') {
  const [split, fitFile, calFile, outDir, ...dirs] = rest;
  if (!split || !fitFile || !calFile || !outDir || dirs.length === 0) usage();
  const fit = JSON.parse(readFileSync(fitFile, 'utf8')) as Fit;
  const cal = JSON.parse(readFileSync(calFile, 'utf8')) as Calibration;
  const stats = songStats(await readSegments(manifest, { split: split as Split }));
  const grid = new Map<string, Awaited<ReturnType<typeof countsOf>>>();
  for (const dir of dirs) {
    const c = await countsOf(dir);
    grid.set(c.variant, c);
  }
  const chosen: Record<string, string> = {};
  const rows: SegmentRow[] = [];
  for (const id of [...stats.keys()].sort()) {
    const want = predict(fit, stats.get(id)!);
    const best = cal.settings.reduce((a, b) => (Math.abs(b.meanLogNotesPerSegment - want) < Math.abs(a.meanLogNotesPerSegment - want) ? b : a));
    const src = grid.get(best.variant);
    if (!src) throw new Error(`no grid folder for ${best.variant}`);
    chosen[id] = best.variant;
    rows.push(...src.rows.filter((r) => r.songId === id));
  }
  const base = grid.values().next().value!.meta;
  await rm(outDir, { recursive: true, force: true });
  await writePredictionFolder(outDir, { ...base, system: String(base.system), variant: 'follow', eosThreshold: null, densityFollow: { fit: fitFile, calibration: calFile, songs: chosen } } as never, rows);
  const tally: Record<string, number> = {};
  for (const v of Object.values(chosen)) tally[v] = (tally[v] ?? 0) + 1;
  process.stdout.write(`${JSON.stringify({ songs: Object.keys(chosen).length, settings: tally }, null, 1)}\n`);
} else if (command === 'decide') {
  // here the first argument (read into `manifest`) is the comparison against block chords
  const [againstCurrentFile] = rest;
  if (!againstCurrentFile) usage();
  interface Row { metric: string; diff: number; ciLow: number; ciHigh: number; verdict: string }
  interface Compare { options: { margin: number }; comparisons: { rows: Row[] }[] }
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Compare;
  const [block, current] = [read(manifest), read(againstCurrentFile)];
  const row = (c: Compare, metric: string, file: string) => {
    const r = c.comparisons[0].rows.find((x) => x.metric === metric);
    if (!r) throw new Error(`${file}: no row for ${metric}`);
    return r;
  };
  const texture = ['texture.rhythm.cosine', 'texture.density.sim', 'texture.polyphony.sim', 'texture.range.iou', 'texture.register.sim'];
  const failed: string[] = [];
  const verdicts: Record<string, unknown> = {};
  for (const m of ['onset.f1', ...texture]) {
    const r = row(block, m, manifest);
    verdicts[`${m} vs block chords`] = r.verdict;
    if (r.verdict !== 'better') failed.push(`${m} vs block chords: ${r.verdict}`);
  }
  const bass = row(block, 'texture.bass.agreement', manifest);
  verdicts['texture.bass.agreement vs block chords'] = bass.verdict;
  if (bass.verdict !== 'better' && bass.verdict !== 'no worse') failed.push(`texture.bass.agreement vs block chords: ${bass.verdict}`);
  const density = row(current, 'texture.density.sim', againstCurrentFile);
  verdicts['texture.density.sim vs the current decoding'] = density.verdict;
  if (density.verdict !== 'better') failed.push(`texture.density.sim vs the current decoding: ${density.verdict}`);
  const margin = current.options.margin;
  for (const m of ['onset.f1', ...texture.filter((t) => t !== 'texture.density.sim'), 'texture.bass.agreement']) {
    const r = row(current, m, againstCurrentFile);
    verdicts[`${m} vs the current decoding, CI low`] = round(r.ciLow);
    if (r.ciLow < -margin) failed.push(`${m} vs the current decoding: CI low ${round(r.ciLow)} < -${margin}`);
  }
  process.stdout.write(`${JSON.stringify({ qualifies: failed.length === 0, failed, verdicts, margin }, null, 1)}\n`);
} else usage();
