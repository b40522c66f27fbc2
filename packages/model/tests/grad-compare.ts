/** Gradient helpers shared by tests that compare two ways of computing one step (workers, micro-batches, products). */
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { forwardLoss, type A2SModel, type TrainKnobs } from '../src/net/model.ts';
import { batchToInputs, disposeInputs } from '../src/net/inputs.ts';
import type { syntheticBatch } from '../src/testing/synthetic.ts';

/** Loss and gradients of the whole batch in one pass, by tfjs variable name (random stream: seed 1). */
export function wholeGrads(model: A2SModel, batch: ReturnType<typeof syntheticBatch>, knobs: TrainKnobs): { loss: number; grads: Map<string, Float32Array> } {
  const inputs = batchToInputs(batch);
  const r = tf.variableGrads(() => forwardLoss(model, inputs, knobs, createRng(1)).total, model.params.list());
  const loss = r.value.dataSync()[0];
  const grads = new Map(Object.entries(r.grads).map(([k, g]) => [k, g.dataSync() as Float32Array]));
  tf.dispose([r.value, ...Object.values(r.grads)]);
  disposeInputs(inputs);
  return { loss, grads };
}

/** Largest |a − b| over the largest |a|, over every array of both maps (which must have the same keys). */
export function maxRelDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  let diff = 0;
  let scale = 0;
  for (const [k, x] of a) {
    const y = b.get(k)!;
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs(x[i] - y[i]));
      scale = Math.max(scale, Math.abs(x[i]));
    }
  }
  return diff / scale;
}
