/**
 * How one training step's batch is cut into shards: contiguous, as equal as possible, first across workers,
 * then each worker's part into micro-batches (gradient accumulation). A shard's index fixes its random stream,
 * so a step depends on the batch, the seed and the shard plan only.
 */
import type { Batch } from '@a2s/features';

/** One shard: segments `[start, end)` of the batch; `index` is its position in the whole plan. */
export interface ShardRange {
  index: number;
  start: number;
  end: number;
}

/** `n` items cut into `parts` contiguous runs whose sizes differ by at most one (larger ones first). */
function cut(start: number, n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  let at = start;
  for (let i = 0; i < parts; i++) {
    const len = Math.floor(n / parts) + (i < n % parts ? 1 : 0);
    out.push([at, at + len]);
    at += len;
  }
  return out;
}

/**
 * The shards of a batch of `size` segments for `workers` workers with micro-batches of at most `microBatch`
 * segments (null: one shard per worker). Returns one list per worker; workers that would get no segment are
 * left out (a batch smaller than the worker count uses fewer workers).
 */
export function planShards(size: number, workers: number, microBatch: number | null): ShardRange[][] {
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`batch size must be a positive integer, got ${size}`);
  if (!(Number.isInteger(workers) && workers > 0)) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  if (microBatch !== null && !(Number.isInteger(microBatch) && microBatch > 0)) throw new RangeError(`micro-batch must be a positive integer, got ${microBatch}`);
  let index = 0;
  const plan: ShardRange[][] = [];
  for (const [a, b] of cut(0, size, Math.min(workers, size))) {
    const micro = microBatch === null ? 1 : Math.ceil((b - a) / microBatch);
    plan.push(cut(a, b - a, micro).map(([start, end]) => ({ index: index++, start, end })));
  }
  return plan;
}

/** Segments `[start, end)` of `batch` as a batch of its own (copies, so it can be sent to a worker). */
export function sliceBatch(batch: Batch, start: number, end: number): Batch {
  const n = end - start;
  const per = (a: { length: number }) => a.length / batch.size;
  const f32 = (a: Float32Array) => a.slice(start * per(a), end * per(a));
  return {
    size: n,
    audioFrames: batch.audioFrames,
    audioBins: batch.audioBins,
    audio: f32(batch.audio),
    chords: f32(batch.chords),
    pianoRoll: f32(batch.pianoRoll),
    pianoTree: batch.pianoTree.slice(start * per(batch.pianoTree), end * per(batch.pianoTree)),
    aux: f32(batch.aux),
    songIds: batch.songIds.slice(start, end),
    startBeats: batch.startBeats.slice(start, end),
    transpose: batch.transpose.slice(start, end),
  };
}
