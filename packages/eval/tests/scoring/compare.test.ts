import { describe, expect, it } from 'vitest';
import { createRng } from '@a2s/dataset';
import { compareSystems, COMPARED_METRICS, parseSystemRef, verdictLine, verdictOf, type MetricRow } from '../../src/scoring/index.ts';

const SONGS = Array.from({ length: 8 }, (_, i) => `song${i}`);

/** Rows of one system for `metric`, one value per song. */
function rows(system: string, metric: string, values: readonly number[], seed: number | null = 0): MetricRow[] {
  return values.map((value, i) => ({ system, variant: 'v', seed, metric, song: SONGS[i], value }));
}

const base = [0.2, 0.5, 0.3, 0.8, 0.6, 0.4, 0.7, 0.1];
const opts = { seed: 0, resamples: 500, margin: 0.02 };

describe('compareSystems (paired, per song)', () => {
  it('gives each verdict where it must', () => {
    const rng = createRng(3);
    const noise = base.map(() => (rng.next() - 0.5) * 0.6);
    const table = [
      ...rows('gru', 'onset.f1', base),
      ...rows('par', 'onset.f1', base.map((v) => v + 0.1)), // better on every song
      ...rows('gru', 'onset.recall', base),
      ...rows('par', 'onset.recall', base), // identical
      ...rows('gru', 'onset.precision', base),
      ...rows('par', 'onset.precision', base.map((v) => v - 0.05)), // worse on every song
      ...rows('gru', 'texture.density.sim', base),
      ...rows('par', 'texture.density.sim', base.map((v, i) => v + noise[i])), // large song-to-song noise
      ...rows('gru', 'dist.length.overlap', base),
      ...rows('par', 'dist.length.overlap', base.map((v, i) => v + (i % 2 === 0 ? 0.01 : -0.005))), // tiny, mixed
    ];
    const res = compareSystems(table, parseSystemRef('gru/v'), parseSystemRef('par/v'), opts);
    const by = Object.fromEntries(res.map((r) => [r.metric, r]));
    expect(by['onset.f1'].verdict).toBe('better');
    expect(by['onset.f1'].diff).toBeCloseTo(0.1, 10);
    expect(by['onset.recall']).toMatchObject({ verdict: 'no worse', diff: 0, ciLow: 0, ciHigh: 0 });
    expect(by['onset.precision'].verdict).toBe('worse');
    expect(by['texture.density.sim'].verdict).toBe('inconclusive');
    expect(by['dist.length.overlap'].verdict).toBe('no worse');
    expect(res.every((r) => r.nSongs === 8)).toBe(true);
    expect(verdictLine(parseSystemRef('gru/v'), parseSystemRef('par/v'), res, 0.02)).toContain('on 3 of 5 metrics (better 1, no worse 2, inconclusive 1, worse 1)');
    // deterministic for a seed
    expect(compareSystems(table, parseSystemRef('gru/v'), parseSystemRef('par/v'), opts)).toEqual(res);
  });

  it('pairs songs: a shift common to both systems on one song does not widen the CI', () => {
    const hard = base.map((v, i) => (i === 0 ? v - 0.5 : v));
    const table = [...rows('a', 'onset.f1', hard), ...rows('b', 'onset.f1', hard.map((v) => v + 0.03))];
    const [r] = compareSystems(table, parseSystemRef('a/v'), parseSystemRef('b/v'), opts);
    expect(r.ciLow).toBeCloseTo(0.03, 10);
    expect(r.ciHigh).toBeCloseTo(0.03, 10);
  });

  it('orients lower-is-better metrics so that positive means the candidate is better', () => {
    const table = [...rows('a', 'err', base), ...rows('b', 'err', base.map((v) => v - 0.1))];
    const [r] = compareSystems(table, parseSystemRef('a/v'), parseSystemRef('b/v'), {
      ...opts,
      metrics: [{ name: 'err', higherIsBetter: false, description: 'an error rate' }],
    });
    expect(r.diff).toBeCloseTo(0.1, 10);
    expect(r.verdict).toBe('better');
  });

  it('uses only songs both systems have, skips pooled rows and reference ceilings', () => {
    const table = [
      ...rows('a', 'onset.f1', base),
      ...rows('b', 'onset.f1', base.slice(0, 5)),
      { system: 'a', variant: 'v', seed: 0, metric: 'dist.length.overlap.split', song: '*', value: 0.5 },
      { system: 'b', variant: 'v', seed: 0, metric: 'dist.length.overlap.split', song: '*', value: 0.6 },
      ...rows('a', 'chord.root.gtCeiling', base),
      ...rows('b', 'chord.root.gtCeiling', base),
    ];
    const res = compareSystems(table, parseSystemRef('a/v'), parseSystemRef('b/v'), opts);
    expect(res.map((r) => [r.metric, r.nSongs])).toEqual([['onset.f1', 5]]);
    expect(COMPARED_METRICS.some((m) => m.name.endsWith('gtCeiling'))).toBe(false);
  });

  it('names the file and the known systems on a bad reference; averages each song over the seeds unless one is named', () => {
    const plus = base.map((v) => v + 0.2);
    const table = [...rows('a', 'onset.f1', base, 0), ...rows('a', 'onset.f1', plus, 1), ...rows('b', 'onset.f1', base, 0)];
    expect(() => compareSystems(table, parseSystemRef('c/v'), parseSystemRef('b/v'), opts, 'x/metrics.arrow')).toThrow(/x\/metrics.arrow.*no rows for c\/v; scored systems: a\/v\/0, a\/v\/1, b\/v\/0/);
    const pooled = compareSystems(table, parseSystemRef('b/v'), parseSystemRef('a/v'), opts);
    expect(pooled[0].diff).toBeCloseTo(0.1, 10); // (0 + 0.2) / 2 on every song
    expect(pooled[0].seeds).toEqual({ baseline: 1, candidate: 2 });
    expect(compareSystems(table, parseSystemRef('b/v'), parseSystemRef('a/v/1'), opts)[0].diff).toBeCloseTo(0.2, 10);
    expect(compareSystems(table, parseSystemRef('a/v/1'), parseSystemRef('b/v'), opts)).toHaveLength(1);
    expect(() => parseSystemRef('justone')).toThrow(/system\/variant/);
    expect(() => parseSystemRef('a/v/x')).toThrow(/seed must be an integer/);
  });

  it('verdictOf follows the documented rule', () => {
    expect(verdictOf(0.001, 0.2, 0.02)).toBe('better');
    expect(verdictOf(-0.2, -0.001, 0.02)).toBe('worse');
    expect(verdictOf(-0.02, 0.1, 0.02)).toBe('no worse');
    expect(verdictOf(-0.021, 0.1, 0.02)).toBe('inconclusive');
  });
});
