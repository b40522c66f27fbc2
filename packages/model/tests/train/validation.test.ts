import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Note } from '@a2s/dataset';
import { selectBackend } from '../../src/tf/backend.ts';
import { resolveTrainConfig, type ResolvedTrainConfig } from '../../src/config/train-config.ts';
import { train } from '../../src/train/trainer.ts';
import { findStageEnd, loadCheckpoint } from '../../src/train/checkpoint.ts';
import { exportWeights } from '../../src/train/export.ts';
import { EarlyStopper, onsetCounts, type ValidationEntry } from '../../src/train/validation.ts';
import { syntheticSource } from '../../src/testing/synthetic.ts';

const FRAMES = 32;
const BINS = 24;

function config(o: { steps: number[]; lr?: number; validation: Record<string, unknown> }): ResolvedTrainConfig {
  const stages = ['warmup', 'pretrain', 'dropscore'].slice(0, o.steps.length).map((name, i) => ({
    name,
    epochs: 100,
    maxSteps: o.steps[i],
    lr: o.lr ?? 3e-3,
    symbolic: name === 'dropscore' ? 'prior' : 'encode',
    kl: { chd: { type: 'constant', value: 0.01 }, aud: { type: 'constant', value: 0.01 }, sym: { type: 'constant', value: 0.01 } },
  }));
  return resolveTrainConfig({ preset: 'tiny', batchSize: 4, seed: 7, checkpointEverySteps: 2, stages, model: { audioFrames: FRAMES, audioBins: BINS }, validation: o.validation });
}

const source = () => syntheticSource({ size: 4, batches: 3, audioFrames: FRAMES, audioBins: BINS, seed: 1 });
const tmp = () => fs.mkdtemp(path.join(os.tmpdir(), 'a2s-val-'));

async function entries(dir: string): Promise<ValidationEntry[]> {
  return (await fs.readFile(path.join(dir, 'validation.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ValidationEntry);
}

async function params(dir: string): Promise<Float32Array[]> {
  const ck = await loadCheckpoint(dir);
  return [...ck.values.entries()].filter(([k]) => k.startsWith('param:')).map(([, v]) => v.data);
}

const note = (onsetStep: number, pitch: number): Note => ({ onsetStep, pitch, durationSteps: 1, velocity: 80, track: 'PIANO' });

describe('onsetCounts', () => {
  it('matches (onset, pitch) pairs once each', () => {
    expect(onsetCounts([note(0, 60), note(0, 64), note(4, 60)], [note(0, 60), note(4, 62)])).toEqual({ hits: 1, pred: 3, target: 2 });
    expect(onsetCounts([], [note(0, 60)])).toEqual({ hits: 0, pred: 0, target: 1 });
  });
});

describe('EarlyStopper', () => {
  it('counts passes since the best and is exhausted after `patience` of them', () => {
    const s = new EarlyStopper('onsetF1', 2);
    const pass = (step: number, f1: number) => s.record({ step, loss: 0, metrics: { onsetF1: f1, onsetPrecision: 0, onsetRecall: 0, notesPerBeat: 0, targetNotesPerBeat: 0 } });
    expect(pass(1, 0.1)).toBe(true);
    expect(pass(2, 0.3)).toBe(true);
    expect(pass(3, 0.3)).toBe(false); // equal is no improvement
    expect(s.exhausted).toBe(false);
    expect(pass(4, 0.2)).toBe(false);
    expect(s.exhausted).toBe(true);
    expect(s.bestStep).toBe(2);
    const l = new EarlyStopper('loss', 1);
    expect(l.record({ step: 1, loss: 2, metrics: { onsetF1: 0, onsetPrecision: 0, onsetRecall: 0, notesPerBeat: 0, targetNotesPerBeat: 0 } })).toBe(true);
    expect(l.record({ step: 2, loss: 1, metrics: { onsetF1: 0, onsetPrecision: 0, onsetRecall: 0, notesPerBeat: 0, targetNotesPerBeat: 0 } })).toBe(true);
  });
});

describe('validation during training', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('logs a pass every N steps and at each stage end, deterministically, and survives a resume', async () => {
    const cfg = config({ steps: [5, 3], validation: { everySteps: 2, segments: 8 } });
    const a = await tmp();
    await train({ config: cfg, runDir: a, source: source(), backend: 'wasm' });
    const va = await entries(a);
    expect(va.map((e) => `${e.stage}:${e.step}`)).toEqual(['warmup:2', 'warmup:4', 'warmup:5', 'pretrain:2', 'pretrain:3']);
    expect(va.map((e) => e.globalStep)).toEqual([2, 4, 5, 7, 8]);
    for (const e of va) {
      expect(e.segments).toBe(8);
      expect(e.mode).toBe('independent');
      expect(Number.isFinite(e.loss)).toBe(true);
      expect(e.metrics.onsetF1).toBeGreaterThanOrEqual(0);
      expect(e.metrics.onsetF1).toBeLessThanOrEqual(1);
      expect(e.metrics.targetNotesPerBeat).toBeGreaterThan(0);
      expect(e.best).toBe(false);
    }
    // the loss moves as the weights train
    expect(new Set(va.map((e) => e.loss)).size).toBeGreaterThan(1);

    const b = await tmp();
    const first = await train({ config: cfg, runDir: b, source: source(), backend: 'wasm', maxSteps: 3 });
    first.model.params.dispose();
    await train({ config: cfg, runDir: b, source: source(), backend: 'wasm', resume: true });
    const strip = (es: ValidationEntry[]) => es.map(({ timeSec: _t, ...rest }) => rest);
    expect(strip(await entries(b))).toEqual(strip(va));
  }, 240_000);

  it('decodes its validation passes with the configured EOS thresholds (the loss does not change)', async () => {
    const plain = await tmp();
    const ruled = await tmp();
    const run = async (dir: string, eosThreshold: unknown) => {
      const r = await train({ config: config({ steps: [2], validation: { everySteps: 2, segments: 8, eosThreshold } }), runDir: dir, source: source(), backend: 'wasm' });
      r.model.params.dispose();
      return (await entries(dir))[0];
    };
    const a = await run(plain, null);
    const b = await run(ruled, { first: 1, rest: 1 }); // P(EOS) never reaches 1: every slot of every step is a note
    const c = await run(await tmp(), { first: 1e-6, rest: 1 }); // every step's first slot is EOS: no notes
    expect(b.loss).toBe(a.loss);
    expect(c.loss).toBe(a.loss);
    expect(b.metrics.notesPerBeat).toBeGreaterThan(a.metrics.notesPerBeat);
    expect(c.metrics.notesPerBeat).toBe(0);
    expect(() => config({ steps: [2], validation: { everySteps: 2, eosThreshold: { first: 0, rest: 0.5 } } })).toThrow();
  }, 120_000);

  it('an early-stopping stage stops once validation stops improving and ends with its best weights', async () => {
    // lr so small that float32 weights never change: every pass has the same loss, so no pass after the first
    // is better and the stage stops after 1 + patience passes, long before its maxSteps
    const frozen = config({ steps: [2, 30], lr: 1e-12, validation: { everySteps: 1, segments: 4, earlyStop: { stages: ['pretrain'], patience: 2, metric: 'loss' } } });
    const dir = await tmp();
    const r = await train({ config: frozen, runDir: dir, source: source(), backend: 'wasm' });
    expect(r.position).toMatchObject({ stage: 'pretrain', stepInStage: 3, stageDone: true });
    const pre = (await entries(dir)).filter((e) => e.stage === 'pretrain');
    expect(pre.map((e) => e.best)).toEqual([true, false, false]);

    // a stage that trains: whatever the passes give, the stage's final weights are those of its best pass
    const live = config({ steps: [2, 6], lr: 3e-2, validation: { everySteps: 1, segments: 4, earlyStop: { stages: ['pretrain'], patience: 2, metric: 'loss' } } });
    const d2 = await tmp();
    await train({ config: live, runDir: d2, source: source(), backend: 'wasm' });
    const passes = (await entries(d2)).filter((e) => e.stage === 'pretrain');
    const bestPasses = passes.filter((e) => e.best);
    expect(bestPasses.length).toBeGreaterThan(0);
    for (let i = 1; i < bestPasses.length; i++) expect(bestPasses[i].loss).toBeLessThan(bestPasses[i - 1].loss);
    const bestLoss = Math.min(...passes.map((e) => e.loss));
    expect(bestPasses[bestPasses.length - 1].loss).toBe(bestLoss);
    const end = await findStageEnd(d2, 'pretrain');
    const best = await loadCheckpoint(path.join(d2, 'best', 'pretrain'));
    expect(best.header.position.stepInStage).toBe(bestPasses[bestPasses.length - 1].step);
    const we = await params(end!);
    const wb = [...best.values.entries()].filter(([k]) => k.startsWith('param:')).map(([, v]) => v.data);
    expect(we.length).toBe(wb.length);
    for (let i = 0; i < we.length; i++) expect(Array.from(we[i])).toEqual(Array.from(wb[i]));
  }, 240_000);

  it('the exported model card carries the lineage\'s steps, time and validation curve', async () => {
    const cfg = config({ steps: [3, 2, 2], validation: { everySteps: 2, segments: 4 } });
    const dir = await tmp();
    await train({ config: cfg, runDir: dir, source: source(), backend: 'wasm' });
    const end = await findStageEnd(dir, 'pretrain');
    const out = path.join(dir, 'exported');
    await exportWeights({ from: end!, outDir: out, trainingData: 'synthetic', reproduce: 'npx vitest', results: { note: 'given' } });
    const card = JSON.parse(await fs.readFile(path.join(out, 'model-card.json'), 'utf8'));
    // pretrain's lineage is warmup → pretrain: dropscore's steps and passes are not in its card
    expect(card.training.stages.map((s: { stage: string; steps: number }) => `${s.stage}:${s.steps}`)).toEqual(['warmup:3', 'pretrain:2']);
    expect(card.training.steps).toBe(5);
    expect(card.training.stages[0].segments).toBe(12);
    expect(card.training.validation.map((v: { stage: string; step: number }) => `${v.stage}:${v.step}`)).toEqual(['warmup:2', 'warmup:3', 'pretrain:2']);
    expect(card.results).toEqual({ note: 'given' });
  }, 240_000);

  it('refuses an early-stop stage that is not in the config', () => {
    expect(() => config({ steps: [2], validation: { everySteps: 1, earlyStop: { stages: ['dropscore'], patience: 1 } } })).toThrow(/earlyStop.stages: stage dropscore is not in this config/);
  });
});
