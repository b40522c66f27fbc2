import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@a2s/dataset';
import { selectBackend } from '../../src/tf/backend.ts';
import { ParamStore } from '../../src/nn/params.ts';
import { gru, gruCell, gruProject, gruWhT, runGru, type Gru } from '../../src/nn/layers.ts';

/** runGru as it was: one gruCell per step, differentiated by tfjs's tape. */
function stepwise(g: Gru, x: tf.Tensor3D, h0: tf.Tensor2D, mask: tf.Tensor2D | undefined, reverse: boolean): tf.Tensor3D {
  const [B, T] = x.shape;
  const xs = tf.unstack(gruProject(g, x), 1) as tf.Tensor2D[];
  const ms = mask ? (tf.unstack(mask.reshape([B, T, 1]), 1) as tf.Tensor2D[]) : null;
  const whT = gruWhT(g);
  const outs: tf.Tensor2D[] = new Array(T);
  let h = h0;
  for (let i = 0; i < T; i++) {
    const t = reverse ? T - 1 - i : i;
    h = gruCell(g, xs[t], h, whT, ms ? ms[t] : undefined);
    outs[t] = h;
  }
  return tf.stack(outs, 1) as tf.Tensor3D;
}

const maxRel = (a: Float32Array, b: Float32Array) => {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / (s || 1);
};

describe('gruSequence (the whole recurrence as one op)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  for (const [reverse, masked] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`gives the step-by-step states bit for bit and the tape's gradients (reverse ${reverse}, mask ${masked})`, () => {
      const ps = new ParamStore(createRng(3));
      const g = gru(ps, `g-${reverse}-${masked}`, 5, 7);
      const [B, T] = [3, 6];
      const rng = createRng(9);
      const x = tf.tensor3d(Float32Array.from({ length: B * T * 5 }, () => rng.normal()), [B, T, 5]);
      const h0 = tf.variable(tf.tensor2d(Float32Array.from({ length: B * 7 }, () => rng.normal() * 0.5), [B, 7]));
      // a packed batch: sequence b has T - b real steps
      const mask = masked ? tf.tensor2d(Array.from({ length: B * T }, (_, k) => (k % T < T - Math.floor(k / T) ? 1 : 0)), [B, T]) : undefined;
      const w = tf.tensor3d(Float32Array.from({ length: B * T * 7 }, () => rng.normal()), [B, T, 7]);
      const vars = [...ps.list(), h0];
      const loss = (f: () => tf.Tensor3D) => () => tf.sum(tf.mul(f(), w)) as tf.Scalar;
      const ours = tf.variableGrads(loss(() => runGru(g, x, { h0, mask, reverse, keepOutputs: true }).outputs!), vars);
      const tape = tf.variableGrads(loss(() => stepwise(g, x, h0, mask, reverse)), vars);
      const a = runGru(g, x, { h0, mask, reverse, keepOutputs: true });
      const b = stepwise(g, x, h0, mask, reverse);
      expect(Array.from(a.outputs!.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(Array.from(a.last.dataSync())).toEqual(Array.from(b.slice([0, reverse ? 0 : T - 1, 0], [-1, 1, -1]).dataSync()));
      expect(Object.keys(ours.grads).sort()).toEqual(Object.keys(tape.grads).sort());
      for (const [k, gr] of Object.entries(tape.grads)) {
        expect(maxRel(ours.grads[k].dataSync() as Float32Array, gr.dataSync() as Float32Array), k).toBeLessThan(1e-5);
      }
      expect(ours.value.dataSync()[0]).toBeCloseTo(tape.value.dataSync()[0], 4);
    });
  }

  it('leaves no tensors behind, with and without a gradient', () => {
    const ps = new ParamStore(createRng(4));
    const g = gru(ps, 'leak', 4, 6);
    const x = tf.randomNormal([2, 5, 4]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      runGru(g, x, {});
    });
    const r = tf.variableGrads(() => tf.sum(runGru(g, x, { keepOutputs: true }).outputs!) as tf.Scalar, ps.list());
    tf.dispose([r.value, ...Object.values(r.grads)]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
