import type { Note } from '@a2s/dataset';

/** A key: tonic pitch class (C = 0) and mode. */
export interface Key {
  readonly tonic: number;
  readonly mode: 'major' | 'minor';
}

/** Krumhansl–Kessler probe-tone profiles (Krumhansl 1990), tonic first. */
const MAJOR_PROFILE = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR_PROFILE = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (a[i] - ma) * (b[i] - mb);
    da += (a[i] - ma) ** 2;
    db += (b[i] - mb) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

/**
 * The key whose rotated Krumhansl–Kessler profile correlates best with a 12-bin pitch-class histogram
 * (C = 0). Ties go to the major key with the fewest accidentals' order of appearance (first found).
 */
export function keyFromHistogram(histogram: ArrayLike<number>): Key {
  const h = Array.from({ length: 12 }, (_, i) => histogram[i] ?? 0);
  let best: Key = { tonic: 0, mode: 'major' };
  let bestR = -Infinity;
  for (const mode of ['major', 'minor'] as const) {
    const profile = mode === 'major' ? MAJOR_PROFILE : MINOR_PROFILE;
    for (let tonic = 0; tonic < 12; tonic++) {
      const rotated = Array.from({ length: 12 }, (_, pc) => profile[(pc - tonic + 12) % 12]);
      const r = pearson(h, rotated);
      if (r > bestR + 1e-12) {
        bestR = r;
        best = { tonic, mode };
      }
    }
  }
  return best;
}

/** Key of beat-synchronous chroma `[beats, 12]` (row-major), summed over all beats. */
export function keyFromChroma(chroma: Float32Array, beats: number): Key {
  const h = new Float64Array(12);
  for (let b = 0; b < beats; b++) for (let pc = 0; pc < 12; pc++) h[pc] += chroma[b * 12 + pc];
  return keyFromHistogram(h);
}

/** Key of notes, each weighted by its duration. */
export function keyFromNotes(notes: readonly Note[]): Key {
  const h = new Float64Array(12);
  for (const n of notes) h[n.pitch % 12] += n.durationSteps;
  return keyFromHistogram(h);
}

const LETTER_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** Parses a POP909 key label such as `Gb:maj` or `A:min`; returns undefined for anything else. */
export function parseKeyLabel(label: string): Key | undefined {
  const m = /^([A-G])([b#]?):(maj|min)$/.exec(label.trim());
  if (!m) return undefined;
  const tonic = (LETTER_PC[m[1]] + (m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0) + 12) % 12;
  return { tonic, mode: m[3] === 'maj' ? 'major' : 'minor' };
}

/**
 * The key annotated for the longest time in POP909 `key_audio.txt` spans (a score carries one key
 * signature; modulations are written with accidentals).
 */
export function keyFromSpans(spans: readonly { startSec: number; endSec: number; key: string }[]): Key | undefined {
  const total = new Map<string, number>();
  for (const s of spans) total.set(s.key, (total.get(s.key) ?? 0) + Math.max(0, s.endSec - s.startSec));
  let bestLabel: string | undefined;
  for (const [label, sec] of total) if (bestLabel === undefined || sec > (total.get(bestLabel) ?? 0)) bestLabel = label;
  return bestLabel === undefined ? undefined : parseKeyLabel(bestLabel);
}
