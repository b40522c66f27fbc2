import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/tf/backend.ts';

describe('wasm Identity shares data', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('a clone outlives its source with the same values', () => {
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
  });

  it('recording gradients does not copy a weight once per use (one buffer per step, not per saved input)', () => {
    const w = tf.variable(tf.randomNormal([64, 192], 0, 0.1, 'float32', 1));
    const steps = 16;
    let buffersInForward = 0;
    const before = tf.engine().backend.numDataIds();
    const { value, grads } = tf.variableGrads(() => {
      let h = tf.ones([2, 64]) as tf.Tensor2D;
      for (let t = 0; t < steps; t++) h = tf.tanh(tf.matMul(h, w).slice([0, 0], [-1, 64])) as tf.Tensor2D;
      buffersInForward = tf.engine().backend.numDataIds() - before;
      return tf.sum(h) as tf.Scalar;
    }, [w]);
    // per step: matmul, slice, tanh outputs and the saved inputs/outputs; a copying Identity adds one more
    // buffer per saved tensor (w among them), sharing adds none
    expect(buffersInForward).toBeLessThan(4 * steps);
    expect(grads[w.name].shape).toEqual([64, 192]);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    tf.dispose([value, w, ...Object.values(grads)]);
  });
});
