import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { selectBackend } from '../../src/tf/backend.ts';
import { outerAxesRun } from '../../src/tf/wasm-sum.ts';

/** Sums of `values` (row-major, `shape`) over `axes`, in float64, by index arithmetic: the reference. */
function sumOver(values: ArrayLike<number>, shape: number[], axes: number[]): number[] {
  const keptDims = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const outSize = keptDims.reduce((a, d) => a * shape[d], 1);
  const out = new Array<number>(outSize).fill(0);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    let o = 0;
    for (const d of keptDims) o = o * shape[d] + idx[d];
    out[o] += values[i];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

describe('wasm Sum over a run of outer axes', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('recognises exactly the reductions it takes over: consecutive axes with at least one after them', () => {
    expect(outerAxesRun([0], 2)).toEqual([0, 1]);
    expect(outerAxesRun([1, 0], 3)).toEqual([0, 2]);
    expect(outerAxesRun([2], 4)).toEqual([2, 3]);
    expect(outerAxesRun([2, 1], 4)).toEqual([1, 3]);
    expect(outerAxesRun([0, 1], 2)).toBeNull(); // every axis: the wasm kernel's full reduction
    expect(outerAxesRun([1], 2)).toBeNull(); // the innermost axis: no transpose in the wasm kernel
    expect(outerAxesRun([0, 2], 3)).toBeNull();
    expect(outerAxesRun([], 2)).toBeNull();
  });

  it('sums over consecutive outer axes to float tolerance of the exact sum, any keepDims, ranks 2-4', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 80; trial++) {
      const rank = 2 + (trial % 3);
      const shape = Array.from({ length: rank }, () => 1 + rng.int(rank === 2 ? 300 : 12));
      const first = rng.int(rank - 1);
      const count = 1 + rng.int(rank - 1 - first);
      const axes = Array.from({ length: count }, (_, d) => first + d);
      const keepDims = trial % 2 === 0;
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, () => Math.fround(rng.next() * 8 - 4));
      const x = tf.tensor(values, shape);
      const y = tf.sum(x, trial % 4 === 1 ? [...axes].reverse() : axes, keepDims);
      const inRun = (d: number) => d >= first && d < first + count;
      expect(y.shape).toEqual(keepDims ? shape.map((s, d) => (inRun(d) ? 1 : s)) : shape.filter((_, d) => !inRun(d)));
      expect(y.dtype).toBe('float32');
      const want = sumOver(values, shape, axes);
      const got = Array.from(y.dataSync());
      // rounded once from float64: within half a float32 ulp of the exact sum
      got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(Math.abs(want[i]) * 2 ** -24 + 1e-12));
      tf.dispose([x, y]);
    }
  });

  it('leaves other reductions to the wasm kernel: inner axes, full sums, int32 and bool', () => {
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(tf.sum(x, 1).dataSync())).toEqual([6, 15]);
    expect(Array.from(tf.sum(x).dataSync())).toEqual([21]);
    const xi = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const si = tf.sum(xi, 0);
    expect(si.dtype).toBe('int32');
    expect(Array.from(si.dataSync())).toEqual([5, 7, 9]);
    const xb = tf.tensor([true, false, true, true, true, false], [2, 3], 'bool');
    expect(Array.from(tf.sum(xb, 0).dataSync())).toEqual([2, 1, 1]);
    tf.dispose([x, xi, si, xb]);
  });

  it('the bias gradient of a broadcast add is the column sum of the upstream gradient', () => {
    const rng = createRng(9);
    const dy = tf.tensor2d(Array.from({ length: 70 * 13 }, () => rng.next() - 0.5), [70, 13]);
    const bias = tf.zeros([13]);
    const g = tf.grad((b: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.zeros([70, 13]), b), dy)))(bias);
    const want = sumOver(dy.dataSync(), [70, 13], [0]);
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    tf.dispose([dy, bias, g]);
  });
});
