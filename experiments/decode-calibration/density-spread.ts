/**
 * How each system's note count follows each song's pianist (the sixth part of the README): per song, notes per
 * segment of the prediction and of the reference accompaniment (the count `texture.density.sim` compares).
 * Prints JSON per prediction folder: songs, the share of songs where the prediction plays more notes, the mean and
 * SD over songs of log(predicted / reference), the SD over songs of log(notes per segment) for the reference and
 * the prediction (how much density varies between songs), and the correlation of the two logs. `varianceShare`
 * splits each song's log(notes per segment) into log(onsets per segment) + log(notes per onset) (an onset: a step
 * where a note starts) and gives, for the reference and the prediction, the share of the between-song variance
 * that each part carries, and the mean notes per onset. `shape`: per segment, notes, onsets, sounding notes per
 * step (what polyphony similarity compares), and the mean note length in steps (cut at the segment's end).
 *   npx tsx experiments/decode-calibration/density-spread.ts <manifest.json> <split> <prediction dir> [...]
 */
import { readSegments, type Split } from '@a2s/dataset';
import { ACCOMPANIMENT_TRACKS, readPredictionFolder } from '@a2s/eval';

const [manifest, split, ...dirs] = process.argv.slice(2);
if (!manifest || !split || dirs.length === 0) {
  process.stderr.write('usage: density-spread.ts <manifest.json> <split> <prediction dir> [...]\n');
  process.exit(2);
}
const reference = await readSegments(manifest, { split: split as Split });
const refNotes = new Map<string, number>();
const refOnsets = new Map<string, number>();
const segments = new Map<string, number>();
const onsetsOf = (notes: readonly { onsetStep: number }[]) => new Set(notes.map((n) => n.onsetStep)).size;
const STEPS = 32;
/** Notes, onsets and sounding notes per step per segment, and the mean note length (steps, cut at the segment's end). */
const shapeOf = (segs: readonly (readonly { onsetStep: number; durationSteps: number }[])[]) => {
  let notes = 0, onsets = 0, steps = 0;
  for (const seg of segs) {
    notes += seg.length;
    onsets += onsetsOf(seg);
    for (const n of seg) steps += Math.max(0, Math.min(n.onsetStep + Math.max(1, n.durationSteps), STEPS) - n.onsetStep);
  }
  const k = Math.max(segs.length, 1);
  return { notesPerSegment: round(notes / k), onsetsPerSegment: round(onsets / k), soundingPerStep: round(steps / (k * STEPS)), meanLengthSteps: round(steps / Math.max(notes, 1)) };
};
const refSegments: { songId: string; notes: { onsetStep: number; durationSteps: number }[] }[] = [];
for (const r of reference) {
  const acc = r.notes.filter((x) => (ACCOMPANIMENT_TRACKS as readonly string[]).includes(x.track));
  refSegments.push({ songId: r.songId, notes: acc });
  refNotes.set(r.songId, (refNotes.get(r.songId) ?? 0) + acc.length);
  refOnsets.set(r.songId, (refOnsets.get(r.songId) ?? 0) + onsetsOf(acc));
  segments.set(r.songId, (segments.get(r.songId) ?? 0) + 1);
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const sd = (a: number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
const cov = (a: number[], b: number[]) => mean(a.map((v, i) => (v - mean(a)) * (b[i] - mean(b))));
/** Per song log(notes / segment) and log(onsets / segment): the variance shares of onsets and of notes per onset. */
const shares = (notes: number[], onsets: number[], segs: number[]) => {
  const ln = notes.map((n, i) => Math.log(Math.max(n, 1) / segs[i]));
  const lo = onsets.map((o, i) => Math.log(Math.max(o, 1) / segs[i]));
  const lp = ln.map((v, i) => v - lo[i]);
  const v = cov(ln, ln);
  return { fromOnsetsPerSegment: round(cov(lo, ln) / v), fromNotesPerOnset: round(cov(lp, ln) / v), meanNotesPerOnset: round(Math.exp(mean(lp))) };
};
const round = (v: number) => Number(v.toFixed(4));
const out = [];
for (const dir of dirs) {
  const { meta, rows } = await readPredictionFolder(dir);
  const predNotes = new Map<string, number>();
  const predOnsets = new Map<string, number>();
  for (const p of rows) {
    predNotes.set(p.songId, (predNotes.get(p.songId) ?? 0) + p.notes.length);
    predOnsets.set(p.songId, (predOnsets.get(p.songId) ?? 0) + onsetsOf(p.notes));
  }
  const songs = [...predNotes.keys()].filter((s) => segments.has(s)).sort();
  const ref = songs.map((s) => Math.log(refNotes.get(s)! / segments.get(s)!));
  const pred = songs.map((s) => Math.log(Math.max(predNotes.get(s)!, 1) / segments.get(s)!));
  const ratio = pred.map((p, i) => p - ref[i]);
  const [mr, mp] = [mean(ref), mean(pred)];
  const corr = mean(ref.map((r, i) => (r - mr) * (pred[i] - mp))) / (sd(ref) * sd(pred));
  out.push({
    predictions: dir,
    system: `${meta.system}/${meta.variant}`,
    songs: songs.length,
    moreNotesThanReference: round(ratio.filter((r) => r > 0).length / songs.length),
    logRatio: { mean: round(mean(ratio)), sd: round(sd(ratio)) },
    sdOverSongsOfLogNotesPerSegment: { reference: round(sd(ref)), prediction: round(sd(pred)) },
    correlation: round(corr),
    shape: {
      reference: shapeOf(refSegments.filter((r) => predNotes.has(r.songId)).map((r) => r.notes)),
      prediction: shapeOf(rows.filter((p) => segments.has(p.songId)).map((p) => p.notes)),
    },
    varianceShare: {
      reference: shares(songs.map((s) => refNotes.get(s)!), songs.map((s) => refOnsets.get(s)!), songs.map((s) => segments.get(s)!)),
      prediction: shares(songs.map((s) => predNotes.get(s)!), songs.map((s) => predOnsets.get(s)!), songs.map((s) => segments.get(s)!)),
    },
  });
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
