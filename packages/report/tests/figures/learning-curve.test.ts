import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countSvgItems,
  learningCurveFigure,
  readTrainingRun,
  readValidationLog,
  renderSvg,
  TRAIN_SERIES,
  VALIDATION_SERIES,
  validationSummary,
  type DataRow,
} from '../../src/index.ts';
import { RUN_DIRS } from '../helpers.ts';
import { DROPSCORE_STEPS, PASSES, PRETRAIN_STEPS, trainLoss, writeSyntheticRun } from '../synthetic-run.ts';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as typeof import('ajv').default;

let root: string;
let validate: ValidateFunction;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'a2s-report-lc-'));
  const schemaPath = fileURLToPath(import.meta.resolve('vega-lite/vega-lite-schema.json'));
  validate = new Ajv({ strict: false, allowUnionTypes: true, allErrors: false }).compile(JSON.parse(await readFile(schemaPath, 'utf8')));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const rowsOf = (data: readonly DataRow[], where: Partial<Record<string, string | boolean>>) =>
  data.filter((d) => Object.entries(where).every(([k, v]) => d[k] === v));

describe('learning curve', () => {
  it('reads validation.jsonl beside log.jsonl and draws validation loss and onset F1 per stage', async () => {
    const dir = join(root, 'run-a');
    await writeSyntheticRun(dir);
    const run = await readTrainingRun(dir);
    expect(run.warnings).toEqual([]);
    expect(run.validation).toHaveLength(PASSES.length);
    expect(run.validation[6]).toMatchObject({ stage: 'dropscore', step: 50, globalStep: 350, segments: 32, mode: 'autoregressive', best: true });

    const f = learningCurveFigure(run, { window: 10 })!;
    expect(f.id).toBe('learning-curve-run-a');
    expect(validate(f.spec), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    for (const panel of ['loss', 'onset F1']) {
      const val = rowsOf(f.data, { panel, series: VALIDATION_SERIES });
      expect(val.map((d) => d.globalStep)).toEqual(PASSES.map(([s, step]) => (s === 'pretrain' ? 0 : PRETRAIN_STEPS) + step));
      expect(rowsOf(val, { stage: 'pretrain' })).toHaveLength(6);
      expect(rowsOf(val, { stage: 'dropscore' })).toHaveLength(4);
      // The best pass of a stage is its last one flagged best: pretrain step 250, dropscore step 100.
      expect(rowsOf(f.data, { panel, best: true }).map((d) => [d.stage, d.step, d.globalStep])).toEqual([
        ['pretrain', 250, 250],
        ['dropscore', 100, 400],
      ]);
    }
    expect(rowsOf(f.data, { panel: 'onset F1', series: TRAIN_SERIES })).toHaveLength(0);
    expect(rowsOf(f.data, { panel: 'onset F1', series: VALIDATION_SERIES, stage: 'dropscore' })[0]!.value).toBeCloseTo(0.55, 12);

    // Training loss: a trailing 10-step mean within the stage (fewer at the stage's start), one point per logged step.
    const train = rowsOf(f.data, { series: TRAIN_SERIES });
    expect(rowsOf(train, { stage: 'pretrain' })).toHaveLength(PRETRAIN_STEPS);
    expect(rowsOf(train, { stage: 'dropscore' })).toHaveLength(DROPSCORE_STEPS);
    const mean = (from: number, to: number) => {
      let s = 0;
      for (let g = from; g <= to; g++) s += trainLoss(g);
      return s / (to - from + 1);
    };
    expect(train.find((d) => d.globalStep === 120)!.value).toBeCloseTo(mean(111, 120), 12);
    expect(train.find((d) => d.globalStep === 303)!.value).toBeCloseTo(mean(301, 303), 12); // the window restarts with the stage
    expect(f.caption).toContain('moving average over 10 logged steps');

    // Stage split: colour by stage in run order, one dashed rule where dropscore starts (global step 301).
    const spec = f.spec as unknown as { vconcat: { layer: { data?: { values: unknown[] }; encoding: { color?: { sort: string[] } } }[] }[] };
    expect(spec.vconcat).toHaveLength(2);
    for (const view of spec.vconcat) {
      expect(view.layer[0]!.encoding.color!.sort).toEqual(['pretrain', 'dropscore']);
      expect(view.layer.at(-1)!.data!.values).toEqual([{ stage: 'dropscore', globalStep: 301 }]);
    }

    const svg = await renderSvg(f.spec);
    // Validation dots (10 per panel) plus the best-pass diamonds (2 per panel).
    expect(countSvgItems(svg, 'point')).toBe(2 * (PASSES.length + 2));
    // Lines: training and validation per stage on the loss panel, validation per stage on the F1 panel.
    expect(countSvgItems(svg, 'line mark')).toBe(4 + 2);
    expect(countSvgItems(svg, 'rule mark')).toBe(2);
  });

  it('long logs: the training series is averaged to maxPoints per stage, validation points are all kept', async () => {
    const run = await readTrainingRun(join(root, 'run-a'));
    const f = learningCurveFigure(run, { maxPoints: 50 })!;
    expect(rowsOf(f.data, { series: TRAIN_SERIES, stage: 'pretrain' })).toHaveLength(50);
    expect(rowsOf(f.data, { series: TRAIN_SERIES, stage: 'dropscore' })).toHaveLength(50);
    expect(rowsOf(f.data, { series: VALIDATION_SERIES })).toHaveLength(2 * PASSES.length);
    expect(f.caption).toContain('moving average over 10 logged steps'); // auto: 500 logged steps / 50
  });

  it('states "validation every N steps on K segments" from the data', async () => {
    const run = await readTrainingRun(join(root, 'run-a'));
    const s = validationSummary(run)!;
    expect(s).toContain('run-a: validation every 50 steps on 32 segments');
    expect(s).toContain('10 passes over stages pretrain, dropscore');
    expect(s).toContain('independent/autoregressive decoding');
    expect(s).toContain('best: pretrain step 250 (onset F1 0.450), dropscore step 100 (onset F1 0.600)');
  });

  it('a run without validation.jsonl has no learning curve and no warning', async () => {
    const dir = join(root, 'run-none');
    await writeSyntheticRun(dir, { validation: false });
    const run = await readTrainingRun(dir);
    expect(run.entries).toHaveLength(PRETRAIN_STEPS + DROPSCORE_STEPS);
    expect(run.validation).toEqual([]);
    expect(run.warnings).toEqual([]);
    expect(learningCurveFigure(run)).toBeNull();
    expect(validationSummary(run)).toBeNull();
    // Passes with nothing finite to draw (no loss, no onset F1) and no training log: no figure either.
    const pass = { stage: 'pretrain', step: 50, globalStep: 50, segments: 8, mode: null, loss: null, losses: {}, metrics: {}, best: false, timeSec: null };
    expect(learningCurveFigure({ ...run, entries: [], validation: [pass] })).toBeNull();
    // The committed fixture runs predate validation: still read as before.
    expect((await readTrainingRun(RUN_DIRS[0]!)).validation).toEqual([]);
  });

  it('skips malformed lines with a warning naming the file and line', async () => {
    const dir = join(root, 'run-bad');
    await writeSyntheticRun(dir);
    const path = join(dir, 'validation.jsonl');
    const good = (await readFile(path, 'utf8')).trim().split('\n');
    // line 2: not a validation pass (no globalStep); line 4: blank; line 6: a killed run's half-written last line
    const noGlobal = JSON.stringify({ ...JSON.parse(good[1]!), globalStep: undefined });
    await writeFile(path, [good[0], noGlobal, good[2], '', good[3], good[4]!.slice(0, 40)].join('\n'));
    const log = await readValidationLog(path);
    expect(log.entries.map((e) => e.step)).toEqual([50, 150, 200]);
    expect(log.warnings).toHaveLength(2);
    expect(log.warnings[0]!.startsWith(`${path}:2: invalid validation entry at globalStep: `)).toBe(true);
    expect(log.warnings[0]!.endsWith('line skipped')).toBe(true);
    expect(log.warnings[1]).toBe(`${path}:6: not valid JSON, line skipped`);
    const run = await readTrainingRun(dir);
    expect(run.warnings).toEqual(log.warnings);
    expect(learningCurveFigure(run)!.data.filter((d) => d.series === VALIDATION_SERIES && d.panel === 'loss')).toHaveLength(3);
  });
});
