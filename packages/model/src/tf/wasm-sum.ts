import * as tf from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let registered = false;

/**
 * The leading-axes count `k` when `axes` (normalized, any order) are exactly the first `k` dimensions of a
 * rank-`rank` tensor with at least one dimension left after them; otherwise null.
 */
export function leadingAxesCount(axes: readonly number[], rank: number): number | null {
  const k = axes.length;
  if (k === 0 || k >= rank) return null;
  const sorted = [...axes].sort((a, b) => a - b);
  for (let i = 0; i < k; i++) if (sorted[i] !== i) return null;
  return k;
}

/**
 * Column sums of `x` seen as `[rows, cols]` into `out` (`cols` values), accumulated in float64 (four rows per
 * pass over the accumulator, about twice as fast as one) and rounded once to float32.
 */
export function sumLeadingRows(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const acc = new Float64Array(cols);
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const o0 = i * cols;
    const o1 = o0 + cols;
    const o2 = o1 + cols;
    const o3 = o2 + cols;
    for (let j = 0; j < cols; j++) acc[j] += x[o0 + j] + x[o1 + j] + (x[o2 + j] + x[o3 + j]);
  }
  for (; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) acc[j] += x[o + j];
  }
  out.set(acc);
}

/**
 * Replaces the wasm backend's `Sum` for float32 tensors reduced over their leading axes (`sum(x, 0)` of a
 * `[rows, cols]` matrix: every bias gradient, where tfjs reduces a broadcast add's gradient). The wasm kernel
 * reduces only over the innermost axis, so it first transposes the input: for a `[32768, 192]` gradient that
 * took about 14 ns per element (the transpose), against 1-2 ns for one pass over the rows here, and the
 * GRU-PianoTree anchor step spent a tenth of its time in it. Sums are accumulated in float64 and rounded once,
 * so they are as close or closer to the exact sum than the kernel's float32 pairwise order (not bit-identical
 * to it). Every other `Sum` (other axes, int32, bool) keeps the wasm kernel. Call after the wasm backend is
 * registered; idempotent.
 */
export function registerLeadingAxesSum(): void {
  if (registered) return;
  const original = tf.getKernel('Sum', 'wasm');
  if (!original) return;
  tf.unregisterKernel('Sum', 'wasm');
  tf.registerKernel({
    kernelName: 'Sum',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const attrs = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
      const rank = x.shape.length;
      const axes = tf.util.parseAxisParam(attrs.axis, x.shape);
      const k = x.dtype === 'float32' ? leadingAxesCount(axes, rank) : null;
      if (k === null) return original.kernelFunc(args);
      const b = args.backend as unknown as WasmBackendLike;
      const rows = tf.util.sizeFromShape(x.shape.slice(0, k));
      const kept = x.shape.slice(k);
      const outShape = attrs.keepDims ? [...new Array<number>(k).fill(1), ...kept] : kept;
      const out = b.makeOutput(outShape, 'float32');
      // views after the allocation: growing the heap would detach earlier ones
      sumLeadingRows(b.typedArrayFromHeap(x) as Float32Array, rows, tf.util.sizeFromShape(kept), b.typedArrayFromHeap(out) as Float32Array);
      return out;
    },
  });
  registered = true;
}
