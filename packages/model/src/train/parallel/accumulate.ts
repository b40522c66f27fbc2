/**
 * Gradients of several shards of one batch, summed: the work of one data-parallel worker, or of gradient
 * accumulation over micro-batches. Each shard's loss is normalised by the whole batch (ModelInputs.whole),
 * so the sums are the whole batch's loss and gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '@a2s/dataset';
import type { Batch } from '@a2s/features';
import { forwardLoss, type A2SModel, type TrainKnobs } from '../../net/model.ts';
import { batchToInputs, disposeInputs, type BatchTotals } from '../../net/inputs.ts';
import { LOSS_TERMS, type LossValues } from '../step.ts';

export interface ShardJob {
  /** Position of the shard in the step's plan: it fixes the shard's random stream. */
  index: number;
  batch: Batch;
}

export interface ShardSums {
  /** Summed gradient per tfjs variable name, for the variables the loss reached. */
  grads: Map<string, tf.Tensor>;
  /** Summed loss terms (NaN/Inf when a shard's were). */
  losses: LossValues;
}

/** The random stream of shard `index` of the step whose seed is `stepSeed`. */
export function shardRng(stepSeed: number, index: number): Rng {
  return createRng(stepSeed).fork(`shard-${index}`);
}

/** Runs forward + backward on each shard in order and sums gradients and loss terms. */
export function accumulateShards(model: A2SModel, shards: readonly ShardJob[], whole: BatchTotals, knobs: TrainKnobs, stepSeed: number): ShardSums {
  const vars = model.params.list();
  const grads = new Map<string, tf.Tensor>();
  const sums = new Float64Array(LOSS_TERMS.length);
  for (const shard of shards) {
    const inputs = batchToInputs(shard.batch, whole);
    const rng = shardRng(stepSeed, shard.index);
    let values: Float32Array | null = null;
    try {
      const r = tf.variableGrads(() => {
        const terms = forwardLoss(model, inputs, knobs, rng);
        values = tf.stack(LOSS_TERMS.map((k) => terms[k])).dataSync() as Float32Array;
        return terms.total;
      }, vars);
      r.value.dispose();
      for (const [name, g] of Object.entries(r.grads)) {
        const prev = grads.get(name);
        if (prev) {
          grads.set(name, tf.add(prev, g));
          prev.dispose();
          g.dispose();
        } else {
          grads.set(name, g);
        }
      }
    } finally {
      disposeInputs(inputs);
    }
    const v = values as unknown as Float32Array;
    for (let i = 0; i < LOSS_TERMS.length; i++) sums[i] += v[i];
  }
  const losses = Object.fromEntries(LOSS_TERMS.map((k, i) => [k, Math.fround(sums[i])])) as LossValues;
  return { grads, losses };
}
