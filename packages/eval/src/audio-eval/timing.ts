import type { OnsetEnvelope } from '@a2s/features';
import type { ArrangedNote } from './notes.ts';

/** Peak-picking parameters of {@link pickOnsets}, in seconds and envelope standard deviations. */
export interface OnsetPickOptions {
  /** A peak is the maximum within ±`maxWindowSec`. Default 0.03. */
  readonly maxWindowSec?: number;
  /** …and exceeds the mean within ±`meanWindowSec` by `delta`. Default 0.1. */
  readonly meanWindowSec?: number;
  /** Threshold above the local mean, in units of the envelope's standard deviation (it has unit variance). Default 1. */
  readonly delta?: number;
  /** Minimum time between picked onsets. Default 0.03. */
  readonly minGapSec?: number;
}

/**
 * Onset times of a recording: peaks of its spectral-flux onset strength (`onsetEnvelope` of `@a2s/features`,
 * unit variance) that are the maximum within ±30 ms and exceed the mean within ±100 ms by 1 standard
 * deviation, at least 30 ms apart (librosa's `peak_pick` rule with these windows).
 */
export function pickOnsets(env: OnsetEnvelope, opts: OnsetPickOptions = {}): Float64Array {
  const s = env.strength;
  const fr = env.frameRate;
  const wMax = Math.max(1, Math.round((opts.maxWindowSec ?? 0.03) * fr));
  const wMean = Math.max(1, Math.round((opts.meanWindowSec ?? 0.1) * fr));
  const delta = opts.delta ?? 1;
  const gap = Math.max(1, Math.round((opts.minGapSec ?? 0.03) * fr));
  const prefix = new Float64Array(s.length + 1);
  for (let i = 0; i < s.length; i++) prefix[i + 1] = prefix[i] + s[i];
  const out: number[] = [];
  let last = -Infinity;
  for (let t = 0; t < s.length; t++) {
    const v = s[t];
    if (v <= 0 || t - last < gap) continue;
    let isMax = true;
    for (let k = Math.max(0, t - wMax); k <= Math.min(s.length - 1, t + wMax) && isMax; k++) if (s[k] > v) isMax = false;
    if (!isMax) continue;
    const a = Math.max(0, t - wMean);
    const b = Math.min(s.length, t + wMean + 1);
    if (v < (prefix[b] - prefix[a]) / (b - a) + delta) continue;
    out.push(t / fr);
    last = t;
  }
  return Float64Array.from(out);
}

/**
 * Distinct onset times of an arrangement: note onsets sorted, and onsets closer than `mergeSec` (default
 * 30 ms) to the previous kept one merged into it (a chord is one onset).
 */
export function distinctOnsets(notes: readonly ArrangedNote[], mergeSec = 0.03): Float64Array {
  const sorted = notes.map((n) => n.onsetSec).sort((a, b) => a - b);
  const out: number[] = [];
  for (const t of sorted) if (out.length === 0 || t - out[out.length - 1] >= mergeSec) out.push(t);
  return Float64Array.from(out);
}

/**
 * Share of `est` onsets with at least one `ref` onset within ±`toleranceSec` (not one-to-one: several
 * arrangement onsets may sit on one audio onset). NaN when `est` is empty. Both arrays sorted ascending.
 */
export function onsetHitRate(est: ArrayLike<number>, ref: ArrayLike<number>, toleranceSec = 0.05): number {
  if (est.length === 0) return Number.NaN;
  let hits = 0;
  let j = 0;
  for (let i = 0; i < est.length; i++) {
    while (j < ref.length && ref[j] < est[i] - toleranceSec) j++;
    if (j < ref.length && Math.abs(ref[j] - est[i]) <= toleranceSec) hits++;
  }
  return hits / est.length;
}
