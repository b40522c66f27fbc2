/**
 * Per-song statistics of a dataset split, shared by the decoding experiments that set a song's note count from
 * its tempo and chord changes (follow-density.ts, thin-inner.ts, experiments/density-condition): segments (8
 * beats each), reference accompaniment notes, chord changes between consecutive beats of a segment (root, pitch
 * classes or bass), beats and seconds (from the segment's beat positions in the audio), the training-song fit of
 * log(notes per segment) on them (follow-density.ts fit), the least squares, mean and correlation they use, the
 * notes per song of a prediction folder's rows, and the density similarity a count following an estimate reaches.
 */
import type { SegmentRow } from '@a2s/dataset';
import { ACCOMPANIMENT_TRACKS } from '@a2s/eval';

export interface SongStats { segments: number; notes: number; changes: number; pairs: number; beats: number; seconds: number }
export interface Fit { features: string[]; coefficients: number[]; trainSongs: number; trainCorrelation: number; validSongs: number; validCorrelation: number; validResidualSd: number }

export function songStats(rows: readonly SegmentRow[]): Map<string, SongStats> {
  const out = new Map<string, SongStats>();
  for (const r of rows) {
    let s = out.get(r.songId);
    if (!s) out.set(r.songId, (s = { segments: 0, notes: 0, changes: 0, pairs: 0, beats: 0, seconds: 0 }));
    s.segments++;
    s.notes += r.notes.filter((n) => (ACCOMPANIMENT_TRACKS as readonly string[]).includes(n.track)).length;
    for (let b = 0; b < r.chords.length; b++) {
      s.beats++;
      const [c, p] = [r.chords[b], r.chords[b - 1]];
      if (b === 0) continue;
      s.pairs++;
      if (c.root !== p.root || c.pcMask !== p.pcMask || c.bass !== p.bass) s.changes++;
    }
    s.seconds += (r.beatSamples[r.beatSamples.length - 1] - r.beatSamples[0]) / r.sampleRate;
  }
  return out;
}

/** The fit's inputs: 1, the share of consecutive beats whose chord changes, log(seconds per beat). */
export const fitFeatures = (s: SongStats) => [1, s.changes / s.pairs, Math.log(s.seconds / s.beats)];
/** The pianist's log(notes per segment). */
export const logNotesPerSegment = (s: SongStats) => Math.log(s.notes / s.segments);
/** The fit's prediction of {@link logNotesPerSegment}. */
export const predictLogNotes = (fit: Pick<Fit, 'coefficients'>, s: SongStats) => fitFeatures(s).reduce((acc, x, i) => acc + fit.coefficients[i] * x, 0);

/** Ordinary least squares by the normal equations (a few unknowns). */
export function leastSquares(xs: number[][], ys: number[]): number[] {
  const k = xs[0].length;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  xs.forEach((x, i) => {
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) a[p][q] += x[p] * x[q];
      a[p][k] += x[p] * ys[i];
    }
  });
  for (let c = 0; c < k; c++) {
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let q = c; q <= k; q++) a[r][q] -= f * a[c][q];
    }
  }
  return a.map((row, i) => row[k] / row[i]);
}

export const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
/** Pearson correlation of two equally long series. */
export const correlation = (a: readonly number[], b: readonly number[]) => {
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
};

/** Notes per song of a prediction folder's rows. */
export function notesPerSong(rows: readonly { songId: string; notes: readonly unknown[] }[]): Map<string, number> {
  const notes = new Map<string, number>();
  for (const r of rows) notes.set(r.songId, (notes.get(r.songId) ?? 0) + r.notes.length);
  return notes;
}

/**
 * `texture.density.sim` of a model whose log(notes per segment) were exactly `estimate` + b, over the songs `ids`
 * whose pianists' log counts are `target`: the mean of exp(−|estimate + b − target|) (min/max of the two counts).
 * Unshifted, and with the best b in [−0.3, 0.3] (steps of 0.001, the lowest on a tie) searched on the same songs:
 * an upper bound, not a result.
 */
export function followingCeiling(ids: readonly string[], estimate: (id: string) => number, target: (id: string) => number) {
  const sim = (b: number) => mean(ids.map((id) => Math.exp(-Math.abs(estimate(id) + b - target(id)))));
  let best = { shift: 0, densitySim: -1 };
  for (let k = -300; k <= 300; k++) {
    const at = sim(k / 1000);
    if (at > best.densitySim) best = { shift: k / 1000, densitySim: at };
  }
  const r4 = (v: number) => Number(v.toFixed(4));
  return { unshifted: r4(sim(0)), best: { shift: best.shift, densitySim: r4(best.densitySim) } };
}
