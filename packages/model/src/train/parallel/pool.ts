/**
 * The trainer's side of data-parallel training: a fixed set of worker threads, each with its own backend and
 * model copy. Weights go out and gradients come back through SharedArrayBuffers; the pool adds the workers'
 * gradients in worker order, so a step is deterministic for a given worker count.
 */
import { Worker } from 'node:worker_threads';
import type { BatchTotals } from '../../net/inputs.ts';
import type { A2SModel, TrainKnobs } from '../../net/model.ts';
import { LOSS_TERMS, type LossValues } from '../step.ts';
import type { ShardJob } from './accumulate.ts';
import { paramLayout, readWeights, type ParamLayout } from './layout.ts';
import type { StepRequest, WorkerInit, WorkerReply } from './protocol.ts';

/** A worker died or failed a step: the run cannot go on. */
export class WorkerFailedError extends Error {
  constructor(
    message: string,
    /** The run's last checkpoint when the trainer stopped (set by the trainer). */
    readonly lastCheckpoint: string | null = null,
  ) {
    super(message);
    this.name = 'WorkerFailedError';
  }
}

export interface PoolStepResult {
  /** Sum of the workers' gradients (layout order); only `reached` parameters are meaningful. */
  grads: Float32Array;
  /** Parameters whose gradient some shard reached. */
  reached: boolean[];
  /** Sum of the workers' loss terms. */
  losses: LossValues;
  /** CPU time of each worker's part of the step (ms; null where the OS does not say). */
  workerCpuMs: (number | null)[];
}

interface Pending {
  resolve: (r: WorkerReply) => void;
  reject: (e: Error) => void;
}

export class WorkerPool {
  private failure: WorkerFailedError | null = null;
  private closing = false;
  private readonly pending = new Map<number, Pending>();
  private readonly sum: Float32Array;

  private constructor(
    readonly threads: readonly Worker[],
    readonly layout: ParamLayout,
    private readonly weights: Float32Array,
    private readonly grads: readonly Float32Array[],
  ) {
    this.sum = new Float32Array(layout.total);
    threads.forEach((t, i) => {
      const who = `training worker ${i + 1} of ${threads.length}`;
      t.on('message', (r: WorkerReply) => {
        const p = this.pending.get(i);
        this.pending.delete(i);
        p?.resolve(r);
      });
      t.on('error', (err) => this.fail(`${who} crashed: ${err.message}`));
      t.on('messageerror', (err) => this.fail(`${who} sent an unreadable message: ${err.message}`));
      t.on('exit', (code) => {
        if (!this.closing) this.fail(`${who} exited unexpectedly (exit code ${code})`);
      });
    });
  }

  /** Starts `count` workers with `model`'s config and seed on `backend`, and waits until each has built its model. */
  static async start(o: { count: number; model: A2SModel; seed: number; backend: string }): Promise<WorkerPool> {
    const layout = paramLayout(o.model);
    const bytes = layout.total * Float32Array.BYTES_PER_ELEMENT;
    const weights = new SharedArrayBuffer(bytes);
    const grads = Array.from({ length: o.count }, () => new SharedArrayBuffer(bytes));
    const entry = new URL('./worker-entry.mjs', import.meta.url);
    const threads = grads.map((g) => {
      const init: WorkerInit = { modelConfig: o.model.config, seed: o.seed, backend: o.backend, weights, grads: g };
      return new Worker(entry, { workerData: init });
    });
    const pool = new WorkerPool(threads, layout, new Float32Array(weights), grads.map((g) => new Float32Array(g)));
    try {
      const ready = await Promise.all(threads.map((_, i) => pool.request(i, null)));
      for (const r of ready) {
        if (r.type !== 'ready' || r.total !== layout.total) throw new WorkerFailedError(`a training worker built a different model (${r.type === 'ready' ? r.total : r.type} vs ${layout.total} parameters)`);
      }
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  private fail(message: string): void {
    if (this.failure) return;
    this.failure = new WorkerFailedError(message);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }

  /** Sends `msg` to worker `i` (null: only wait for its next message) and resolves with its reply. */
  private request(i: number, msg: StepRequest | null): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(i, { resolve, reject });
      if (msg) this.threads[i].postMessage(msg);
    });
  }

  /** One step: `model`'s weights to every worker, `perWorker[i]` shards to worker i, summed gradients back. */
  async step(model: A2SModel, perWorker: readonly ShardJob[][], whole: BatchTotals, knobs: TrainKnobs, stepSeed: number): Promise<PoolStepResult> {
    if (perWorker.length > this.threads.length) throw new RangeError(`${perWorker.length} shard lists for ${this.threads.length} workers`);
    if (this.failure) throw this.failure;
    readWeights(model, this.layout, this.weights);
    const replies = await Promise.all(perWorker.map((shards, i) => this.request(i, { type: 'step', shards, whole, knobs, stepSeed })));
    const sums = new Float64Array(LOSS_TERMS.length);
    const reached = this.layout.slots.map(() => false);
    const sum = this.sum;
    replies.forEach((r, w) => {
      if (r.type !== 'done') throw new WorkerFailedError(`training worker ${w + 1} of ${this.threads.length} failed a step: ${r.type === 'failed' ? r.message : r.type}`);
      LOSS_TERMS.forEach((k, j) => (sums[j] += r.losses[k]));
      const g = this.grads[w];
      this.layout.slots.forEach((s, j) => {
        if (!r.reached[j]) return;
        const end = s.offset + s.size;
        if (!reached[j]) sum.set(g.subarray(s.offset, end), s.offset);
        else for (let k = s.offset; k < end; k++) sum[k] += g[k];
        reached[j] = true;
      });
    });
    const losses = Object.fromEntries(LOSS_TERMS.map((k, j) => [k, Math.fround(sums[j])])) as LossValues;
    return { grads: sum, reached, losses, workerCpuMs: replies.map((r) => (r.type === 'done' ? r.cpuMs : null)) };
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
