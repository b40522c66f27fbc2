import * as tf from '@tensorflow/tfjs-core';
import { loadNativeAddon, type NativeKernels } from './native-gemm.ts';
import type { WasmHeapBackend } from './wasm-kernel.ts';

/**
 * Fused GRU kernels on the native addon (`native/gru.cc`), with the native products (`A2S_GEMM=openblas`):
 * a whole recurrence, or one cell, forward and backward, each one kernel. Run as tfjs ops, a GRU step is a dozen
 * small wasm kernels forward and about twenty-five backward, each with its per-op cost; these do a step's gates
 * in one pass over the rows. `src/nn/gru-sequence.ts` and `gruCell` (`src/nn/layers.ts`) use them when
 * {@link nativeGruActive}; their values agree with the tfjs ops to float tolerance (tested), not bit for bit.
 *
 * `A2S_NATIVE_GRU=0` keeps the GRU on tfjs ops with native products (to measure the two apart); `1` or unset
 * fuses it whenever the native products are on.
 */

/** Kernel names on the wasm backend. */
export const GRU_FORWARD = 'A2sGruForward';
export const GRU_BACKWARD = 'A2sGruBackward';

/** `A2S_NATIVE_GRU`: unset, empty or `1` fuses the GRU when the native products are on; `0` does not; anything else is refused by name. */
export function requestedNativeGru(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.A2S_NATIVE_GRU ?? '';
  if (v === '' || v === '1') return true;
  if (v === '0') return false;
  throw new Error(`A2S_NATIVE_GRU must be "0" or "1", got "${v}"`);
}

let registered = false;
let active = false;

/** Whether the GRU ops run on the fused native kernels in this thread. */
export function nativeGruActive(): boolean {
  return active && tf.getBackend() === 'wasm';
}

/** Turns the fused kernels off and on again after {@link registerNativeGru} (to compare the two paths in one thread). */
export function setNativeGru(on: boolean): void {
  if (on && !registered) throw new Error('setNativeGru: registerNativeGru() first');
  active = on;
}

type Views = (Float32Array | null)[];

/**
 * Registers kernel `name` on the wasm backend: its float32 inputs, in `order` (a missing `mask` is null), give
 * `[B, T, H]` by `dims`; it allocates float32 outputs of `outShapes(B, T, H)` and `run` fills them from views of
 * the inputs followed by the outputs (taken after every allocation: growing the heap detaches earlier views).
 */
function registerGruKernel(name: string, order: string[], dims: (shape: (k: string) => number[]) => [number, number, number], outShapes: (B: number, T: number, H: number) => number[][], run: (v: Views, B: number, T: number, H: number, reverse: boolean) => void): void {
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const ins = order.map((k) => (inputs as Record<string, tf.TensorInfo | undefined>)[k]);
      ins.forEach((t, i) => {
        if (t && t.dtype !== 'float32') throw new Error(`${name}: input ${order[i]} must be float32, got ${t.dtype}`);
      });
      const [B, T, H] = dims((k) => ins[order.indexOf(k)]!.shape);
      const be = backend as unknown as WasmHeapBackend;
      const outs = outShapes(B, T, H).map((shape) => be.makeOutput(shape, 'float32'));
      const view = (t: tf.TensorInfo | undefined) => (t ? (be.typedArrayFromHeap(t) as Float32Array) : null);
      run([...ins, ...outs].map(view), B, T, H, !!(attrs as { reverse?: boolean }).reverse);
      return outs;
    },
  });
}

/**
 * Registers the two kernels on the wasm backend (idempotent). Forward: inputs `xp` `[B,T,3H]`, `h0` `[B,H]`, `wh`
 * `[H,3H]`, `bh` `[3H]`, optional `mask` `[B,T]`; attr `reverse`; outputs `out` `[B,T,H]`, `gates` `[T,B,4H]`,
 * `hsave` `[T,B,H]`. Backward: inputs `dy`, `wh`, optional `mask`, `gates`, `hsave`; outputs `dxp` `[B,T,3H]`, `dh0`
 * `[B,H]`, `dhp` `[T,B,3H]`.
 */
export function registerNativeGru(native: NativeKernels = loadNativeAddon()): void {
  active = true;
  if (registered) return;
  registerGruKernel(
    GRU_FORWARD,
    ['xp', 'h0', 'wh', 'bh', 'mask'],
    (shape) => {
      const [B, T, H3] = shape('xp');
      return [B, T, H3 / 3];
    },
    (B, T, H) => [[B, T, H], [T, B, 4 * H], [T, B, H]],
    (v, B, T, H, reverse) => native.gruForward(v[0]!, v[1]!, v[2]!, v[3]!, v[4], v[5]!, v[6]!, v[7]!, B, T, H, reverse),
  );
  registerGruKernel(
    GRU_BACKWARD,
    ['dy', 'wh', 'mask', 'gates', 'hsave'],
    (shape) => shape('dy') as [number, number, number],
    (B, T, H) => [[B, T, 3 * H], [B, H], [T, B, 3 * H]],
    (v, B, T, H, reverse) => native.gruBackward(v[0]!, v[1]!, v[2], v[3]!, v[4]!, v[5]!, v[6]!, v[7]!, B, T, H, reverse),
  );
  registered = true;
}

/** The forward kernel: `[out, gates, hsave]`. */
export function nativeGruForward(xp: tf.Tensor3D, h0: tf.Tensor2D, wh: tf.Tensor2D, bh: tf.Tensor1D, mask: tf.Tensor2D | undefined, reverse: boolean): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  const inputs: Record<string, tf.Tensor> = { xp, h0, wh, bh };
  if (mask) inputs.mask = mask;
  return tf.engine().runKernel(GRU_FORWARD, inputs as unknown as tf.NamedTensorMap, { reverse } as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
}

/** The backward kernel: `[dxp, dh0, dhp]`. */
export function nativeGruBackward(dy: tf.Tensor3D, wh: tf.Tensor2D, mask: tf.Tensor2D | undefined, gates: tf.Tensor3D, hsave: tf.Tensor3D, reverse: boolean): [tf.Tensor3D, tf.Tensor2D, tf.Tensor3D] {
  const inputs: Record<string, tf.Tensor> = { dy, wh, gates, hsave };
  if (mask) inputs.mask = mask;
  return tf.engine().runKernel(GRU_BACKWARD, inputs as unknown as tf.NamedTensorMap, { reverse } as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor3D, tf.Tensor2D, tf.Tensor3D];
}
