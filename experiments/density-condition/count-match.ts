/**
 * Count matching (README, fifth part): the conditioned model given, per song, the value at which its own note count
 * comes out at the fit's estimate, found by a few prediction passes (secant steps on the value). Everything it
 * reads is known at inference: the fit's estimate (tempo and chord changes) and the model's own output.
 *
 *   init <manifest> <split> <fit.json> <center> <state.json> <values.json>
 *       Per song: target = the fit's log(notes per segment); the first pass's value = target − center (the values
 *       the model got in the first part). Writes the state and the first pass's values table.
 *   step <manifest> <split> <state.json> <prediction dir> <values.json>
 *       Reads the pass just predicted (its per-song log(notes per segment)), records it, and writes the next
 *       pass's values: the second by a unit-slope step (value − error), later ones by a secant through the last
 *       two passes (a slope outside [MIN_SLOPE, MAX_SLOPE] replaced by MIN_SLOPE), clamped to the training songs'
 *       range of values.
 *   combine <manifest> <split> <state.json> <out dir> <pass dir …>
 *       Per song, the pass whose count is nearest the target (log scale; the earliest on a tie); that pass's rows
 *       are copied (greedy decoding of independent windows is deterministic per song, so this is what predicting
 *       the song with that value gives). Writes a prediction folder (variant `count-match`) with each song's value,
 *       and prints per pass the mean and the largest |log(count / target)|, and how many songs each pass gave.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { readSegments, type SegmentRow, type Split } from '@a2s/dataset';
import { readPredictionFolder, writePredictionFolder } from '@a2s/eval';
import { mean, notesPerSong, predictLogNotes, songStats, type Fit } from '../decode-calibration/song-stats.ts';

/** The training songs' range of values (results/song-values.json, train min and max): the values the model learned from. */
const VALUE_RANGE: readonly [number, number] = [-0.9453, 0.6444];
/** A secant slope (change of log count per unit of value) outside this range is replaced by the low end. */
const [MIN_SLOPE, MAX_SLOPE] = [0.2, 2];

interface Pass { value: number; logCount: number }
interface State { split: string; center: number; songs: Record<string, { segments: number; target: number; passes: Pass[]; next: number }> }

const usage = () => {
  process.stderr.write(
    'usage: count-match.ts init <manifest> <split> <fit.json> <center> <state.json> <values.json> | step <manifest> <split> <state.json> <prediction dir> <values.json> | combine <manifest> <split> <state.json> <out dir> <pass dir …>\n',
  );
  process.exit(2);
};
const r4 = (v: number) => Number(v.toFixed(4));
const clamp = (v: number) => Math.min(VALUE_RANGE[1], Math.max(VALUE_RANGE[0], v));
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
const writeJson = (file: string, v: unknown) => writeFileSync(file, `${JSON.stringify(v, null, 1)}\n`);
const valuesOf = (s: State) => Object.fromEntries(Object.entries(s.songs).map(([id, x]) => [id, x.next]));

/** log(notes per segment) of each song of `state` in a prediction folder; every song must be there. */
async function logCounts(dir: string, state: State): Promise<{ counts: Map<string, number>; rows: SegmentRow[]; meta: Record<string, unknown> }> {
  const { meta, rows } = await readPredictionFolder(dir);
  const notes = notesPerSong(rows);
  const counts = new Map<string, number>();
  for (const [id, s] of Object.entries(state.songs)) {
    if (!notes.has(id)) throw new Error(`${dir}: no predicted segments for song ${id}`);
    counts.set(id, Math.log(Math.max(1, notes.get(id)!) / s.segments));
  }
  return { counts, rows, meta: meta as unknown as Record<string, unknown> };
}

/** The next value for a song after its passes (the last one's error is its log count − target). */
function nextValue(passes: readonly Pass[], target: number): number {
  const last = passes[passes.length - 1];
  const error = last.logCount - target;
  let slope = 1;
  if (passes.length >= 2) {
    const prev = passes[passes.length - 2];
    const s = (last.logCount - prev.logCount) / (last.value - prev.value);
    slope = Number.isFinite(s) && s >= MIN_SLOPE && s <= MAX_SLOPE ? s : MIN_SLOPE;
  }
  return r4(clamp(last.value - error / slope));
}

const [command, manifest, split, ...rest] = process.argv.slice(2);
if (!command || !manifest || !split) usage();
const stats = songStats(await readSegments(manifest, { split: split as Split }));
if (stats.size === 0) throw new Error(`${manifest}: no songs in split ${split}`);

if (command === 'init') {
  const [fitFile, centerText, stateFile, valuesFile] = rest;
  if (!valuesFile) usage();
  const fit = readJson<Fit>(fitFile);
  const center = Number(centerText);
  if (!Number.isFinite(center)) throw new Error(`center: expected a number, got "${centerText}"`);
  const songs: State['songs'] = {};
  for (const [id, s] of [...stats].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const target = predictLogNotes(fit, s);
    songs[id] = { segments: s.segments, target: r4(target), passes: [], next: r4(clamp(target - center)) };
  }
  const state: State = { split, center, songs };
  writeJson(stateFile, state);
  writeJson(valuesFile, valuesOf(state));
} else if (command === 'step') {
  const [stateFile, dir, valuesFile] = rest;
  if (!valuesFile) usage();
  const state = readJson<State>(stateFile);
  const { counts } = await logCounts(dir, state);
  for (const [id, s] of Object.entries(state.songs)) {
    s.passes.push({ value: s.next, logCount: r4(counts.get(id)!) });
    s.next = nextValue(s.passes, s.target);
  }
  writeJson(stateFile, state);
  writeJson(valuesFile, valuesOf(state));
  const errors = Object.values(state.songs).map((s) => Math.abs(s.passes[s.passes.length - 1].logCount - s.target));
  process.stdout.write(`count-match: pass ${Object.values(state.songs)[0].passes.length}: mean |log(count / target)| ${r4(mean(errors))}, largest ${r4(Math.max(...errors))}\n`);
} else if (command === 'combine') {
  const [stateFile, outDir, ...dirs] = rest;
  if (!outDir || dirs.length === 0) usage();
  const state = readJson<State>(stateFile);
  const passes = await Promise.all(dirs.map((d) => logCounts(d, state)));
  const chosen: Record<string, { pass: number; value: number; logError: number }> = {};
  const rows: SegmentRow[] = [];
  for (const [id, s] of Object.entries(state.songs)) {
    if (s.passes.length !== dirs.length) throw new Error(`${stateFile}: song ${id} has ${s.passes.length} recorded passes, ${dirs.length} folders given`);
    let best = 0;
    for (let k = 1; k < dirs.length; k++) {
      if (Math.abs(passes[k].counts.get(id)! - s.target) < Math.abs(passes[best].counts.get(id)! - s.target)) best = k;
    }
    chosen[id] = { pass: best + 1, value: s.passes[best].value, logError: r4(passes[best].counts.get(id)! - s.target) };
    rows.push(...passes[best].rows.filter((r) => r.songId === id));
  }
  const base = passes[0].meta;
  await rm(outDir, { recursive: true, force: true });
  await writePredictionFolder(outDir, { ...base, system: String(base.system), variant: 'count-match', countMatch: { state: stateFile, passes: dirs, songs: chosen } } as never, rows);
  const perPass = dirs.map((d, k) => {
    const e = Object.entries(state.songs).map(([id, s]) => Math.abs(passes[k].counts.get(id)! - s.target));
    return { pass: k + 1, meanAbsLogError: r4(mean(e)), largest: r4(Math.max(...e)), songsChosen: Object.values(chosen).filter((c) => c.pass === k + 1).length };
  });
  const e = Object.values(chosen).map((c) => Math.abs(c.logError));
  process.stdout.write(`${JSON.stringify({ songs: Object.keys(chosen).length, perPass, chosen: { meanAbsLogError: r4(mean(e)), largest: r4(Math.max(...e)) } }, null, 1)}\n`);
} else usage();
