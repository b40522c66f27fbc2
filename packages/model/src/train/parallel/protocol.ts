/** Messages between the trainer and its data-parallel workers (worker.ts). */
import type { BatchTotals } from '../../net/inputs.ts';
import type { ModelConfig } from '../../config/model-config.ts';
import type { TrainKnobs } from '../../net/model.ts';
import type { LossValues } from '../step.ts';
import type { ShardJob } from './accumulate.ts';

/** `workerData` of a worker. */
export interface WorkerInit {
  modelConfig: ModelConfig;
  seed: number;
  /** tfjs backend to activate in the worker (the trainer's). */
  backend: string;
  /** Current weights, written by the trainer before each step (layout.ts order). */
  weights: SharedArrayBuffer;
  /** This worker's summed gradients, written by the worker. */
  grads: SharedArrayBuffer;
}

export interface StepRequest {
  type: 'step';
  shards: ShardJob[];
  whole: BatchTotals;
  knobs: TrainKnobs;
  stepSeed: number;
}

export type WorkerReply =
  | { type: 'ready'; total: number }
  | { type: 'done'; losses: LossValues; reached: boolean[]; cpuMs: number | null }
  | { type: 'failed'; message: string };
