import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@a2s/dataset';
import { forwardLoss, type A2SModel, type TrainKnobs } from '../net/model.ts';
import type { ModelInputs } from '../net/inputs.ts';
import type { LossTerms } from '../net/losses.ts';
import type { Adam } from './adam.ts';

export type LossValues = Record<Exclude<keyof LossTerms, 'total'>, number> & { total: number };

export interface StepResult {
  /** False when the loss was NaN/Inf: no update was applied. */
  ok: boolean;
  losses: LossValues;
  gradNorm: number;
}

/** The loss terms a step reports, in the order of its log. */
export const LOSS_TERMS = ['total', 'pitch', 'dur', 'rhythm', 'chord', 'aux', 'kl_chd', 'kl_aud', 'kl_sym'] as const;

/** One optimisation step: loss, gradients of every variable reached, clipping, Adam. Leaves no tensors behind. */
export function trainStep(
  model: A2SModel,
  adam: Adam,
  inputs: ModelInputs,
  knobs: TrainKnobs,
  rng: Rng,
  opts: { lr: number; clipNorm: number },
): StepResult {
  const { grads, terms } = gradients(model, inputs, knobs, rng);
  const losses = lossValues(terms.dataSync() as Float32Array);
  terms.dispose();
  return applyGradients(model, adam, grads, losses, opts);
}

/**
 * {@link trainStep} for backends that cannot read a tensor synchronously (webgpu under Node: its `dataSync`
 * needs an OffscreenCanvas): the loss terms, the gradient norm and the parameters are read with `data()`.
 * The same arithmetic: the update is {@link Adam.applyAsync}, which runs the same float32 Adam on the CPU.
 */
export async function trainStepAsync(...[model, adam, inputs, knobs, rng, opts]: Parameters<typeof trainStep>): Promise<StepResult> {
  const { grads, terms } = gradients(model, inputs, knobs, rng);
  const losses = lossValues((await terms.data()) as Float32Array);
  terms.dispose();
  const ok = LOSS_TERMS.every((k) => Number.isFinite(losses[k]));
  const gradNorm = ok ? await adam.applyAsync(model.params.vars, grads, opts.lr, opts.clipNorm) : NaN;
  tf.dispose(Object.values(grads));
  return { ok: ok && Number.isFinite(gradNorm), losses, gradNorm };
}

/** Gradients of every variable the loss reaches, and the loss terms stacked in {@link LOSS_TERMS} order (kept: the caller reads and disposes them). */
function gradients(model: A2SModel, inputs: ModelInputs, knobs: TrainKnobs, rng: Rng): { grads: Record<string, tf.Tensor>; terms: tf.Tensor } {
  let stacked: tf.Tensor | null = null;
  const { grads, value } = tf.variableGrads(() => {
    const terms = forwardLoss(model, inputs, knobs, rng);
    stacked = tf.keep(tf.stack(LOSS_TERMS.map((k) => terms[k])));
    return terms.total;
  }, model.params.list());
  value.dispose();
  return { grads, terms: stacked as unknown as tf.Tensor };
}

function lossValues(v: Float32Array): LossValues {
  return Object.fromEntries(LOSS_TERMS.map((k, i) => [k, v[i]])) as LossValues;
}

/**
 * Applies one step's gradients (by tfjs variable name) with `adam` when every loss term is finite, and
 * disposes them: the end of a step computed in this thread, in one pass or summed over micro-batches.
 */
export function applyGradients(model: A2SModel, adam: Adam, grads: Record<string, tf.Tensor>, losses: LossValues, opts: { lr: number; clipNorm: number }): StepResult {
  const ok = LOSS_TERMS.every((k) => Number.isFinite(losses[k]));
  const gradNorm = ok ? adam.apply(model.params.vars, grads, opts.lr, opts.clipNorm) : NaN;
  tf.dispose(Object.values(grads));
  return { ok: ok && Number.isFinite(gradNorm), losses, gradNorm };
}
