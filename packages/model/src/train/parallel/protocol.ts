/** Messages between the trainer and its data-parallel workers (worker.ts). */
import type { BatchTotals } from '../../net/inputs.ts';
import type { ModelConfig } from '../../config/model-config.ts';
import type { TrainKnobs } from '../../net/model.ts';
import type { LossValues } from '../step.ts';
import type { ShardJob } from './accumulate.ts';
import type { SharedBuffers } from './shared.ts';

/** `workerData` of a worker. */
export interface WorkerInit {
  modelConfig: ModelConfig;
  seed: number;
  /** tfjs backend to activate in the worker (the trainer's). */
  backend: string;
  /** This worker's place in the pool (0-based): its gradient buffer, and its part of the Adam update. */
  rank: number;
  buffers: SharedBuffers;
}

export interface StepRequest {
  type: 'step';
  shards: ShardJob[];
  whole: BatchTotals;
  knobs: TrainKnobs;
  stepSeed: number;
  /** Workers taking part in this step (ranks 0 … participants − 1). */
  participants: number;
  lr: number;
  clipNorm: number;
  /** Adam's update number if this step updates (1-based; bias correction). */
  adamStep: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export type WorkerReply =
  | { type: 'ready'; total: number }
  | {
      type: 'done';
      /** This worker's loss terms (the trainer adds them up). */
      losses: LossValues;
      /** Parameters this worker's shards reached. */
      reached: boolean[];
      /** Norm of the summed gradient before clipping (the same in every worker). */
      gradNorm: number;
      /** Whether the step updated weights and moments (every loss term and the norm finite, some parameter reached). */
      applied: boolean;
      cpuMs: number | null;
      marks: StepMarks;
    }
  /** `aborted`: this worker gave up because another one failed (that one's reply says why). */
  | { type: 'failed'; message: string; aborted?: boolean };

/** Wall-clock marks of a worker's step (ms since the epoch, sub-millisecond): for benchmarks' timelines. */
export interface StepMarks {
  received: number;
  weightsLoaded: number;
  gradsComputed: number;
  /** Gradients written and every worker at the barrier. */
  allGrads: number;
  updated: number;
}

/** Now, in ms since the epoch with sub-millisecond resolution, comparable across threads. */
export const wallMs = (): number => performance.timeOrigin + performance.now();
