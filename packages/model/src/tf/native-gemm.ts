import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { replaceWasmKernel, type WasmHeapBackend } from './wasm-kernel.ts';

/**
 * Native matrix products for the wasm backend (opt-in: `A2S_GEMM=openblas`). XNNPACK's float32 products run on
 * wasm's 128-bit SIMD without fused multiply-add; OpenBLAS on this machine's AVX-512 cores is several times
 * faster on the same shapes (README "Native matrix products"). The addon (`native/sgemm.cc`, built by
 * `node native/build.mjs`) calls `cblas_sgemm` on views of the wasm heap: no copies, one OpenBLAS thread per
 * call, so each data-parallel worker still uses one core. The same addon holds the fused GRU kernels
 * (`native/gru.cc`, registered by `native-gru.ts`), the row sums of the `Sum` replacement (`native/sum.cc`,
 * `wasm-sum.ts`) and Adam (`native/adam.cc`, `src/train/adam.ts`). Everything else stays on wasm.
 */
export interface NativeKernels {
  /** `c[i] = op(a[i·strideA]) · op(b[i·strideB])` for `i < batch`, row-major; `op(a)` is `[m, k]`, `op(b)` `[k, n]`. */
  sgemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, batch: number, strideA: number, strideB: number): void;
  /** `out[o, j] = Σ_i x[o, i, j]` for `x` `[outer, rows, cols]`, as `wasm-sum.ts`'s `sumRows` (float64 sums, same order, same results). */
  sumRows(x: Float32Array, outer: number, rows: number, cols: number, out: Float32Array): void;
  /** `src/train/adam.ts`'s `adamUpdate`, bit-identical (`native/adam.cc`); the coefficients in the order of `AdamCoefficients`' fields. */
  adamUpdate(p: Float32Array, gs: readonly Float32Array[], m: Float32Array, v: Float32Array, c: number[], from: number, to: number): void;
  /** `src/train/adam.ts`'s `sumOfSquares`, bit-identical. */
  sumOfSquares(gs: readonly Float32Array[], from: number, to: number): number;
  /** OpenBLAS's build and the kernel it chose for this CPU. */
  config(): string;
  /**
   * A whole GRU recurrence (`native/gru.cc`): `out` `[B,T,H]` the states after each step, `gates` `[T,B,4H]`
   * (r, z, n, hp_n) and `hsave` `[T,B,H]` the states before each step, for {@link NativeKernels.gruBackward}.
   */
  gruForward(xp: Float32Array, h0: Float32Array, wh: Float32Array, bh: Float32Array, mask: Float32Array | null, out: Float32Array, gates: Float32Array, hsave: Float32Array, B: number, T: number, H: number, reverse: boolean): void;
  /** Its backward pass: the gradients of `xp` `[B,T,3H]` and `h0` `[B,H]`, and `dhp` `[T,B,3H]` (wh's gradient is hsaveᵀ·dhp). */
  gruBackward(dy: Float32Array, wh: Float32Array, mask: Float32Array | null, gates: Float32Array, hsave: Float32Array, dxp: Float32Array, dh0: Float32Array, dhp: Float32Array, B: number, T: number, H: number, reverse: boolean): void;
}

/** The addon's path (packages/model/native/build/a2s_native.node, from native/sgemm.cc, gru.cc, sum.cc and adam.cc). */
export const NATIVE_ADDON_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../native/build/a2s_native.node');

/** The values `A2S_GEMM` takes: `wasm` (XNNPACK, the default) or `openblas` (the native addon). */
export type GemmProvider = 'wasm' | 'openblas';

/** `A2S_GEMM` (unset or empty: wasm); anything else is refused, naming the variable. */
export function requestedGemm(env: NodeJS.ProcessEnv = process.env): GemmProvider {
  const v = env.A2S_GEMM ?? '';
  if (v === '' || v === 'wasm') return 'wasm';
  if (v === 'openblas') return 'openblas';
  throw new Error(`A2S_GEMM must be "wasm" or "openblas", got "${v}"`);
}

let lib: NativeKernels | null = null;
let active = false;

/** Loads the addon, or throws saying how to build it. */
export function loadNativeAddon(): NativeKernels {
  if (lib) return lib;
  try {
    lib = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeKernels;
  } catch (err) {
    throw new Error(
      `A2S_GEMM=openblas: cannot load ${NATIVE_ADDON_PATH} (${(err as Error).message.split('\n')[0]}); build it with ` +
        '`node packages/model/native/build.mjs` (needs g++ and libopenblas-dev), or unset A2S_GEMM',
    );
  }
  return lib;
}

/** Whether the wasm backend's BatchMatMul runs on the native addon in this thread. */
export function nativeGemmActive(): boolean {
  return active;
}

/** The batch shape of a product of `a` and `b` batches when the kernel takes it (equal, or one side a single matrix), else null. */
function batchShape(a: number[], b: number[]): number[] | null {
  const size = (s: number[]) => tf.util.sizeFromShape(s);
  if (a.length === b.length && a.every((d, i) => d === b[i])) return a;
  if (size(b) === 1 && a.length >= b.length) return a;
  if (size(a) === 1 && b.length >= a.length) return b;
  return null;
}

/**
 * Replaces the wasm backend's `BatchMatMul` with the native sgemm for float32 operands of rank ≥ 2 whose batch
 * dimensions are equal or broadcast from a single matrix; any other case (and a shape mismatch, which the
 * original kernel reports) keeps the wasm kernel. Results agree with XNNPACK's to float tolerance, not bit for
 * bit (another summation order). Call after the wasm backend is registered; idempotent.
 */
export function registerNativeMatMul(native: NativeKernels = loadNativeAddon()): void {
  if (active) return;
  replaceWasmKernel('BatchMatMul', (args, original) => {
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return original.kernelFunc(args);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const batch = batchShape(batchA, batchB);
    if (k !== kb || batch === null) return original.kernelFunc(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const out = backend.makeOutput([...batch, m, n], 'float32');
    const count = tf.util.sizeFromShape(batch);
    if (count * m * n === 0) return out;
    // views after the allocation: growing the heap detaches earlier ones
    native.sgemm(
      backend.typedArrayFromHeap(a) as Float32Array,
      backend.typedArrayFromHeap(b) as Float32Array,
      backend.typedArrayFromHeap(out) as Float32Array,
      m,
      n,
      k,
      transposeA,
      transposeB,
      count,
      tf.util.sizeFromShape(batchA) === 1 ? 0 : m * k,
      tf.util.sizeFromShape(batchB) === 1 ? 0 : k * n,
    );
    return out;
  });
  active = true;
}
