/**
 * The trainer's side of data-parallel training: a fixed set of worker threads, each with its own backend and
 * model copy, and the optimizer state in shared memory. Per step the trainer posts each worker its shards;
 * the workers compute their gradients, meet at a barrier, and each sums the gradients and runs Adam over its
 * own part of the parameters, writing weights and moments in place (shared.ts, worker.ts). The trainer only
 * cuts the batch and copies the new weights into its model. Sums run in worker order, so a step is
 * deterministic for a given worker count.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Worker } from 'node:worker_threads';
import type { BatchTotals } from '../../net/inputs.ts';
import type { A2SModel, TrainKnobs } from '../../net/model.ts';
import type { Adam } from '../adam.ts';
import { LOSS_TERMS, type LossValues } from '../step.ts';
import type { ShardJob } from './accumulate.ts';
import { paramLayout, type ParamLayout } from './layout.ts';
import { wallMs, type StepMarks, type StepRequest, type WorkerInit, type WorkerReply } from './protocol.ts';
import { abortWorkers, createSharedState, sharedViews, type SharedViews } from './shared.ts';

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
  /** False when a loss term or the gradient norm was NaN/Inf: no update was applied. */
  ok: boolean;
  /** Sum of the workers' loss terms. */
  losses: LossValues;
  /** Global L2 norm of the summed gradient before clipping (NaN when a loss term was not finite). */
  gradNorm: number;
  /** CPU time of each worker's part of the step (ms; null where the OS does not say). */
  workerCpuMs: (number | null)[];
  /** Wall-clock marks (ms since the epoch) of this step on the trainer's side and each worker's. */
  timeline: { weightsRead: number; posted: number; replied: number[]; copiedBack: number; workers: (StepMarks | null)[] };
}

interface Pending {
  resolve: (r: WorkerReply) => void;
  reject: (e: Error) => void;
}

export class WorkerPool {
  private failure: WorkerFailedError | null = null;
  private closing = false;
  private readonly pending = new Map<number, Pending>();
  /** The Adam whose moments live in the shared buffers (its maps hold views into them), if any. */
  private bound: Adam | null = null;
  /**
   * Per parameter, the tfjs data of the model's variable when the shared weights last equalled it (a variable
   * gets new data on every assign): unchanged ones need not be copied in again before the next step.
   */
  private synced: unknown[] = [];

  private constructor(
    readonly threads: readonly Worker[],
    readonly layout: ParamLayout,
    private readonly views: SharedViews,
  ) {
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
    const buffers = createSharedState(layout, o.count, LOSS_TERMS.length);
    const entry = new URL('./worker-entry.mjs', import.meta.url);
    const threads = Array.from({ length: o.count }, (_, rank) => {
      const init: WorkerInit = { modelConfig: o.model.config, seed: o.seed, backend: o.backend, rank, buffers };
      return new Worker(entry, { workerData: init });
    });
    const pool = new WorkerPool(threads, layout, sharedViews(buffers, layout, o.count, LOSS_TERMS.length));
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
    // workers waiting at a barrier for the one that failed give up
    abortWorkers(this.views);
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

  /**
   * Makes `adam`'s moments the shared ones: its current values are copied in (zeros for parameters it has
   * none for yet) and its maps point at the shared views from then on. An Adam bound before gets copies of
   * its values back, so two optimizers never share memory.
   */
  private bind(adam: Adam): void {
    const { m, v } = this.views.moments;
    if (this.bound !== adam) this.unbind();
    this.bound = adam;
    this.layout.slots.forEach((s, j) => {
      for (const [map, views, flat] of [
        [adam.m, m, this.views.m],
        [adam.v, v, this.views.v],
      ] as const) {
        const cur = map.get(s.name);
        if (cur === views[j]) continue;
        if (cur) {
          if (cur.length !== s.size) throw new RangeError(`Adam moments of ${s.name}: ${cur.length} values for ${s.size} parameters`);
          flat.set(cur, s.offset);
          map.set(s.name, views[j]);
        } else {
          flat.fill(0, s.offset, s.offset + s.size);
        }
      }
    });
  }

  /** Gives the bound Adam (if any) copies of its shared moments and forgets it. */
  private unbind(): void {
    const a = this.bound;
    if (!a) return;
    const { m, v } = this.views.moments;
    this.layout.slots.forEach((s, j) => {
      if (a.m.get(s.name) === m[j]) a.m.set(s.name, m[j].slice());
      if (a.v.get(s.name) === v[j]) a.v.set(s.name, v[j].slice());
    });
    this.bound = null;
  }

  /**
   * One step: `perWorker[i]` shards to worker i; the workers' summed gradient, clipped to `clipNorm`, updates
   * `model`'s weights and `adam`'s moments (update number `adam.step + 1`).
   */
  async step(
    model: A2SModel,
    adam: Adam,
    perWorker: readonly ShardJob[][],
    whole: BatchTotals,
    knobs: TrainKnobs,
    stepSeed: number,
    opt: { lr: number; clipNorm: number },
  ): Promise<PoolStepResult> {
    const participants = perWorker.length;
    if (participants > this.threads.length) throw new RangeError(`${participants} shard lists for ${this.threads.length} workers`);
    if (this.failure) throw this.failure;
    this.bind(adam);
    this.layout.slots.forEach((s, j) => {
      const p = model.params.vars.get(s.name)!;
      if (this.synced[j] === p.dataId) return;
      this.views.weights.set(p.dataSync() as Float32Array, s.offset);
      this.synced[j] = p.dataId;
    });
    const weightsRead = wallMs();
    const replied: number[] = [];
    const adamStep = adam.step + 1;
    const asked = perWorker.map((shards, i) =>
      this.request(i, { type: 'step', shards, whole, knobs, stepSeed, participants, lr: opt.lr, clipNorm: opt.clipNorm, adamStep, beta1: adam.beta1, beta2: adam.beta2, eps: adam.eps }).then((r) => {
        replied[i] = wallMs();
        return r;
      }),
    );
    const posted = wallMs();
    const replies = await Promise.all(asked);
    const sums = new Float64Array(LOSS_TERMS.length);
    const reached = this.layout.slots.map(() => false);
    let gradNorm = NaN;
    let applied = false;
    // a worker that failed says why; the others only gave up waiting for it
    const failed = replies.findIndex((r) => r.type === 'failed' && !r.aborted);
    const first = failed >= 0 ? failed : replies.findIndex((r) => r.type !== 'done');
    if (first >= 0) {
      const r = replies[first];
      this.fail(`training worker ${first + 1} of ${this.threads.length} failed a step: ${r.type === 'failed' ? r.message : r.type}`);
      throw this.failure!;
    }
    replies.forEach((r) => {
      if (r.type !== 'done') return;
      LOSS_TERMS.forEach((k, j) => (sums[j] += r.losses[k]));
      r.reached.forEach((x, j) => (reached[j] ||= x));
      // every worker computed the same norm and decision from the shared sums
      gradNorm = r.gradNorm;
      applied = r.applied;
    });
    const losses = Object.fromEntries(LOSS_TERMS.map((k, j) => [k, Math.fround(sums[j])])) as LossValues;
    const finite = LOSS_TERMS.every((k) => Number.isFinite(losses[k]));
    if (applied) {
      adam.step = adamStep;
      const { m, v } = this.views.moments;
      const w = this.views.weights;
      this.layout.slots.forEach((s, j) => {
        if (!reached[j]) return;
        adam.m.set(s.name, m[j]);
        adam.v.set(s.name, v[j]);
        const p = model.params.vars.get(s.name)!;
        tf.tidy(() => p.assign(tf.tensor(w.subarray(s.offset, s.offset + s.size), s.shape)));
        this.synced[j] = p.dataId;
      });
    }
    const timeline = { weightsRead, posted, replied, copiedBack: wallMs(), workers: replies.map((r) => (r.type === 'done' ? r.marks : null)) };
    return {
      ok: finite && Number.isFinite(gradNorm),
      losses,
      gradNorm: finite ? gradNorm : NaN,
      workerCpuMs: replies.map((r) => (r.type === 'done' ? r.cpuMs : null)),
      timeline,
    };
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closing = true;
    // the last optimizer keeps its moments after the shared buffers are gone from the workers
    this.unbind();
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
