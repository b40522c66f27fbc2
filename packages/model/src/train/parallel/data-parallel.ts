/**
 * Data-parallel training and gradient accumulation for the trainer: a step's batch is cut into shards
 * (shards.ts). With workers, each computes its shards' gradient in its thread and the workers sum the
 * gradients and run Adam over their parts of the parameters in shared memory (pool.ts, worker.ts); in one
 * thread, micro-batches run one after the other (accumulate.ts) and the trainer's Adam applies their sum.
 * With one worker and no micro-batches the trainer keeps its plain single-pass step; `isSharded` says which
 * path a batch takes.
 */
import type { Worker } from 'node:worker_threads';
import type { Rng } from '@a2s/dataset';
import type { Batch } from '@a2s/features';
import { batchTotals } from '../../net/inputs.ts';
import type { A2SModel, TrainKnobs } from '../../net/model.ts';
import type { Adam } from '../adam.ts';
import { applyGradients, type StepResult } from '../step.ts';
import { accumulateShards } from './accumulate.ts';
import { WorkerPool } from './pool.ts';
import { planShards, sliceBatch } from './shards.ts';
import { wallMs, type StepMarks } from './protocol.ts';

export interface ParallelOptions {
  /** Worker threads, each with its own backend and model copy; 1 = compute in the trainer's thread. */
  workers: number;
  /** Segments per forward + backward pass (gradient accumulation); null = a worker's whole share of the batch. */
  microBatch: number | null;
  /** Called with the worker threads once they have started (monitoring; tests stop one). */
  onWorkers?: (threads: readonly Worker[]) => void;
}

export interface ShardedStepArgs {
  model: A2SModel;
  adam: Adam;
  batch: Batch;
  knobs: TrainKnobs;
  /** The trainer's stream: one draw per step seeds the shards' streams. */
  rng: Rng;
  lr: number;
  clipNorm: number;
  /** Model seed (the workers build their copies with it before loading the trainer's weights). */
  seed: number;
  backend: string;
}

export class DataParallel {
  /** CPU time (ms) each worker spent on the last step (empty without workers): for benchmarks. */
  lastWorkerCpuMs: (number | null)[] = [];
  /** Phases of the last step in ms from its start (trainer and workers; empty without workers): for benchmarks. */
  lastTimeline: Record<string, number | number[]> = {};
  private pool: WorkerPool | null = null;
  private poolKey = '';

  constructor(readonly options: ParallelOptions) {
    if (!(Number.isInteger(options.workers) && options.workers >= 1)) throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
    if (options.microBatch !== null && !(Number.isInteger(options.microBatch) && options.microBatch >= 1)) {
      throw new RangeError(`micro-batch must be a positive integer, got ${options.microBatch}`);
    }
  }

  /** True when a batch of `size` segments is cut into shards (more than one worker, or micro-batches). */
  isSharded(size: number): boolean {
    return this.options.workers > 1 || (this.options.microBatch !== null && this.options.microBatch < size);
  }

  /** One optimisation step over the shards of `a.batch`: summed gradients, clipping, Adam. Leaves no tensors behind. */
  async step(a: ShardedStepArgs): Promise<StepResult> {
    const start = wallMs();
    const plan = planShards(a.batch.size, this.options.workers, this.options.microBatch);
    const stepSeed = a.rng.int(2 ** 31);
    const whole = batchTotals(a.batch);
    const jobs = plan.map((shards) => shards.map((r) => ({ index: r.index, batch: sliceBatch(a.batch, r.start, r.end) })));
    if (this.options.workers === 1) {
      const sums = accumulateShards(a.model, jobs[0], whole, a.knobs, stepSeed);
      return applyGradients(a.model, a.adam, Object.fromEntries(sums.grads), sums.losses, { lr: a.lr, clipNorm: a.clipNorm });
    }
    // workers: they sum the gradients and run Adam in shared memory; the model and `a.adam` come back updated
    const pool = await this.poolFor(a);
    const sliced = wallMs();
    const r = await pool.step(a.model, a.adam, jobs, whole, a.knobs, stepSeed, { lr: a.lr, clipNorm: a.clipNorm });
    this.lastWorkerCpuMs = r.workerCpuMs;
    const at = (t: number) => Math.round((t - start) * 10) / 10;
    const tl = r.timeline;
    const worker = (k: keyof StepMarks) => tl.workers.map((m) => at(m?.[k] ?? NaN));
    this.lastTimeline = {
      sliced: at(sliced),
      weightsRead: at(tl.weightsRead),
      posted: at(tl.posted),
      workerReceived: worker('received'),
      workerWeightsLoaded: worker('weightsLoaded'),
      workerGradsComputed: worker('gradsComputed'),
      workerAllGrads: worker('allGrads'),
      workerUpdated: worker('updated'),
      replied: tl.replied.map(at),
      copiedBack: at(tl.copiedBack),
    };
    return { ok: r.ok, losses: r.losses, gradNorm: r.gradNorm };
  }

  private async poolFor(a: ShardedStepArgs): Promise<WorkerPool> {
    const key = JSON.stringify([a.model.config, a.seed, a.backend]);
    if (this.pool && this.poolKey === key) return this.pool;
    await this.close();
    this.pool = await WorkerPool.start({ count: this.options.workers, model: a.model, seed: a.seed, backend: a.backend });
    this.poolKey = key;
    this.options.onWorkers?.(this.pool.threads);
    return this.pool;
  }

  /** Stops the workers (if any were started). */
  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    if (p) await p.close();
  }
}
