/**
 * Validation during training: the loss and note metrics of the model on a fixed sample of validation
 * segments, every `validation.everySteps` steps of a stage, and early stopping on them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, SEGMENT_BEATS, type Note } from '@a2s/dataset';
import { PIANOTREE_SIZE, pianoTreeToNotes, type Batch } from '@a2s/features';
import { forwardLoss, infer, type A2SModel, type TrainKnobs } from '../net/model.ts';
import { batchToInputs, disposeInputs } from '../net/inputs.ts';
import { decodedNotes } from '../infer/predict.ts';
import { LOSS_TERMS, type LossValues } from './step.ts';
import type { StageName } from '../config/train-config.ts';
import type { EosThreshold } from '../net/pianotree.ts';

/** How a validation pass decodes: z_sym = 0 (the prior mean, as `a2s predict --mode independent`), or from the batch's symbolic input. */
export type ValidationMode = 'independent' | 'autoregressive';

/** One line of `<run>/validation.jsonl`. */
export interface ValidationEntry {
  stage: StageName;
  step: number;
  globalStep: number;
  segments: number;
  mode: ValidationMode;
  loss: number;
  losses: Omit<LossValues, 'total'>;
  metrics: ValidationMetrics;
  /** A new best of this stage on the early-stopping metric (false when the stage does not stop early). */
  best: boolean;
  timeSec: number;
}

export interface ValidationMetrics {
  /** (onset step, pitch) matches pooled over every segment of the sample. */
  onsetF1: number;
  onsetPrecision: number;
  onsetRecall: number;
  /** Predicted and target notes per beat. */
  notesPerBeat: number;
  targetNotesPerBeat: number;
}

/** Onset precision, recall and F1 of predicted notes against target notes: (onset step, pitch) pairs, each matched once. */
export function onsetCounts(pred: readonly Note[], target: readonly Note[]): { hits: number; pred: number; target: number } {
  const key = (n: Note) => n.onsetStep * 128 + n.pitch;
  const want = new Set(target.map(key));
  const got = new Set(pred.map(key));
  let hits = 0;
  for (const k of got) if (want.has(k)) hits++;
  return { hits, pred: got.size, target: want.size };
}

function metricsOf(c: { hits: number; pred: number; target: number; segments: number }): ValidationMetrics {
  const precision = c.pred > 0 ? c.hits / c.pred : 0;
  const recall = c.target > 0 ? c.hits / c.target : 0;
  const f1 = c.pred + c.target > 0 ? (2 * c.hits) / (c.pred + c.target) : 0;
  const beats = c.segments * SEGMENT_BEATS;
  return { onsetF1: f1, onsetPrecision: precision, onsetRecall: recall, notesPerBeat: c.pred / beats, targetNotesPerBeat: c.target / beats };
}

/**
 * Runs one validation pass: the stage's loss at its current knobs (teacher forcing and KL weights as in
 * training, noise from a generator seeded by `seed`, so two passes over the same weights agree), and greedy
 * decoding of every segment in `mode` (plain argmax, or with the EOS thresholds `eos`), scored against the
 * segment's target notes. Leaves no tensors behind.
 */
export async function validate(
  model: A2SModel,
  batches: readonly Batch[],
  knobs: TrainKnobs,
  mode: ValidationMode,
  seed: number,
  eos: EosThreshold | null = null,
): Promise<{ loss: number; losses: Omit<LossValues, 'total'>; metrics: ValidationMetrics; segments: number }> {
  const rng = createRng(seed).fork('validation');
  const sums = new Float64Array(LOSS_TERMS.length);
  const counts = { hits: 0, pred: 0, target: 0, segments: 0 };
  for (const batch of batches) {
    const inputs = batchToInputs(batch);
    try {
      const values = tf.tidy(() => {
        const terms = forwardLoss(model, inputs, knobs, rng);
        return tf.stack(LOSS_TERMS.map((k) => terms[k]));
      });
      const v = (await values.data()) as Float32Array;
      values.dispose();
      for (let i = 0; i < v.length; i++) sums[i] += v[i] * batch.size;
      const [pitch, dur] = tf.tidy(() => {
        const r = infer(model, inputs.audio, inputs.chords, {
          temperature: 0,
          eos,
          rng,
          symbolicPrompt: mode === 'autoregressive' ? inputs.pianoRoll : undefined,
        });
        return [r.pitch, r.durBits];
      });
      const predictedNotes = await decodedNotes(pitch, dur, batch.size);
      for (let i = 0; i < batch.size; i++) {
        const predicted = predictedNotes[i];
        const target = pianoTreeToNotes(batch.pianoTree.subarray(i * PIANOTREE_SIZE, (i + 1) * PIANOTREE_SIZE));
        const c = onsetCounts(predicted, target);
        counts.hits += c.hits;
        counts.pred += c.pred;
        counts.target += c.target;
        counts.segments++;
      }
    } finally {
      disposeInputs(inputs);
    }
  }
  const n = Math.max(1, counts.segments);
  const mean = Object.fromEntries(LOSS_TERMS.map((k, i) => [k, sums[i] / n])) as LossValues;
  const { total, ...losses } = mean;
  return { loss: total, losses, metrics: metricsOf(counts), segments: counts.segments };
}

/** Early-stopping bookkeeping of one stage: the best value so far and the passes since. */
export class EarlyStopper {
  best: number | null = null;
  bestStep = 0;
  sinceBest = 0;

  constructor(
    readonly metric: 'onsetF1' | 'loss',
    readonly patience: number,
  ) {}

  private value(e: Pick<ValidationEntry, 'loss' | 'metrics'>): number {
    return this.metric === 'loss' ? -e.loss : e.metrics.onsetF1;
  }

  /** Records a pass; true when it is a new best. */
  record(e: Pick<ValidationEntry, 'loss' | 'metrics' | 'step'>): boolean {
    const v = this.value(e);
    if (this.best === null || v > this.best) {
      this.best = v;
      this.bestStep = e.step;
      this.sinceBest = 0;
      return true;
    }
    this.sinceBest++;
    return false;
  }

  /** True once `patience` passes in a row brought no new best. */
  get exhausted(): boolean {
    return this.sinceBest >= this.patience;
  }
}
