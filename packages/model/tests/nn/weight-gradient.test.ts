import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { selectBackend } from '../../src/tf/backend.ts';
import { matMul, WEIGHT_GRADIENT_BLOCK_ROWS, weightGradient } from '../../src/nn/matmul.ts';

/** aᵀ·dy in float64 by the definition. */
function reference(a: Float32Array, dy: Float32Array, rows: number, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let r = 0; r < rows; r++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] += a[r * m + i] * dy[r * n + j];
  return out;
}

describe('weightGradient (aᵀ·dy in row blocks on wasm)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('equals the product by its definition below, at and above the block size, and for a remainder block', () => {
    const rng = createRng(11);
    const B = WEIGHT_GRADIENT_BLOCK_ROWS;
    for (const rows of [1, 37, B, B + 1, 3 * B + 17]) {
      const [m, n] = [13, 29];
      const av = Float32Array.from({ length: rows * m }, () => rng.next() * 2 - 1);
      const dv = Float32Array.from({ length: rows * n }, () => rng.next() * 2 - 1);
      const a = tf.tensor2d(av, [rows, m]);
      const dy = tf.tensor2d(dv, [rows, n]);
      const before = tf.memory().numTensors;
      const g = weightGradient(a, dy);
      expect(tf.memory().numTensors).toBe(before + 1); // the blocks' partial products are freed
      expect(g.shape).toEqual([m, n]);
      const want = reference(av, dv, rows, m, n);
      const got = g.dataSync();
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5 * Math.sqrt(rows) + 1e-6);
      tf.dispose([a, dy, g]);
    }
  });

  it("is matMul's gradient for its right-hand operand", () => {
    const rng = createRng(12);
    const rows = 2 * WEIGHT_GRADIENT_BLOCK_ROWS + 5;
    const a = tf.tensor2d(Float32Array.from({ length: rows * 7 }, () => rng.next() - 0.5), [rows, 7]);
    const w = tf.tensor2d(Float32Array.from({ length: 7 * 5 }, () => rng.next() - 0.5), [7, 5]);
    const up = tf.tensor2d(Float32Array.from({ length: rows * 5 }, () => rng.next() - 0.5), [rows, 5]);
    const [, gw] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x as tf.Tensor2D, y as tf.Tensor2D), up)))([a, w]);
    const want = reference(a.dataSync() as Float32Array, up.dataSync() as Float32Array, rows, 7, 5);
    Array.from(gw.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    tf.dispose([a, w, up, gw]);
  });
});
