import * as tf from '@tensorflow/tfjs-core';
import { replaceWasmKernel, type WasmHeapBackend } from './wasm-kernel.ts';

let registered = false;

/**
 * Copies the box `begin`/`size` of `x` (row-major, shape `shape`) into `out`: one copy when the box is
 * contiguous (tfjs-core's `slice_util`, as the kernel it replaces), else one copy per innermost row.
 */
function copyBox(
  x: Float32Array | Int32Array | Uint8Array,
  shape: number[],
  begin: number[],
  size: number[],
  out: Float32Array | Int32Array | Uint8Array,
): void {
  const strides = tf.util.computeStrides(shape);
  const offset0 = tf.slice_util.computeFlatOffset(begin, strides);
  if (shape.length <= 1 || tf.slice_util.isSliceContinous(shape, begin, size)) {
    out.set(x.subarray(offset0, offset0 + out.length));
    return;
  }
  const rank = shape.length;
  const inner = size[rank - 1];
  const rows = out.length / Math.max(inner, 1);
  const idx = new Array<number>(rank - 1).fill(0); // index within the box over the leading dimensions
  let o = 0;
  for (let r = 0; r < rows; r++) {
    let off = offset0;
    for (let d = 0; d < rank - 1; d++) off += idx[d] * strides[d];
    if (inner >= 16) out.set(x.subarray(off, off + inner), o);
    else for (let k = 0; k < inner; k++) out[o + k] = x[off + k];
    o += inner;
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
}

/**
 * Replaces the wasm backend's `Slice`, `Unpack` and `SplitV` kernels (JavaScript in tfjs-backend-wasm 4.x) with
 * ones that read the input through a view of the wasm heap. Theirs read it with `readSync`, which copies the **whole**
 * input for every slice: `unstack` of a `[512, 15, 384]` tensor into 15 steps copied 15 × 11.8 MB, about 30 ms,
 * and a PianoTree GRU training step spent a quarter of its kernel time there. Values are unchanged (the same
 * elements are copied into the same outputs); string tensors keep the original path. Call after the wasm
 * backend is registered; idempotent.
 */
export function registerViewSlice(): void {
  if (registered) return;
  const sliceOf = (x: tf.TensorInfo, begin: number[], size: number[], b: WasmHeapBackend): tf.TensorInfo => {
    const out = b.makeOutput(size, x.dtype);
    // views after the allocation: growing the heap would detach earlier ones
    copyBox(b.typedArrayFromHeap(x), x.shape, begin, size, b.typedArrayFromHeap(out));
    return out;
  };
  /** Replaces the wasm kernel `name`; string tensors (input `input`) keep the original kernel. */
  const replace = (name: string, input: string, f: (x: tf.TensorInfo, attrs: Record<string, unknown>, b: WasmHeapBackend) => tf.TensorInfo | tf.TensorInfo[]) =>
    replaceWasmKernel(name, (args, original) => {
      const x = args.inputs[input] as tf.TensorInfo;
      if (x.dtype === 'string') return original.kernelFunc(args);
      return f(x, args.attrs as unknown as Record<string, unknown>, args.backend as unknown as WasmHeapBackend);
    });
  replace('Slice', 'x', (x, attrs, b) => {
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin as number[], attrs.size as number[]);
    return sliceOf(x, begin, size, b);
  });
  // tfjs-backend-wasm's SplitV (tf.split) calls its own JavaScript slice directly, not through the registry
  replace('SplitV', 'x', (x, attrs, b) => {
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits as number | number[], axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[axis] = s;
      const out = sliceOf(x, begin.slice(), size, b);
      begin[axis] += s;
      return out;
    });
  });
  replace('Unpack', 'value', (value, attrs, b) => {
    let axis = attrs.axis as number;
    if (axis < 0) axis += value.shape.length;
    const outShape = value.shape.filter((_, d) => d !== axis);
    const begin = new Array<number>(value.shape.length).fill(0);
    const size = value.shape.slice();
    size[axis] = 1;
    const outs: tf.TensorInfo[] = [];
    for (let i = 0; i < value.shape[axis]; i++) {
      begin[axis] = i;
      const o = sliceOf(value, begin, size, b);
      outs.push({ dataId: o.dataId, dtype: o.dtype, shape: outShape });
    }
    return outs;
  });
  registered = true;
}
