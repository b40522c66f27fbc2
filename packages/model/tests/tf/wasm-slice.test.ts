import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { selectBackend } from '../../src/tf/backend.ts';

/** The elements of the box begin/size of a row-major array of `shape`, by plain index arithmetic. */
function box(values: ArrayLike<number>, shape: number[], begin: number[], size: number[]): number[] {
  const out: number[] = [];
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const idx = new Array(shape.length).fill(0);
  const total = size.reduce((a, b) => a * b, 1);
  for (let i = 0; i < total; i++) {
    out.push(values[idx.reduce((o, v, d) => o + (v + begin[d]) * strides[d], 0)]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

describe('wasm Slice, Unpack and SplitV read the input through a heap view', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('slice gives exactly the box, for ranks 1-5, contiguous and strided boxes, float32, int32 and bool', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 120; trial++) {
      const rank = 1 + (trial % 5);
      const shape = Array.from({ length: rank }, () => 1 + rng.int(rank > 3 ? 5 : 24));
      const begin = shape.map((n) => rng.int(n));
      const size = shape.map((n, d) => 1 + rng.int(n - begin[d]));
      const dtype = (['float32', 'int32', 'bool'] as const)[trial % 3];
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? (i * 7) % 3 === 0 : dtype === 'int32' ? i * 3 - 50 : Math.fround(i * 0.37 - 5)));
      const x = tf.tensor(values as number[], shape, dtype);
      const y = tf.slice(x, begin, size);
      expect(y.shape).toEqual(size);
      expect(y.dtype).toBe(dtype);
      expect(Array.from(y.dataSync())).toEqual(box(Array.from(x.dataSync()), shape, begin, size));
      tf.dispose([x, y]);
    }
  });

  it('unstack along every axis gives the slices, shapes without the axis', () => {
    const shape = [4, 7, 33];
    const x = tf.tensor(Array.from({ length: 4 * 7 * 33 }, (_, i) => i), shape);
    const values = Array.from(x.dataSync());
    for (let axis = 0; axis < 3; axis++) {
      const parts = tf.unstack(x, axis);
      expect(parts.length).toBe(shape[axis]);
      parts.forEach((p, i) => {
        const begin = [0, 0, 0];
        const size = shape.slice();
        begin[axis] = i;
        size[axis] = 1;
        expect(p.shape).toEqual(shape.filter((_, d) => d !== axis));
        expect(Array.from(p.dataSync())).toEqual(box(values, shape, begin, size));
      });
      tf.dispose(parts);
    }
    x.dispose();
  });

  it('split (SplitV) along every axis, in equal and in uneven parts, gives the slices', () => {
    const shape = [6, 5, 9];
    const x = tf.tensor(Array.from({ length: 6 * 5 * 9 }, (_, i) => i * 0.5 - 3), shape);
    const values = Array.from(x.dataSync());
    for (let axis = 0; axis < 3; axis++) {
      for (const sizes of [shape[axis] % 3 === 0 ? 3 : 1, [1, shape[axis] - 3, 2]]) {
        const parts = tf.split(x, sizes, axis);
        const widths = typeof sizes === 'number' ? new Array<number>(sizes).fill(shape[axis] / sizes) : sizes;
        expect(parts.length).toBe(widths.length);
        let at = 0;
        parts.forEach((p, i) => {
          const begin = [0, 0, 0];
          const size = shape.slice();
          begin[axis] = at;
          size[axis] = widths[i];
          expect(p.shape).toEqual(size);
          expect(Array.from(p.dataSync())).toEqual(box(values, shape, begin, size));
          at += widths[i];
        });
        tf.dispose(parts);
      }
    }
    x.dispose();
  });

  it('the gradient of a slice still flows (the kernel change is below autodiff)', () => {
    const x = tf.variable(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]));
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.slice(v, [0, 1], [2, 2]), 2)))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 2, 2, 0, 2, 2]);
    tf.dispose([x, g]);
  });
});
