import { SPLITS, type Split } from '../shards/types.ts';
import { createRng } from '../util/rng.ts';

export interface SplitRatios {
  train: number;
  valid: number;
  test: number;
}

/**
 * Song counts per split by largest remainder, so they sum to `n`. When there are at least as many songs as
 * splits with a positive ratio, each such split gets at least one song (a 3-song fixture still has a
 * validation and a test song).
 */
export function splitCounts(n: number, ratios: SplitRatios): Record<Split, number> {
  const exact = SPLITS.map((s) => n * ratios[s]);
  const counts = exact.map(Math.floor);
  const order = SPLITS.map((_, i) => i).sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  for (let k = 0; counts.reduce((x, y) => x + y, 0) < n; k++) counts[order[k % order.length]]++;
  const positive = SPLITS.map((s, i) => (ratios[s] > 0 ? i : -1)).filter((i) => i >= 0);
  if (n >= positive.length) {
    for (const i of positive) {
      if (counts[i] > 0) continue;
      const donor = positive.reduce((best, j) => (counts[j] > counts[best] ? j : best), positive[0]);
      counts[donor]--;
      counts[i]++;
    }
  }
  return { train: counts[0], valid: counts[1], test: counts[2] };
}

/**
 * Song-level split: the ids are sorted, shuffled with a generator seeded by `seed` (fork `split`), and the
 * first {@link splitCounts}.train go to train, the next ones to valid, the rest to test. Same ids and seed →
 * same split, whatever the input order.
 */
export function assignSplits(songIds: readonly string[], ratios: SplitRatios, seed: number): Record<string, Split> {
  const ids = [...new Set(songIds)].sort();
  const shuffled = createRng(seed).fork('split').shuffle(ids);
  const counts = splitCounts(ids.length, ratios);
  const out: Record<string, Split> = {};
  shuffled.forEach((id, i) => {
    out[id] = i < counts.train ? 'train' : i < counts.train + counts.valid ? 'valid' : 'test';
  });
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Split of a song left out of {@link assignSplits} (excluded and failed songs, for the record): drawn from a generator seeded by seed and id. */
export function hashedSplit(songId: string, ratios: SplitRatios, seed: number): Split {
  const u = createRng(`${seed}/${songId}`).next();
  if (u < ratios.train) return 'train';
  return u < ratios.train + ratios.valid ? 'valid' : 'test';
}
