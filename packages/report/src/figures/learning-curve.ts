import type { TopLevelSpec } from 'vega-lite';
import type { TrainingLogEntry, TrainingRun } from '../inputs/training-log.ts';
import type { ValidationEntry } from '../inputs/validation-log.ts';
import type { DataRow } from '../render/csv.ts';
import { FIGURE_CONFIG } from '../render/theme.ts';
import { VEGA_LITE_SCHEMA, type Figure } from './figure.ts';
import { downsample } from './training-curves.ts';

/** One view of a `vconcat` (vega-lite exports only the top-level spec type). */
type PanelSpec = Extract<TopLevelSpec, { vconcat: unknown }>['vconcat'][number];

/** Panels of the learning-curve figure, top to bottom. */
export const LEARNING_CURVE_PANELS = ['loss', 'onset F1'] as const;
/** Series names in the figure's data. */
export const TRAIN_SERIES = 'training';
export const VALIDATION_SERIES = 'validation';

/** Logged steps per moving-average window when none is given: about 1/50 of the log, at least 1. */
export function autoWindow(loggedSteps: number): number {
  return Math.max(1, Math.round(loggedSteps / 50));
}

/** Stages in the order the run went through them (log first, then stages only validated). */
function stageOrder(run: TrainingRun): string[] {
  const stages: string[] = [];
  for (const e of [...run.entries, ...run.validation]) if (!stages.includes(e.stage)) stages.push(e.stage);
  return stages;
}

/**
 * Global step of each log entry: as logged, or, for logs without `globalStep`, the stages laid end to end
 * (a stage starts where the previous one's last logged step ended).
 */
function globalSteps(entries: readonly TrainingLogEntry[], stages: readonly string[]): number[] {
  const offset = new Map<string, number>();
  let next = 0;
  for (const s of stages) {
    offset.set(s, next);
    const steps = entries.filter((e) => e.stage === s).map((e) => e.step);
    if (steps.length > 0) next += Math.max(...steps);
  }
  return entries.map((e) => e.globalStep ?? offset.get(e.stage)! + e.step);
}

/** Trailing mean over the last `window` values (fewer at the start). */
function movingAverage(values: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= window) sum -= values[i - window]!;
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

/** The best pass of each stage: its last line flagged `best` (the trainer flags each new best). */
export function bestPasses(validation: readonly ValidationEntry[]): ValidationEntry[] {
  const best = new Map<string, ValidationEntry>();
  for (const v of validation) if (v.best) best.set(v.stage, v);
  return [...best.values()];
}

/** Most frequent value (smallest on ties); null for an empty list. */
function mode(values: readonly number[]): number | null {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)! || (n === counts.get(best)! && v < best)) best = v;
  return best;
}

/**
 * One sentence on how a run was validated, derived from its validation.jsonl: the usual interval between
 * passes of a stage (the most frequent one; a stage's last pass may come off the grid), the segments used,
 * the passes and decoding modes. Null when the run has no validation pass.
 */
export function validationSummary(run: TrainingRun): string | null {
  const v = run.validation;
  if (v.length === 0) return null;
  const intervals: number[] = [];
  for (const stage of stageOrder(run)) {
    const steps = v.filter((e) => e.stage === stage).map((e) => e.step);
    for (let i = 1; i < steps.length; i++) if (steps[i]! > steps[i - 1]!) intervals.push(steps[i]! - steps[i - 1]!);
  }
  const every = mode(intervals);
  const segs = [...new Set(v.map((e) => e.segments).filter((s): s is number => s !== null))].sort((a, b) => a - b);
  const segText = segs.length === 0 ? 'an unlogged number of segments' : segs.length === 1 ? `${segs[0]} segments` : `${segs[0]}–${segs.at(-1)} segments`;
  const modes = [...new Set(v.map((e) => e.mode).filter((m): m is string => m !== null))];
  const stages = stageOrder(run).filter((s) => v.some((e) => e.stage === s));
  const best = bestPasses(v)
    .map((b) => `${b.stage} step ${b.step}${b.metrics.onsetF1 != null ? ` (onset F1 ${b.metrics.onsetF1.toFixed(3)})` : ''}`)
    .join(', ');
  return (
    `${run.name}: validation ${every === null ? 'once per stage' : `every ${every} steps`} on ${segText}` +
    ` (${v.length} pass${v.length === 1 ? '' : 'es'} over stage${stages.length === 1 ? '' : 's'} ${stages.join(', ')}` +
    `${modes.length > 0 ? `; ${modes.join('/')} decoding` : ''})${best === '' ? '.' : `; best: ${best}.`}`
  );
}

/**
 * Learning curve of one run against its global step: training loss (moving average over `window` logged
 * steps within a stage, then averaged to at most `maxPoints` points per stage) with the validation loss on
 * one panel, validation onset F1 on a second; colour by stage, dashed rules at stage boundaries, a diamond
 * on each stage's best pass. Null when the run has no validation pass (or nothing finite to draw).
 */
export function learningCurveFigure(run: TrainingRun, opts: { maxPoints?: number; window?: number } = {}): Figure | null {
  if (run.validation.length === 0) return null;
  const maxPoints = opts.maxPoints ?? 400;
  const stages = stageOrder(run);
  const gsteps = globalSteps(run.entries, stages);
  const trainable = run.entries.filter((e) => e.loss !== null && Number.isFinite(e.loss)).length;
  const window = opts.window !== undefined && opts.window > 0 ? opts.window : autoWindow(trainable);
  const bestKeys = new Set(bestPasses(run.validation).map((b) => `${b.stage}\u0000${b.globalStep}`));
  const data: DataRow[] = [];
  for (const stage of stages) {
    const idx = run.entries.flatMap((e, i) => (e.stage === stage && e.loss !== null && Number.isFinite(e.loss) ? [i] : []));
    const avg = movingAverage(idx.map((i) => run.entries[i]!.loss!), window);
    const points = downsample(idx.map((i, k) => ({ step: gsteps[i]!, value: avg[k]! })), maxPoints);
    for (const p of points) {
      data.push({ run: run.name, panel: 'loss', series: TRAIN_SERIES, stage, globalStep: p.step, step: null, value: p.value, best: false });
    }
    for (const v of run.validation.filter((e) => e.stage === stage)) {
      const best = bestKeys.has(`${v.stage}\u0000${v.globalStep}`);
      const row = { run: run.name, series: VALIDATION_SERIES, stage, globalStep: v.globalStep, step: v.step, best };
      if (v.loss !== null && Number.isFinite(v.loss)) data.push({ ...row, panel: 'loss', value: v.loss });
      const f1 = v.metrics.onsetF1;
      if (f1 !== null && f1 !== undefined && Number.isFinite(f1)) data.push({ ...row, panel: 'onset F1', value: f1 });
    }
  }
  if (data.length === 0) return null;
  const boundaries: { stage: string; globalStep: number }[] = [];
  for (const stage of stages.slice(1)) {
    const starts = [
      ...run.entries.flatMap((e, i) => (e.stage === stage ? [gsteps[i]!] : [])),
      ...run.validation.filter((e) => e.stage === stage).map((e) => e.globalStep),
    ];
    if (starts.length > 0) boundaries.push({ stage, globalStep: Math.min(...starts) });
  }
  const xs = data.map((d) => d.globalStep as number);
  const xDomain = [Math.min(...xs), Math.max(...xs)];
  const x = { field: 'globalStep', type: 'quantitative', title: 'global step', scale: { domain: xDomain, nice: false } } as const;
  const color = { field: 'stage', type: 'nominal', sort: stages, title: 'stage' } as const;
  const boundaryLayer = {
    data: { values: boundaries },
    mark: { type: 'rule' as const, strokeDash: [4, 3], color: '#888' },
    encoding: { x: { field: 'globalStep', type: 'quantitative' as const } },
  };
  const panel = (name: (typeof LEARNING_CURVE_PANELS)[number], height: number, yTitle: string): PanelSpec => {
    const onPanel = { filter: { field: 'panel', equal: name } };
    return {
      height,
      width: 560,
      layer: [
        {
          transform: [onPanel],
          mark: { type: 'line', strokeWidth: 1.5, clip: true },
          encoding: {
            x,
            y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } },
            color,
            strokeDash: { field: 'series', type: 'nominal', sort: [TRAIN_SERIES, VALIDATION_SERIES], title: 'series' },
          },
        },
        {
          transform: [onPanel, { filter: { field: 'series', equal: VALIDATION_SERIES } }],
          mark: { type: 'point', filled: true, size: 30, clip: true },
          encoding: { x, y: { field: 'value', type: 'quantitative' }, color },
        },
        {
          transform: [onPanel, { filter: { field: 'best', equal: true } }],
          mark: { type: 'point', shape: 'diamond', filled: true, size: 140, stroke: '#000', strokeWidth: 1, clip: true },
          encoding: { x, y: { field: 'value', type: 'quantitative' }, color },
        },
        ...(boundaries.length > 0 ? [boundaryLayer] : []),
      ],
    };
  };
  const panels = LEARNING_CURVE_PANELS.filter((p) => data.some((d) => d.panel === p));
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: `Learning curve: ${run.name}`,
    data: { values: data as Record<string, unknown>[] },
    vconcat: panels.map((p) => (p === 'loss' ? panel('loss', 200, 'loss') : panel('onset F1', 130, 'validation onset F1'))),
    config: FIGURE_CONFIG,
  };
  const summary = validationSummary(run);
  return {
    id: `learning-curve-${run.name}`,
    title: `Learning curve (${run.name})`,
    caption:
      `Training loss (moving average over ${window} logged step${window === 1 ? '' : 's'} within a stage; long logs averaged to at most ${maxPoints} points per stage, solid) ` +
      `and validation loss (dashed, dots) against the global step, validation onset F1 below; colour by stage, dashed grey rules at stage boundaries, ` +
      `a diamond on each stage's best validation pass (the weights an early-stopping stage ends with). ${summary ?? ''}`.trimEnd(),
    spec,
    data,
    columns: ['run', 'stage', 'panel', 'series', 'globalStep', 'step', 'value', 'best'],
  };
}
