/**
 * The native matrix products (A2S_GEMM=openblas): the addon's own checks, the BatchMatMul replacement against
 * the wasm kernel it replaces, a whole model's gradients, and data-parallel workers loading the addon.
 * CI builds the addon (scripts/setup.sh → packages/model/native/build.mjs); without it these tests fail, saying
 * how to build it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { selectBackend } from '../../src/tf/backend.ts';
import { loadNativeAddon, nativeGemmActive, registerNativeMatMul, requestedGemm } from '../../src/tf/native-gemm.ts';
import { ModelConfigSchema } from '../../src/config/model-config.ts';
import { MODEL_PRESETS } from '../../src/config/presets.ts';
import { buildModel, type A2SModel, type TrainKnobs } from '../../src/net/model.ts';
import { batchToInputs, disposeInputs } from '../../src/net/inputs.ts';
import { Adam } from '../../src/train/adam.ts';
import { trainStep } from '../../src/train/step.ts';
import { DataParallel } from '../../src/train/parallel/data-parallel.ts';
import { SYNTHETIC_KNOBS, syntheticBatch } from '../../src/testing/synthetic.ts';
import { maxRelDiff, wholeGrads } from '../grad-compare.ts';

const FRAMES = 32;
const BINS = 24;
const FORCED: TrainKnobs = { ...SYNTHETIC_KNOBS, tfr: { time: 1, note: 1, chord: 1 } };

/** The tiny preset with its recurrent parts (GRU encoders and PianoTree decoder): every product path of training. */
function tinyModel(): A2SModel {
  return buildModel(ModelConfigSchema.parse({ ...MODEL_PRESETS.tiny, variant: 'supervised', audioFrames: FRAMES, audioBins: BINS }), 3);
}

// [a shape, b shape, transposeA, transposeB]: plain, transposed either side, batched, broadcast either side, k = 1
const CASES: [number[], number[], boolean, boolean][] = [
  [[5, 7], [7, 3], false, false],
  [[7, 5], [7, 3], true, false],
  [[5, 7], [3, 7], false, true],
  [[7, 5], [3, 7], true, true],
  [[2, 3, 5, 7], [2, 3, 7, 4], false, false],
  [[4, 5, 7], [7, 3], false, false],
  [[7, 3], [4, 7, 5], true, false],
  [[300, 1], [1, 200], false, false],
  [[96, 130], [96, 70], true, false],
];

describe('native matrix products (A2S_GEMM=openblas)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(() => {
    delete process.env.A2S_GEMM;
  });

  it('reads A2S_GEMM: wasm by default, openblas on request, anything else refused by name', () => {
    expect(requestedGemm({})).toBe('wasm');
    expect(requestedGemm({ A2S_GEMM: '' })).toBe('wasm');
    expect(requestedGemm({ A2S_GEMM: 'openblas' })).toBe('openblas');
    expect(() => requestedGemm({ A2S_GEMM: 'mkl' })).toThrow(/A2S_GEMM.*"mkl"/);
  });

  it('the addon is built, uses OpenBLAS, multiplies, and refuses operands that do not fit their shapes', () => {
    const lib = loadNativeAddon();
    expect(lib.config()).toMatch(/OpenBLAS/);
    const c = new Float32Array(4);
    lib.sgemm(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), c, 2, 2, 2, false, false, 1, 0, 0);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
    lib.sgemm(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), c, 2, 2, 2, true, false, 1, 0, 0);
    expect(Array.from(c)).toEqual([26, 30, 38, 44]);
    expect(() => lib.sgemm(new Float32Array(3), new Float32Array(4), c, 2, 2, 2, false, false, 1, 0, 0)).toThrow(RangeError);
    expect(() => lib.sgemm(new Float32Array(4), new Float32Array(4), c, 2, 2, 2, false, false, 2, 4, 4)).toThrow(RangeError);
    expect(() => lib.sgemm(new Float64Array(4) as unknown as Float32Array, new Float32Array(4), c, 2, 2, 2, false, false, 1, 0, 0)).toThrow(TypeError);
    expect(() => lib.sgemm(new Float32Array(4), new Float32Array(4), c, -2, 2, 2, false, false, 1, 0, 0)).toThrow(TypeError);
  });

  it('gives the products and a whole model’s gradients of the wasm kernel, to float tolerance', async () => {
    const rng = createRng(4);
    const operands = CASES.map(([sa, sb]) => [sa, sb].map((s) => Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => rng.uniform(-1, 1))));
    const products = () => CASES.map(([sa, sb, ta, tb], i) => tf.tidy(() => {
      const c = tf.matMul(tf.tensor(operands[i][0], sa), tf.tensor(operands[i][1], sb), ta, tb);
      return { shape: c.shape, values: c.dataSync() as Float32Array };
    }));
    const model = tinyModel();
    const batch = syntheticBatch({ size: 4, audioFrames: FRAMES, audioBins: BINS, seed: 5 });

    expect(nativeGemmActive()).toBe(false);
    const wasm = products();
    const wasmGrads = wholeGrads(model, batch, FORCED);
    registerNativeMatMul();
    expect(nativeGemmActive()).toBe(true);
    const native = products();
    const nativeGrads = wholeGrads(model, batch, FORCED);

    native.forEach((p, i) => {
      expect(p.shape).toEqual(wasm[i].shape);
      const scale = Math.max(...wasm[i].values.map(Math.abs));
      const diff = Math.max(...p.values.map((v, j) => Math.abs(v - wasm[i].values[j])));
      expect(diff / scale).toBeLessThan(1e-5);
    });
    expect(nativeGrads.loss).toBeCloseTo(wasmGrads.loss, 4);
    expect(maxRelDiff(wasmGrads.grads, nativeGrads.grads)).toBeLessThan(1e-4);
    model.params.dispose();
  });

  it('data-parallel workers load the addon too and take the step of one thread', async () => {
    const batch = syntheticBatch({ size: 8, audioFrames: FRAMES, audioBins: BINS, seed: 6 });
    const one = tinyModel();
    const inputs = batchToInputs(batch);
    const plain = trainStep(one, new Adam(), inputs, FORCED, createRng(1), { lr: 1e-3, clipNorm: 3 });
    disposeInputs(inputs);
    process.env.A2S_GEMM = 'openblas'; // workers copy the environment when they start
    const dp = new DataParallel({ workers: 2, microBatch: null });
    const two = tinyModel();
    try {
      const r = await dp.step({ model: two, adam: new Adam(), batch, knobs: FORCED, rng: createRng(1), lr: 1e-3, clipNorm: 3, seed: 3, backend: 'wasm' });
      expect(r.ok).toBe(true);
      expect(r.losses.total).toBeCloseTo(plain.losses.total, 4);
      expect(r.gradNorm).toBeCloseTo(plain.gradNorm, 4);
    } finally {
      await dp.close();
    }
    // the workers read A2S_GEMM themselves: a bad value fails the step, naming it
    process.env.A2S_GEMM = 'mkl';
    const bad = new DataParallel({ workers: 2, microBatch: null });
    try {
      await expect(bad.step({ model: two, adam: new Adam(), batch, knobs: FORCED, rng: createRng(1), lr: 1e-3, clipNorm: 3, seed: 3, backend: 'wasm' })).rejects.toThrow(/A2S_GEMM/);
    } finally {
      await bad.close();
      for (const m of [one, two]) m.params.dispose();
    }
  }, 120_000);
});
