import * as tf from '@tensorflow/tfjs-core';
import { nativeGemmActive } from '../tf/native-gemm.ts';

/** Whether products run on the native addon (A2S_GEMM=openblas), which takes transposes as arguments. */
const nativeProducts = (): boolean => tf.getBackend() === 'wasm' && nativeGemmActive();

/** Rows per block of {@link weightGradient} on the wasm backend. */
export const WEIGHT_GRADIENT_BLOCK_ROWS = 256;

/**
 * `aᵀ · dy` for `a` `[R, M]` and `dy` `[R, N]` (a weight gradient: R rows of inputs and of output gradients),
 * computed with an explicit transpose and plain matmuls. On the wasm backend with more than
 * {@link WEIGHT_GRADIENT_BLOCK_ROWS} rows it is the sum of the products of blocks of that many rows. XNNPACK
 * multiplies without blocking the shared dimension and packs its right-hand operand on every call (here a
 * fresh gradient), so one product over thousands of rows runs out of cache. Measured with fresh operands on a
 * quiet machine: `[32768, 64]ᵀ·[32768, 192]` 150.9 ms in one product, 54.7 ms in blocks of 256 rows;
 * `[2048, 128]ᵀ·[2048, 384]` 19.4 → 11.2 ms; `[2048, 768]ᵀ·[2048, 256]` 41.7 → 32.7 ms (blocks of 512 and
 * 1,024 rows were no better, 128 mixed). The blocked sum
 * adds in a different order, so it agrees with one product to float tolerance, not bit for bit.
 */
export function weightGradient(a: tf.Tensor2D, dy: tf.Tensor2D): tf.Tensor2D {
  const [rows, m] = a.shape;
  const n = dy.shape[1];
  const block = WEIGHT_GRADIENT_BLOCK_ROWS;
  // the native product (A2S_GEMM=openblas) transposes and blocks by itself
  if (nativeProducts()) return tf.matMul(a, dy, true, false);
  if (rows <= block || tf.getBackend() !== 'wasm') return tf.tidy(() => tf.matMul(tf.transpose(a), dy));
  let acc: tf.Tensor2D | null = null;
  for (let r = 0; r < rows; r += block) {
    const size = Math.min(block, rows - r);
    const part = tf.tidy(() => tf.matMul(tf.transpose(a.slice([r, 0], [size, m])), dy.slice([r, 0], [size, n]))) as tf.Tensor2D;
    if (acc === null) acc = part;
    else {
      const sum = tf.add(acc, part) as tf.Tensor2D;
      tf.dispose([acc, part]);
      acc = sum;
    }
  }
  return acc!;
}

/**
 * `a @ b` whose gradients use explicit transposes and plain matmuls. The wasm backend's BatchMatMul with
 * transposeA/transposeB (what tfjs's own MatMul gradient uses) runs 10–40× slower than a transpose followed by
 * a plain matmul (measured: [2048,768]ᵀ@[2048,256] 1387 ms vs 133 ms; [2048,256]@[768,256]ᵀ 988 ms vs 25 ms).
 */
const matMulFastImpl = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dx = nativeProducts() ? tf.matMul(dy as tf.Tensor2D, sb, false, true) : tf.matMul(dy as tf.Tensor2D, tf.transpose(sb));
      return [dx, weightGradient(sa, dy as tf.Tensor2D)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

export function matMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matMulFastImpl(a, b) as tf.Tensor2D;
}

/**
 * `a @ b` for a recurrent weight `b` used at every step, with `bT` = transpose(b) computed once per pass.
 * Besides saving the transposes, this matters for memory on wasm: XNNPACK packs (and keeps, while the tensor
 * lives) every new right-hand matrix, so a fresh transpose per step held 32 packed copies of each weight.
 */
export function matMulShared(a: tf.Tensor2D, b: tf.Tensor2D, bT: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
    // bT is not an input (no gradient flows into it) but must outlive the forward pass: save() keeps it
    save([x, bT]);
    return {
      value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
        tf.matMul(dy as tf.Tensor2D, saved[1] as tf.Tensor2D),
        weightGradient(saved[0] as tf.Tensor2D, dy as tf.Tensor2D),
      ],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(a, b) as tf.Tensor2D;
}

/**
 * Rows `idx` of `x` `[N, D]`. tfjs's gather gradient needs UnsortedSegmentSum, which the wasm backend lacks;
 * with distinct indices a ScatterNd is the same thing.
 */
const gatherRowsImpl = tf.customGrad(((x: tf.Tensor, idx: tf.Tensor, save: tf.GradSaveFunc) => {
  save([idx]);
  const [n, d] = x.shape as [number, number];
  return {
    value: tf.gather(x, idx as tf.Tensor1D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [i] = saved;
      return [tf.scatterND(tf.reshape(i, [-1, 1]), dy, [n, d]), tf.zerosLike(i)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** Gathers distinct rows `idx` (int32 `[M]`) of `x` `[N, D]` → `[M, D]`, differentiable on every backend. */
export function gatherRows(x: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor2D {
  return gatherRowsImpl(x, idx) as tf.Tensor2D;
}
