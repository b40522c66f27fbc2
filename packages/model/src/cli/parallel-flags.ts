import os from 'node:os';
import { InputError } from '@a2s/dataset';
import type { ParallelOptions } from '../train/parallel/data-parallel.ts';

/** Fewest segments a worker gets by default: smaller shares cost more in per-op overhead than a core gains. */
const MIN_SEGMENTS_PER_WORKER = 16;

/**
 * `--workers` / `--micro-batch` of `a2s train`. Default workers: one per core on the wasm and cpu backends
 * (each worker gets at least {@link MIN_SEGMENTS_PER_WORKER} segments of the batch), 1 on `tensorflow`
 * (libtensorflow already uses every core).
 */
export function parallelFromFlags(o: { workers?: string; microBatch?: string }, backend: string, batchSize: number): ParallelOptions {
  const int = (flag: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InputError({ file: flag, message: `${flag} must be a positive integer, got ${v}` });
    return n;
  };
  const workers =
    o.workers !== undefined
      ? int('--workers', o.workers)
      : backend === 'tensorflow'
        ? 1
        : Math.max(1, Math.min(os.availableParallelism(), Math.floor(batchSize / MIN_SEGMENTS_PER_WORKER)));
  const microBatch = o.microBatch !== undefined ? int('--micro-batch', o.microBatch) : null;
  return { workers, microBatch };
}
