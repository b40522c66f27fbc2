import { createRng, InputError } from '@a2s/dataset';
import { bootstrapMean } from '../metrics/bootstrap.ts';
import { METRICS, type MetricInfo } from '../metrics/song-scores.ts';
import { AUDIO_METRICS } from '../audio-eval/score-arrangement.ts';
import type { MetricRow } from './summarize.ts';

/**
 * Paired comparison of two scored systems: per metric, the mean over songs of (candidate − baseline), oriented
 * so that a positive difference means the candidate is better, with a percentile-bootstrap CI that resamples
 * songs (the same songs for both systems, so song difficulty cancels). A non-inferiority verdict at margin δ:
 * - `better`: the CI lies above 0;
 * - `worse`: the CI lies below 0 (however small the difference);
 * - `no worse`: the CI contains 0 and its lower end is ≥ −δ (any loss is smaller than δ);
 * - `inconclusive`: the CI contains 0 and reaches below −δ (too few songs to tell).
 */
export type Verdict = 'better' | 'no worse' | 'worse' | 'inconclusive';

/**
 * A scored system in metrics.arrow: `system/variant` (when it was scored with several seeds, each song's value is
 * the mean over its seeds), or `system/variant/seed` (one seed).
 */
export interface SystemRef {
  readonly system: string;
  readonly variant: string;
  readonly seed?: number;
}

export interface PairedComparisonRow {
  readonly metric: string;
  readonly higherIsBetter: boolean;
  /** Songs scored for both systems. */
  readonly nSongs: number;
  /** Seeds averaged per song on each side (1: a single model). */
  readonly seeds: { readonly baseline: number; readonly candidate: number };
  /** Means over those songs. */
  readonly baseline: number;
  readonly candidate: number;
  /** Mean of (candidate − baseline), sign flipped for lower-is-better metrics: positive = candidate better. */
  readonly diff: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly verdict: Verdict;
}

export interface CompareOptions {
  readonly seed: number;
  readonly resamples?: number;
  readonly level?: number;
  /** Non-inferiority margin δ in metric units (all metrics here are in [0, 1]). */
  readonly margin: number;
  /** Metrics to compare, with their direction (default: {@link COMPARED_METRICS}). */
  readonly metrics?: readonly MetricInfo[];
}

/**
 * The per-song metrics of {@link METRICS} that depend on the prediction (the `*.gtCeiling` ones score the
 * reference), and those of `a2s eval-audio` ({@link AUDIO_METRICS}) that have a better direction.
 */
export const COMPARED_METRICS: readonly MetricInfo[] = [
  ...METRICS.filter((m) => !m.name.endsWith('.gtCeiling')),
  ...AUDIO_METRICS.filter((m) => m.compared).map(({ name, higherIsBetter, description }) => ({ name, higherIsBetter, description })),
];

export function parseSystemRef(text: string): SystemRef {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new InputError({ file: '<command line>', message: `"${text}" is not system/variant or system/variant/seed` });
  }
  if (parts.length === 3 && !/^-?\d+$/.test(parts[2])) throw new InputError({ file: '<command line>', message: `"${text}": seed must be an integer` });
  return { system: parts[0], variant: parts[1], ...(parts.length === 3 ? { seed: Number(parts[2]) } : {}) };
}

/** `system/variant[/seed]`, as tables and messages name a scored system. */
export const refText = (r: SystemRef): string => `${r.system}/${r.variant}${r.seed !== undefined ? `/${r.seed}` : ''}`;

/**
 * Per-song values `metric → song → value` of one system (pooled `*` rows are left out: they have no songs). A
 * reference without a seed to a system scored with several seeds gets each song's mean over the seeds that
 * scored it, so a paired comparison of two multi-seed variants compares their seed-averaged models song by song.
 */
function songValues(rows: readonly MetricRow[], ref: SystemRef, source: string): { values: Map<string, Map<string, number>>; seeds: number } {
  const mine = rows.filter((r) => r.system === ref.system && r.variant === ref.variant && (ref.seed === undefined || r.seed === ref.seed));
  if (mine.length === 0) {
    const known = [...new Set(rows.map((r) => `${r.system}/${r.variant}${r.seed !== null ? `/${r.seed}` : ''}`))].sort();
    throw new InputError({ file: source, message: `no rows for ${refText(ref)}; scored systems: ${known.join(', ')}` });
  }
  const sums = new Map<string, Map<string, { sum: number; n: number }>>();
  for (const r of mine) {
    if (r.song === '*') continue;
    let m = sums.get(r.metric);
    if (!m) sums.set(r.metric, (m = new Map()));
    const acc = m.get(r.song) ?? { sum: 0, n: 0 };
    acc.sum += r.value;
    acc.n += 1;
    m.set(r.song, acc);
  }
  const values = new Map([...sums].map(([metric, m]) => [metric, new Map([...m].map(([song, a]) => [song, a.sum / a.n]))]));
  return { values, seeds: new Set(mine.map((r) => r.seed)).size };
}

export function verdictOf(ciLow: number, ciHigh: number, margin: number): Verdict {
  if (ciLow > 0) return 'better';
  if (ciHigh < 0) return 'worse';
  return ciLow >= -margin ? 'no worse' : 'inconclusive';
}

/**
 * Compares `candidate` with `baseline` on every metric both have per-song values for. `source` names the
 * metrics file in errors. Deterministic for a given seed.
 */
export function compareSystems(
  rows: readonly MetricRow[],
  baseline: SystemRef,
  candidate: SystemRef,
  opts: CompareOptions,
  source = 'metrics.arrow',
): PairedComparisonRow[] {
  if (!(opts.margin >= 0)) throw new RangeError('margin must be ≥ 0');
  const { values: base, seeds: baselineSeeds } = songValues(rows, baseline, source);
  const { values: cand, seeds: candidateSeeds } = songValues(rows, candidate, source);
  const rng = createRng(opts.seed);
  const out: PairedComparisonRow[] = [];
  for (const info of opts.metrics ?? COMPARED_METRICS) {
    const b = base.get(info.name);
    const c = cand.get(info.name);
    if (!b || !c) continue;
    const songs = [...b.keys()].filter((s) => c.has(s)).sort();
    if (songs.length === 0) continue;
    const sign = info.higherIsBetter ? 1 : -1;
    const diffs = songs.map((s) => sign * (c.get(s)! - b.get(s)!));
    const boot = bootstrapMean(diffs, { rng: rng.fork(`${refText(baseline)}|${refText(candidate)}|${info.name}`), resamples: opts.resamples, level: opts.level });
    const mean = (m: Map<string, number>) => songs.reduce((s, k) => s + m.get(k)!, 0) / songs.length;
    out.push({
      metric: info.name,
      higherIsBetter: info.higherIsBetter,
      nSongs: songs.length,
      seeds: { baseline: baselineSeeds, candidate: candidateSeeds },
      baseline: mean(b),
      candidate: mean(c),
      diff: boot.mean,
      ciLow: boot.ciLow,
      ciHigh: boot.ciHigh,
      verdict: verdictOf(boot.ciLow, boot.ciHigh, opts.margin),
    });
  }
  if (out.length === 0) {
    throw new InputError({ file: source, message: `${refText(baseline)} and ${refText(candidate)} share no per-song metric values (no common songs?)` });
  }
  return out;
}

/** Counts of each verdict, and the one-line conclusion printed under a comparison. */
export function verdictLine(baseline: SystemRef, candidate: SystemRef, rows: readonly PairedComparisonRow[], margin: number): string {
  const n = (v: Verdict) => rows.filter((r) => r.verdict === v).length;
  const atMost = n('better') + n('no worse');
  return (
    `${refText(candidate)} vs ${refText(baseline)}: no worse (margin ${margin}) on ${atMost} of ${rows.length} metrics ` +
    `(better ${n('better')}, no worse ${n('no worse')}, inconclusive ${n('inconclusive')}, worse ${n('worse')})`
  );
}

/** The comparison as a Markdown table (one row per metric). */
export function comparisonMarkdown(baseline: SystemRef, candidate: SystemRef, rows: readonly PairedComparisonRow[], level = 0.95): string {
  const f = (x: number) => x.toFixed(3);
  const seeds = (n: number | undefined) => (n !== undefined && n > 1 ? ` (mean of ${n} seeds)` : '');
  const lines = [
    `| metric | ${refText(baseline)}${seeds(rows[0]?.seeds.baseline)} | ${refText(candidate)}${seeds(rows[0]?.seeds.candidate)} | Δ (candidate better > 0) [${Math.round(level * 100)} % CI] | verdict |`,
    '|---|---|---|---|---|',
  ];
  for (const r of rows) lines.push(`| \`${r.metric}\` | ${f(r.baseline)} | ${f(r.candidate)} | ${r.diff >= 0 ? '+' : ''}${f(r.diff)} [${f(r.ciLow)}, ${f(r.ciHigh)}] | ${r.verdict} |`);
  return lines.join('\n');
}
