/**
 * The shared memory of a worker pool: weights, Adam's moments, each worker's gradient, and a small control
 * block (a barrier, an abort flag, the workers' loss terms, "reached" flags and partial sums of squares).
 * Laid out by layout.ts; created by the trainer, mapped by every worker.
 */
import type { ParamLayout } from './layout.ts';

/** The SharedArrayBuffers, as sent to each worker. */
export interface SharedBuffers {
  weights: SharedArrayBuffer;
  m: SharedArrayBuffer;
  v: SharedArrayBuffer;
  /** One per worker. */
  grads: SharedArrayBuffer[];
  /** Int32: [barrier arrivals, barrier generation, abort flag]. */
  control: SharedArrayBuffer;
  /** Uint8, per worker and parameter: 1 when the worker's shards reached it. */
  reached: SharedArrayBuffer;
  /** Float64, per worker: its loss terms, then its partial sum of squares of the summed gradient. */
  floats: SharedArrayBuffer;
}

export interface SharedViews {
  weights: Float32Array;
  m: Float32Array;
  v: Float32Array;
  grads: Float32Array[];
  control: Int32Array;
  reached: Uint8Array;
  floats: Float64Array;
  /** Views of `m` and `v` per parameter (layout order). */
  moments: { m: Float32Array[]; v: Float32Array[] };
}

const ARRIVED = 0;
const GENERATION = 1;
const ABORT = 2;

export function createSharedState(layout: ParamLayout, workers: number, lossTerms: number): SharedBuffers {
  const f32 = () => new SharedArrayBuffer(layout.total * Float32Array.BYTES_PER_ELEMENT);
  return {
    weights: f32(),
    m: f32(),
    v: f32(),
    grads: Array.from({ length: workers }, f32),
    control: new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT),
    reached: new SharedArrayBuffer(workers * layout.slots.length),
    floats: new SharedArrayBuffer(workers * (lossTerms + 1) * Float64Array.BYTES_PER_ELEMENT),
  };
}

export function sharedViews(b: SharedBuffers, layout: ParamLayout, workers: number, lossTerms: number): SharedViews {
  const m = new Float32Array(b.m);
  const v = new Float32Array(b.v);
  const per = (a: Float32Array) => layout.slots.map((s) => a.subarray(s.offset, s.offset + s.size));
  const floats = new Float64Array(b.floats);
  if (floats.length !== workers * (lossTerms + 1) || b.grads.length !== workers) throw new RangeError('shared buffers of another pool size');
  return {
    weights: new Float32Array(b.weights),
    m,
    v,
    grads: b.grads.map((g) => new Float32Array(g)),
    control: new Int32Array(b.control),
    reached: new Uint8Array(b.reached),
    floats,
    moments: { m: per(m), v: per(v) },
  };
}

/** Thrown in a worker waiting at the barrier when another worker (or the trainer) gave up on the step. */
export class StepAborted extends Error {
  constructor() {
    super('another training worker failed this step');
    this.name = 'StepAborted';
  }
}

/** Tells every worker waiting at a barrier to give up (a worker failed or died). */
export function abortWorkers(s: SharedViews): void {
  Atomics.store(s.control, ABORT, 1);
  Atomics.notify(s.control, GENERATION);
}

/**
 * Blocks until `participants` workers have called it (a generation barrier, reusable step after step);
 * throws StepAborted when the pool was aborted meanwhile.
 */
export function barrier(s: SharedViews, participants: number): void {
  const c = s.control;
  const gen = Atomics.load(c, GENERATION);
  if (Atomics.load(c, ABORT)) throw new StepAborted();
  if (Atomics.add(c, ARRIVED, 1) === participants - 1) {
    Atomics.store(c, ARRIVED, 0);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    return;
  }
  while (Atomics.load(c, GENERATION) === gen) {
    if (Atomics.load(c, ABORT)) throw new StepAborted();
    Atomics.wait(c, GENERATION, gen, 1000);
  }
}

/**
 * The parameters each of `participants` workers runs Adam on: contiguous runs of whole parameters (slot
 * indices `[from, to)`) with as equal numbers of scalars as the parameter sizes allow.
 */
export function adamRanges(layout: ParamLayout, participants: number): [number, number][] {
  const ranges: [number, number][] = [];
  let j = 0;
  for (let w = 0; w < participants; w++) {
    const from = j;
    const target = (layout.total * (w + 1)) / participants;
    while (j < layout.slots.length && (w === participants - 1 || layout.slots[j].offset + layout.slots[j].size / 2 <= target)) j++;
    ranges.push([from, j]);
  }
  return ranges;
}
