/**
 * The native kernels beside the products (A2S_GEMM=openblas): the fused GRU (`native/gru.cc`) against the tfjs ops
 * it replaces, values and gradients; the row sums (`native/sum.cc`) and Adam (`native/adam.cc`) bit for bit against
 * the TypeScript they replace; the addon's argument checks. CI builds the addon (scripts/setup.sh); without it these
 * tests fail, saying how to build it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { selectBackend } from '../../src/tf/backend.ts';
import { loadNativeAddon, registerNativeMatMul } from '../../src/tf/native-gemm.ts';
import { nativeGruActive, registerNativeGru, requestedNativeGru, setNativeGru } from '../../src/tf/native-gru.ts';
import { sumRows, useRowSums } from '../../src/tf/wasm-sum.ts';
import { adamCoefficients, adamKernels, adamUpdate, sumOfSquares } from '../../src/train/adam.ts';
import { gruSequence } from '../../src/nn/gru-sequence.ts';
import { gru, gruCell, gruWhT } from '../../src/nn/layers.ts';
import { ParamStore } from '../../src/nn/params.ts';
import { ModelConfigSchema } from '../../src/config/model-config.ts';
import { MODEL_PRESETS } from '../../src/config/presets.ts';
import { buildModel, type TrainKnobs } from '../../src/net/model.ts';
import { SYNTHETIC_KNOBS, syntheticBatch } from '../../src/testing/synthetic.ts';
import { maxRelDiff, wholeGrads } from '../grad-compare.ts';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const rand = (n: number, seed: number, scale = 1) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
};
/** Largest |a − b| over the largest |a|. */
const relDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(a[i]));
  }
  return d / s;
};

describe('native kernels: fused GRU, row sums, Adam (A2S_GEMM=openblas)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    registerNativeMatMul();
  });
  afterAll(() => {
    setNativeGru(false);
    useRowSums(null);
  });

  it('reads A2S_NATIVE_GRU: on unless 0, anything else refused by name', () => {
    expect(requestedNativeGru({})).toBe(true);
    expect(requestedNativeGru({ A2S_NATIVE_GRU: '1' })).toBe(true);
    expect(requestedNativeGru({ A2S_NATIVE_GRU: '0' })).toBe(false);
    expect(() => requestedNativeGru({ A2S_NATIVE_GRU: 'yes' })).toThrow(/A2S_NATIVE_GRU.*"yes"/);
  });

  it('a fused recurrence gives the values and gradients of the tfjs ops, forwards and reversed, with and without a mask', () => {
    const [B, T, H] = [5, 9, 12];
    const xp = tf.tensor3d(rand(B * T * 3 * H, 1), [B, T, 3 * H]);
    const h0 = tf.tensor2d(rand(B * H, 2), [B, H]);
    const wh = tf.tensor2d(rand(H * 3 * H, 3, 0.4), [H, 3 * H]);
    const bh = tf.tensor1d(rand(3 * H, 4, 0.4));
    // row 1 stops advancing after step 5 (a padded sequence), row 3 skips step 2
    const mask = tf.tensor2d(Array.from({ length: B * T }, (_, i) => ((Math.floor(i / T) === 1 && i % T > 5) || (Math.floor(i / T) === 3 && i % T === 2) ? 0 : 1)), [B, T]);
    const weights = tf.tensor3d(rand(B * T * H, 5), [B, T, H]);
    const run = (reverse: boolean, masked: boolean) => {
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        tf.sum(tf.mul(gruSequence(a as tf.Tensor3D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D, { reverse, mask: masked ? mask : undefined }), weights)) as tf.Scalar;
      const { value, grads } = tf.valueAndGrads(f)([xp, h0, wh, bh]);
      const out = tf.tidy(() => gruSequence(xp, h0, wh, bh, { reverse, mask: masked ? mask : undefined }).dataSync() as Float32Array);
      const r = { value: value.dataSync()[0], out, grads: grads.map((g) => g.dataSync() as Float32Array) };
      tf.dispose([value, ...grads]);
      return r;
    };
    const cases: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
    setNativeGru(false);
    const ops = cases.map(([r, m]) => run(r, m));
    registerNativeGru();
    expect(nativeGruActive()).toBe(true);
    const fused = cases.map(([r, m]) => run(r, m));
    setNativeGru(false);
    cases.forEach((_, c) => {
      expect(fused[c].value).toBeCloseTo(ops[c].value, 4);
      expect(relDiff(ops[c].out, fused[c].out)).toBeLessThan(1e-5);
      ops[c].grads.forEach((g, i) => expect(relDiff(g, fused[c].grads[i])).toBeLessThan(1e-5));
    });
    // the mask freezes the state: row 1's outputs after step 5 all equal its state after step 5
    const masked = fused[2].out;
    for (let t = 6; t < T; t++) for (let j = 0; j < H; j++) expect(masked[(1 * T + t) * H + j]).toBe(masked[(1 * T + 5) * H + j]);
    tf.dispose([xp, h0, wh, bh, mask, weights]);
  });

  it('a fused cell gives the tfjs cell, masked too, and a whole model’s loss and gradients match', () => {
    const ps = new ParamStore(createRng(7));
    const g = gru(ps, 'g', 6, 10);
    const xp = tf.tensor2d(rand(7 * 30, 8), [7, 30]);
    const h = tf.tensor2d(rand(7 * 10, 9), [7, 10]);
    const mask = tf.tensor2d([1, 0, 1, 1, 0, 1, 1], [7, 1]);
    const cell = () =>
      tf.tidy(() => {
        const whT = gruWhT(g);
        const f = (x: tf.Tensor, s: tf.Tensor) => tf.sum(tf.square(gruCell(g, x as tf.Tensor2D, gruCell(g, x as tf.Tensor2D, s as tf.Tensor2D, whT, mask), whT))) as tf.Scalar;
        const { value, grads } = tf.valueAndGrads(f)([xp, h]);
        const wGrads = tf.variableGrads(() => f(xp, h), [g.wh, g.bh]).grads;
        return [value.dataSync()[0], ...[...grads, wGrads[g.wh.name], wGrads[g.bh.name]].map((t) => t.dataSync() as Float32Array)] as [number, ...Float32Array[]];
      });
    setNativeGru(false);
    const [v0, ...g0] = cell();
    setNativeGru(true);
    const [v1, ...g1] = cell();
    expect(v1).toBeCloseTo(v0, 4);
    g0.forEach((a, i) => expect(relDiff(a, g1[i])).toBeLessThan(1e-5));

    // the tiny preset: GRU encoders and the PianoTree GRU decoder, teacher-forced
    const model = buildModel(ModelConfigSchema.parse({ ...MODEL_PRESETS.tiny, variant: 'supervised', audioFrames: 32, audioBins: 24 }), 3);
    const batch = syntheticBatch({ size: 4, audioFrames: 32, audioBins: 24, seed: 5 });
    const forced: TrainKnobs = { ...SYNTHETIC_KNOBS, tfr: { time: 1, note: 1, chord: 1 } };
    setNativeGru(false);
    const before = wholeGrads(model, batch, forced);
    setNativeGru(true);
    const after = wholeGrads(model, batch, forced);
    setNativeGru(false);
    expect(after.loss).toBeCloseTo(before.loss, 4);
    expect(maxRelDiff(before.grads, after.grads)).toBeLessThan(1e-4);
    model.params.dispose();
    ps.dispose();
    tf.dispose([xp, h, mask]);
  });

  it('the GRU kernels refuse arrays shorter than their shapes, and other types', () => {
    const lib = loadNativeAddon();
    const [B, T, H] = [2, 3, 4];
    const f = (n: number) => new Float32Array(n);
    const args = () => [f(B * T * 3 * H), f(B * H), f(H * 3 * H), f(3 * H), null, f(B * T * H), f(T * B * 4 * H), f(T * B * H)] as const;
    expect(() => lib.gruForward(...args(), B, T, H, false)).not.toThrow();
    const short = [...args()];
    short[6] = f(T * B * 4 * H - 1);
    expect(() => (lib.gruForward as (...a: unknown[]) => void)(...short, B, T, H, false)).toThrow(RangeError);
    expect(() => (lib.gruForward as (...a: unknown[]) => void)(...args(), B, T, H + 1, false)).toThrow(RangeError);
    const wrongType = [...args()] as unknown[];
    wrongType[0] = new Float64Array(B * T * 3 * H);
    expect(() => (lib.gruForward as (...a: unknown[]) => void)(...wrongType, B, T, H, false)).toThrow(TypeError);
    expect(() => lib.gruBackward(f(B * T * H), f(H * 3 * H), f(B * T - 1), f(T * B * 4 * H), f(T * B * H), f(B * T * 3 * H), f(B * H), f(T * B * 3 * H), B, T, H, false)).toThrow(RangeError);
  });

  it('row sums: the addon’s equal sumRows bit for bit, and tf.sum over leading axes uses them', () => {
    const lib = loadNativeAddon();
    for (const [outer, rows, cols] of [[1, 1, 1], [1, 7, 5], [3, 13, 33], [2, 1024, 96], [1, 4, 3]]) {
      const x = rand(outer * rows * cols, rows + cols, 10);
      const js = new Float32Array(outer * cols);
      const native = new Float32Array(outer * cols);
      sumRows(x, outer, rows, cols, js);
      lib.sumRows(x, outer, rows, cols, native);
      expect(bits(native)).toEqual(bits(js));
    }
    expect(() => lib.sumRows(new Float32Array(5), 1, 2, 3, new Float32Array(3))).toThrow(RangeError);
    const x = tf.tensor3d(rand(6 * 50 * 17, 11), [6, 50, 17]);
    const sums = () => [tf.sum(x, 0), tf.sum(x, [0, 1]), tf.sum(x, 1)].map((t) => t.dataSync() as Float32Array);
    useRowSums(null);
    const viaJs = sums();
    useRowSums(lib.sumRows);
    const viaNative = sums();
    useRowSums(null);
    viaNative.forEach((s, i) => expect(bits(s)).toEqual(bits(viaJs[i])));
    x.dispose();
  });

  it('Adam: the addon’s update and sum of squares equal the TypeScript loops bit for bit', () => {
    const lib = loadNativeAddon();
    const n = 5003;
    for (const [workers, scale, step] of [[1, 1, 1], [2, 0.37, 3], [3, 1, 1000]] as const) {
      const gs = Array.from({ length: workers }, (_, w) => rand(n, 20 + w, w === 0 ? 1e-3 : 5));
      const start = { p: rand(n, 30, 0.3), m: rand(n, 31, 1e-3), v: Float32Array.from(rand(n, 32, 1e-3), Math.abs) };
      const c = adamCoefficients(step, 3e-4, scale);
      const js = { p: start.p.slice(), m: start.m.slice(), v: start.v.slice() };
      const native = { p: start.p.slice(), m: start.m.slice(), v: start.v.slice() };
      adamUpdate(js.p, gs, js.m, js.v, c, 17, n - 5);
      lib.adamUpdate(native.p, gs, native.m, native.v, [c.scale, c.beta1, c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, c.bc2, c.eps, c.stepSize], 17, n - 5);
      for (const k of ['p', 'm', 'v'] as const) expect(bits(native[k])).toEqual(bits(js[k]));
      expect(native.p[3]).toBe(start.p[3]); // outside [from, to): untouched
      expect(lib.sumOfSquares(gs, 3, n)).toBe(sumOfSquares(gs, 3, n));
    }
    expect(() => lib.adamUpdate(new Float32Array(4), [new Float32Array(3)], new Float32Array(4), new Float32Array(4), [1, 0.9, 0.1, 0.999, 0.001, 1, 1e-8, 1e-3], 0, 4)).toThrow(RangeError);
    expect(() => lib.adamUpdate(new Float32Array(4), [new Float32Array(4)], new Float32Array(4), new Float32Array(4), [1, 2], 0, 4)).toThrow(TypeError);
    // adamKernels() picks the addon once the native products are on in this thread
    expect(adamKernels().adamUpdate).not.toBe(adamUpdate);
  });
});
