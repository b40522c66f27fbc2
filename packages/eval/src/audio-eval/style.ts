/**
 * Playing-style statistics of an arrangement, from its note onsets in seconds: rhythmic grid consistency
 * (RGC) and IOI pattern entropy (IPE) as defined by Etude (Chen & Joung 2025, and its evaluation code), note
 * density and polyphony.
 */
import type { ArrangedNote } from './notes.ts';

/** Inter-onset intervals of the distinct onsets (onsets within 1 ms are one onset, like `np.unique` on ticks). */
export function interOnsetIntervals(notes: readonly ArrangedNote[]): Float64Array {
  const t = notes.map((n) => n.onsetSec).sort((a, b) => a - b);
  const u: number[] = [];
  for (const x of t) if (u.length === 0 || x - u[u.length - 1] > 1e-3) u.push(x);
  return Float64Array.from({ length: Math.max(0, u.length - 1) }, (_, i) => u[i + 1] - u[i]);
}

/** Options of {@link rhythmicGridConsistency}, Etude's defaults. */
export interface RgcOptions {
  /** Most common IOIs used (k). Default 8. */
  readonly topK?: number;
  /** IOIs are rounded to this many decimals (seconds) before counting. Default 4. */
  readonly decimals?: number;
}

/**
 * Rhythmic grid consistency (Etude): IOIs rounded to 4 decimals, the `topK` = 8 most common ones (ties: the
 * one seen first); each of them ≥ 10 ms is tried as the grid period τ, scoring `mean |r − round(r)|` with
 * `r = IOI / τ` over the top IOIs; RGC is the lowest score (0 = every common IOI is a whole multiple of one
 * period; at most 0.5). NaN with fewer than `topK` IOIs or fewer than 2 distinct ones.
 */
export function rhythmicGridConsistency(iois: ArrayLike<number>, opts: RgcOptions = {}): number {
  const k = opts.topK ?? 8;
  const scale = 10 ** (opts.decimals ?? 4);
  if (iois.length < k) return Number.NaN;
  const counts = new Map<number, number>();
  for (let i = 0; i < iois.length; i++) {
    const r = Math.round(iois[i] * scale) / scale;
    counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  if (counts.size < 2) return Number.NaN;
  // Map keeps insertion order and the sort is stable: equal counts stay in order of first appearance.
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([v]) => v);
  let best = Infinity;
  for (const tau of top) {
    if (tau < 0.01) continue;
    let dev = 0;
    for (const v of top) {
      const r = v / tau;
      dev += Math.abs(r - Math.round(r));
    }
    best = Math.min(best, dev / top.length);
  }
  return Number.isFinite(best) ? best : Number.NaN;
}

/** Options of {@link ioiPatternEntropy}, Etude's defaults. */
export interface IpeOptions {
  /** n-gram length. Default 8. */
  readonly nGram?: number;
  /** Clusters of log-IOIs (symbols). Default 8. */
  readonly clusters?: number;
  /** IOIs are clipped to [minIoiSec, maxIoiSec]. Defaults 0.0625 and 4. */
  readonly minIoiSec?: number;
  readonly maxIoiSec?: number;
}

/**
 * One-dimensional k-means (Lloyd's algorithm from centres at evenly spaced quantiles of the sorted values;
 * deterministic). Returns the cluster index of each value.
 */
export function kMeans1d(values: ArrayLike<number>, k: number, maxIter = 100): Int32Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const centres = Float64Array.from({ length: k }, (_, c) => sorted[Math.min(n - 1, Math.floor(((c + 0.5) * n) / k))]);
  const labels = new Int32Array(n);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (Math.abs(values[i] - centres[c]) < Math.abs(values[i] - centres[best])) best = c;
      if (iter === 0 || labels[i] !== best) changed = true;
      labels[i] = best;
    }
    const sum = new Float64Array(k);
    const cnt = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      sum[labels[i]] += values[i];
      cnt[labels[i]]++;
    }
    for (let c = 0; c < k; c++) if (cnt[c] > 0) centres[c] = sum[c] / cnt[c];
    if (!changed) break;
  }
  return labels;
}

/**
 * IOI pattern entropy (Etude): IOIs clipped to [0.0625, 4] s, their logarithms quantized into
 * `min(8, distinct values)` symbols by k-means, and the Shannon entropy (bits) of the distribution of the
 * symbol n-grams (n = 8, every start position). Higher = more varied rhythmic patterns. NaN with fewer than
 * two distinct IOIs; 0 when the sequence is shorter than n.
 */
export function ioiPatternEntropy(iois: ArrayLike<number>, opts: IpeOptions = {}): number {
  const n = opts.nGram ?? 8;
  const lo = opts.minIoiSec ?? 0.0625;
  const hi = opts.maxIoiSec ?? 4;
  const logs = Float64Array.from(iois, (v) => Math.log(Math.min(hi, Math.max(lo, v))));
  const distinct = new Set(logs).size;
  const k = Math.min(opts.clusters ?? 8, distinct);
  if (k < 2) return Number.NaN;
  const labels = kMeans1d(logs, k);
  if (labels.length < n) return 0;
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= labels.length; i++) {
    const key = Array.from(labels.subarray(i, i + n)).join(',');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const total = labels.length - n + 1;
  let h = 0;
  for (const c of counts.values()) h -= (c / total) * Math.log2(c / total);
  return h;
}

/** Notes per second over `durationSec` (the recording's length). NaN for a non-positive duration. */
export function noteDensity(notes: readonly ArrangedNote[], durationSec: number): number {
  return durationSec > 0 ? notes.length / durationSec : Number.NaN;
}

/**
 * Mean number of sounding notes over the time when at least one note sounds (a sweep over note starts and
 * ends). 0 for no notes.
 */
export function meanPolyphonySec(notes: readonly ArrangedNote[]): number {
  const events: [number, number][] = [];
  for (const n of notes) {
    if (n.offsetSec <= n.onsetSec) continue;
    events.push([n.onsetSec, 1], [n.offsetSec, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let active = 0;
  let last = 0;
  let weighted = 0;
  let sounding = 0;
  for (const [t, d] of events) {
    if (active > 0) {
      weighted += active * (t - last);
      sounding += t - last;
    }
    active += d;
    last = t;
  }
  return sounding > 0 ? weighted / sounding : 0;
}
