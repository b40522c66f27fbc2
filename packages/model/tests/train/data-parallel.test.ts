import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { selectBackend } from '../../src/tf/backend.ts';
import { ModelConfigSchema } from '../../src/config/model-config.ts';
import { MODEL_PRESETS } from '../../src/config/presets.ts';
import { resolveTrainConfig, type ResolvedTrainConfig } from '../../src/config/train-config.ts';
import { buildModel, type A2SModel, type TrainKnobs } from '../../src/net/model.ts';
import { batchToInputs, batchTotals, disposeInputs } from '../../src/net/inputs.ts';
import { lossTerms, type LossTerms } from '../../src/net/losses.ts';
import { Adam } from '../../src/train/adam.ts';
import { trainStep } from '../../src/train/step.ts';
import { train } from '../../src/train/trainer.ts';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import { accumulateShards } from '../../src/train/parallel/accumulate.ts';
import { DataParallel } from '../../src/train/parallel/data-parallel.ts';
import { WorkerFailedError } from '../../src/train/parallel/pool.ts';
import { planShards, sliceBatch } from '../../src/train/parallel/shards.ts';
import { SYNTHETIC_KNOBS, syntheticBatch, syntheticSource } from '../../src/testing/synthetic.ts';
import { maxRelDiff, wholeGrads } from '../grad-compare.ts';

const FRAMES = 32;
const BINS = 24;

/** The tiny preset with its cheapest (non-recurrent) options: fewer ops per step, so the worker tests stay fast. */
const FAST = {
  sequenceEncoder: 'mlp',
  chordDecoder: { type: 'mlp', hidden: 16, zIn: 8 },
  featDecoder: { type: 'mlp', hidden: 16, zIn: 8 },
  symEncoder: { type: 'mlp', channels: 4, fcHidden: 32, emb: 16, hidden: 16 },
  decoder: 'parallel',
} as const;

/** No randomness left in a supervised forward pass: every teacher-forcing coin says "force". */
const FORCED: TrainKnobs = { ...SYNTHETIC_KNOBS, tfr: { time: 1, note: 1, chord: 1 } };

function tinyModel(variant: 'full' | 'supervised'): A2SModel {
  return buildModel(ModelConfigSchema.parse({ ...MODEL_PRESETS.tiny, ...FAST, variant, audioFrames: FRAMES, audioBins: BINS }), 3);
}

function weights(model: A2SModel): Float32Array[] {
  return [...model.params.vars.values()].map((v) => v.dataSync() as Float32Array);
}

describe('shard plan', () => {
  it('cuts a batch across workers, then into micro-batches, contiguously and as evenly as possible', () => {
    const plan = planShards(10, 2, 3);
    expect(plan.map((w) => w.map((s) => [s.index, s.start, s.end]))).toEqual([
      [
        [0, 0, 3],
        [1, 3, 5],
      ],
      [
        [2, 5, 8],
        [3, 8, 10],
      ],
    ]);
    expect(planShards(64, 2, null).map((w) => w.map((s) => s.end - s.start))).toEqual([[32], [32]]);
    expect(planShards(3, 4, null)).toHaveLength(3);
    expect(() => planShards(8, 0, null)).toThrow(/workers/);
  });
});

describe('data-parallel training', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('batchTotals counts what batchToInputs counts', () => {
    const batch = syntheticBatch({ size: 5, audioFrames: FRAMES, audioBins: BINS, seed: 4 });
    const inputs = batchToInputs(batch);
    expect(batchTotals(batch)).toEqual({ size: 5, pitchCount: inputs.pitchCount, durCount: inputs.durCount, rootCount: inputs.rootCount, bassCount: inputs.bassCount });
    disposeInputs(inputs);
  });

  it("shards' loss terms, normalised by the whole batch, add up to the whole batch's (every term)", () => {
    const B = 6;
    const batch = syntheticBatch({ size: B, audioFrames: FRAMES, audioBins: BINS, seed: 2 });
    const whole = batchToInputs(batch);
    const rng = createRng(5);
    const rand = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
    const M = whole.pitchCount;
    const logits = {
      pitch: rand([M, 130]),
      dur: rand([M, 5, 2]),
      onset: rand([B, 32]),
      root: rand([B, 8, 12]),
      chroma: rand([B, 8, 12, 2]),
      bass: rand([B, 8, 12]),
      feat: tf.sigmoid(rand([B, 32, 3])),
      mu: rand([B, 4]),
      logStd: tf.mul(rand([B, 4]), 0.1),
    };
    const terms = (inputs: typeof whole, rows: [number, number], seg: [number, number]): LossTerms => {
      const bs = (t: tf.Tensor) => tf.slice(t, seg[0], seg[1] - seg[0]);
      const post = { mu: bs(logits.mu) as tf.Tensor2D, logStd: bs(logits.logStd) as tf.Tensor2D };
      const kl = tf.mean(tf.sub(tf.mul(tf.add(tf.square(post.mu), tf.sub(tf.exp(tf.mul(post.logStd, 2)), 1)), 0.5), post.logStd)) as tf.Scalar;
      return lossTerms({
        inputs,
        tree: { pitch: tf.slice(logits.pitch, rows[0], rows[1] - rows[0]) as tf.Tensor2D, dur: tf.slice(logits.dur, rows[0], rows[1] - rows[0]) as tf.Tensor3D, onset: bs(logits.onset) as tf.Tensor2D },
        chord: { root: bs(logits.root) as tf.Tensor3D, chroma: bs(logits.chroma) as tf.Tensor4D, bass: bs(logits.bass) as tf.Tensor3D },
        feat: bs(logits.feat) as tf.Tensor3D,
        kl: { chd: kl, aud: kl, sym: kl },
        knobs: SYNTHETIC_KNOBS,
      });
    };
    const ref = terms(whole, [0, M], [0, B]);
    const totals = batchTotals(batch);
    const sums: Record<string, number> = {};
    let row = 0;
    for (const [a, b] of [
      [0, 2],
      [2, 3],
      [3, 6],
    ] as const) {
      const inputs = batchToInputs(sliceBatch(batch, a, b), totals);
      const t = terms(inputs, [row, row + inputs.pitchCount], [a, b]);
      row += inputs.pitchCount;
      for (const [k, v] of Object.entries(t)) sums[k] = (sums[k] ?? 0) + (v as tf.Scalar).dataSync()[0];
      disposeInputs(inputs);
    }
    expect(row).toBe(M);
    for (const [k, v] of Object.entries(ref)) expect(sums[k], k).toBeCloseTo((v as tf.Scalar).dataSync()[0], 4);
    expect(ref.chord.dataSync()[0]).toBeGreaterThan(0);
    expect(ref.rhythm.dataSync()[0]).toBeGreaterThan(0);
    disposeInputs(whole);
  });

  it('4 micro-batches give the gradient and loss of one big batch', { timeout: 300_000 }, async () => {
    const model = tinyModel('supervised');
    const batch = syntheticBatch({ size: 8, audioFrames: FRAMES, audioBins: BINS, seed: 3 });
    const ref = wholeGrads(model, batch, FORCED);
    const plan = planShards(8, 1, 2)[0];
    expect(plan).toHaveLength(4);
    const sums = accumulateShards(model, plan.map((r) => ({ index: r.index, batch: sliceBatch(batch, r.start, r.end) })), batchTotals(batch), FORCED, 9);
    const acc = new Map([...sums.grads].map(([k, g]) => [k, g.dataSync() as Float32Array]));
    tf.dispose([...sums.grads.values()]);
    expect(sums.losses.total).toBeCloseTo(ref.loss, 4);
    expect(maxRelDiff(ref.grads, acc)).toBeLessThan(1e-4);
    // and through the trainer's step: same loss, same gradient norm as the plain step
    const a = tinyModel('supervised');
    const b = tinyModel('supervised');
    const inputs = batchToInputs(batch);
    const plain = trainStep(a, new Adam(), inputs, FORCED, createRng(1), { lr: 1e-3, clipNorm: 3 });
    disposeInputs(inputs);
    const dp = new DataParallel({ workers: 1, microBatch: 2 });
    expect(dp.isSharded(8)).toBe(true);
    const micro = await dp.step({ model: b, adam: new Adam(), batch, knobs: FORCED, rng: createRng(1), lr: 1e-3, clipNorm: 3, seed: 3, backend: 'wasm' });
    expect(micro.losses.total).toBeCloseTo(plain.losses.total, 4);
    expect(micro.gradNorm).toBeCloseTo(plain.gradNorm, 4);
    for (const m of [model, a, b]) m.params.dispose();
  });

  it('two workers give the loss of one worker on the same batch, and the same step as two micro-batches in one thread', async () => {
    const batch = syntheticBatch({ size: 8, audioFrames: FRAMES, audioBins: BINS, seed: 6 });
    // deterministic forward pass: two workers vs the plain single-pass step
    const one = tinyModel('supervised');
    const inputs = batchToInputs(batch);
    const plain = trainStep(one, new Adam(), inputs, FORCED, createRng(1), { lr: 1e-3, clipNorm: 3 });
    disposeInputs(inputs);
    const two = tinyModel('supervised');
    const dp = new DataParallel({ workers: 2, microBatch: null });
    try {
      const r = await dp.step({ model: two, adam: new Adam(), batch, knobs: FORCED, rng: createRng(1), lr: 1e-3, clipNorm: 3, seed: 3, backend: 'wasm' });
      expect(r.ok).toBe(true);
      expect(r.losses.total).toBeCloseTo(plain.losses.total, 4);
      expect(r.gradNorm).toBeCloseTo(plain.gradNorm, 4);
      // full model with sampling: the shards' random streams depend on the shard plan only, so two workers
      // and one thread with two micro-batches compute the same step
      const full = [tinyModel('full'), tinyModel('full')];
      const adams = [new Adam(), new Adam()];
      const inThread = new DataParallel({ workers: 1, microBatch: 4 });
      const a = await inThread.step({ model: full[0], adam: adams[0], batch, knobs: SYNTHETIC_KNOBS, rng: createRng(2), lr: 1e-3, clipNorm: 3, seed: 3, backend: 'wasm' });
      const b = await dp.step({ model: full[1], adam: adams[1], batch, knobs: SYNTHETIC_KNOBS, rng: createRng(2), lr: 1e-3, clipNorm: 3, seed: 3, backend: 'wasm' });
      expect(b.losses.total).toBeCloseTo(a.losses.total, 5);
      expect(b.losses.kl_aud).toBeGreaterThan(0);
      expect(b.gradNorm).toBeCloseTo(a.gradNorm, 5);
      const [wa, wb] = full.map(weights);
      for (let i = 0; i < wa.length; i++) for (let j = 0; j < wa[i].length; j++) expect(Math.abs(wa[i][j] - wb[i][j])).toBeLessThan(1e-6);
      for (const m of [one, two, ...full]) m.params.dispose();
    } finally {
      await dp.close();
    }
  }, 300_000);
});

function tinyConfig(steps: number[]): ResolvedTrainConfig {
  const stages = ['warmup', 'pretrain'].slice(0, steps.length).map((name, i) => ({
    name,
    epochs: 100,
    maxSteps: steps[i],
    lr: 3e-3,
    kl: { chd: { type: 'constant', value: 0.01 }, aud: { type: 'constant', value: 0.01 }, sym: { type: 'constant', value: 0.01 } },
  }));
  return resolveTrainConfig({ preset: 'tiny', batchSize: 4, seed: 7, checkpointEverySteps: 3, stages, model: { ...FAST, audioFrames: FRAMES, audioBins: BINS } });
}

const source = () => syntheticSource({ size: 4, batches: 2, audioFrames: FRAMES, audioBins: BINS, seed: 1 });
const tmp = () => fs.mkdtemp(path.join(os.tmpdir(), 'a2s-dp-'));

async function checkpointWeights(dir: string): Promise<Float32Array[]> {
  const ck = await loadCheckpoint(dir);
  return [...ck.values.entries()].filter(([k]) => k.startsWith('param:')).map(([, v]) => v.data);
}

describe('trainer with workers', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('an interrupted and resumed two-worker run ends bit-identical to an uninterrupted one', async () => {
    const cfg = tinyConfig([4, 2]);
    const parallel = { workers: 2, microBatch: null };
    const a = await tmp();
    await train({ config: cfg, runDir: a, source: source(), backend: 'wasm', parallel });
    const b = await tmp();
    const first = await train({ config: cfg, runDir: b, source: source(), backend: 'wasm', maxSteps: 3, parallel });
    expect(first.stoppedEarly).toBe(true);
    first.model.params.dispose();
    await train({ config: cfg, runDir: b, source: source(), backend: 'wasm', resume: true, parallel });
    const [wa, wb] = [await checkpointWeights(a), await checkpointWeights(b)];
    expect(wb.length).toBe(wa.length);
    for (let i = 0; i < wa.length; i++) expect(Array.from(wb[i])).toEqual(Array.from(wa[i]));
    const log = (await fs.readFile(path.join(b, 'log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(log.map((e) => e.globalStep)).toEqual([1, 2, 3, 4, 5, 6]);
  }, 300_000);

  it('a worker that dies fails the run with a clear message and keeps the last checkpoint', async () => {
    const cfg = tinyConfig([8]);
    const dir = await tmp();
    let threads: readonly Worker[] = [];
    const err = await train({
      config: cfg,
      runDir: dir,
      source: source(),
      backend: 'wasm',
      parallel: { workers: 2, microBatch: null, onWorkers: (t) => (threads = t) },
      onStep: (e) => {
        if (e.globalStep === 4) void threads[1].terminate();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerFailedError);
    expect((err as Error).message).toMatch(/training worker 2 of 2 exited unexpectedly \(exit code 1\)\. Training stopped; last checkpoint: .*warmup-0000003$/);
    expect((err as WorkerFailedError).lastCheckpoint).toMatch(/warmup-0000003$/);
    const ck = await loadCheckpoint(dir);
    expect(ck.header.position.stepInStage).toBe(3);
  }, 300_000);
});
