import * as tf from '@tensorflow/tfjs-core';
import { replaceWasmKernel, type WasmHeapBackend } from './wasm-kernel.ts';

let registered = false;

/** A row-sum implementation with {@link sumRows}'s signature and results. */
export type RowSums = (x: Float32Array, outer: number, rows: number, cols: number, out: Float32Array) => void;
let rowSums: RowSums | null = null;

/**
 * Runs the `Sum` replacement's row sums on `f` (the native addon's `sumRows`, same order, same results, about ten
 * times faster), or back on {@link sumRows} with null.
 */
export function useRowSums(f: RowSums | null): void {
  rowSums = f;
}

/**
 * `[first, end)` when `axes` (normalized, any order) are exactly the consecutive dimensions `first … end − 1` of a
 * rank-`rank` tensor and at least one dimension follows them (`end < rank`); otherwise null (among others: the
 * innermost axis, which the wasm kernel reduces without a transpose).
 */
export function outerAxesRun(axes: readonly number[], rank: number): [number, number] | null {
  if (axes.length === 0) return null;
  const sorted = [...axes].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1] + 1) return null;
  const first = sorted[0];
  const end = first + sorted.length;
  return end < rank ? [first, end] : null;
}

/**
 * Sums of `x` seen as `[outer, rows, cols]` over `rows` into `out` (`[outer, cols]`), accumulated in float64
 * (four rows per pass over the accumulator, about twice as fast as one) and rounded once to float32.
 */
export function sumRows(x: Float32Array, outer: number, rows: number, cols: number, out: Float32Array): void {
  const acc = new Float64Array(cols);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = o * rows * cols;
    let i = 0;
    for (; i + 4 <= rows; i += 4) {
      const o0 = base + i * cols;
      const o1 = o0 + cols;
      const o2 = o1 + cols;
      const o3 = o2 + cols;
      for (let j = 0; j < cols; j++) acc[j] += x[o0 + j] + x[o1 + j] + (x[o2 + j] + x[o3 + j]);
    }
    for (; i < rows; i++) {
      const r = base + i * cols;
      for (let j = 0; j < cols; j++) acc[j] += x[r + j];
    }
    out.set(acc, o * cols);
  }
}

/**
 * Replaces the wasm backend's `Sum` for float32 tensors reduced over a run of consecutive axes that is not the
 * innermost: `sum(x, 0)` of a `[rows, cols]` matrix (every bias gradient, where tfjs reduces a broadcast add's
 * gradient), or the slot axis of `[B, T, slots, D]` (the gradient of a per-step value broadcast over the
 * slots). The wasm kernel reduces only over the innermost axis, so it first transposes the input: for a
 * `[32768, 192]` gradient that took about 14 ns per element (the transpose), against 1-2 ns for one pass over
 * the rows here, and the GRU-PianoTree anchor step spent a tenth of its time in it. Sums are accumulated in
 * float64 and rounded once, so they are as close or closer to the exact sum than the kernel's float32 pairwise
 * order (not bit-identical to it). Every other `Sum` (other axes, int32, bool) keeps the wasm kernel. Call after the wasm backend is
 * registered; idempotent.
 */
export function registerOuterAxesSum(): void {
  if (registered) return;
  replaceWasmKernel('Sum', (args, original) => {
    const x = args.inputs.x as tf.TensorInfo;
    const attrs = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape);
    const run = x.dtype === 'float32' ? outerAxesRun(axes, rank) : null;
    if (run === null) return original.kernelFunc(args);
    const [first, end] = run;
    const b = args.backend as unknown as WasmHeapBackend;
    const size = (dims: number[]) => tf.util.sizeFromShape(dims);
    const outShape = x.shape.map((d, i) => (i >= first && i < end ? 1 : d)).filter((_, i) => attrs.keepDims || i < first || i >= end);
    const out = b.makeOutput(outShape, 'float32');
    // views after the allocation: growing the heap would detach earlier ones
    (rowSums ?? sumRows)(
      b.typedArrayFromHeap(x) as Float32Array,
      size(x.shape.slice(0, first)),
      size(x.shape.slice(first, end)),
      size(x.shape.slice(end)),
      b.typedArrayFromHeap(out) as Float32Array,
    );
    return out;
  });
  registered = true;
}
