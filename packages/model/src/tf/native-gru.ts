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

const f32 = (backend: WasmHeapBackend, t: tf.TensorInfo | undefined): Float32Array | null => (t ? (backend.typedArrayFromHeap(t) as Float32Array) : null);

function requireFloat(name: string, inputs: Record<string, tf.TensorInfo | undefined>): void {
  for (const [k, t] of Object.entries(inputs)) {
    if (t && t.dtype !== 'float32') throw new Error(`${name}: input ${k} must be float32, got ${t.dtype}`);
  }
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
  tf.registerKernel({
    kernelName: GRU_FORWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { xp, h0, wh, bh, mask } = inputs as Record<string, tf.TensorInfo | undefined>;
      requireFloat(GRU_FORWARD, { xp, h0, wh, bh, mask });
      const [B, T, H3] = xp!.shape;
      const H = H3 / 3;
      const be = backend as unknown as WasmHeapBackend;
      const out = be.makeOutput([B, T, H], 'float32');
      const gates = be.makeOutput([T, B, 4 * H], 'float32');
      const hsave = be.makeOutput([T, B, H], 'float32');
      // views after every allocation: growing the heap detaches earlier ones
      native.gruForward(f32(be, xp)!, f32(be, h0)!, f32(be, wh)!, f32(be, bh)!, f32(be, mask), f32(be, out)!, f32(be, gates)!, f32(be, hsave)!, B, T, H, !!(attrs as { reverse?: boolean }).reverse);
      return [out, gates, hsave];
    },
  });
  tf.registerKernel({
    kernelName: GRU_BACKWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, wh, mask, gates, hsave } = inputs as Record<string, tf.TensorInfo | undefined>;
      requireFloat(GRU_BACKWARD, { dy, wh, mask, gates, hsave });
      const [B, T, H] = dy!.shape;
      const be = backend as unknown as WasmHeapBackend;
      const dxp = be.makeOutput([B, T, 3 * H], 'float32');
      const dh0 = be.makeOutput([B, H], 'float32');
      const dhp = be.makeOutput([T, B, 3 * H], 'float32');
      native.gruBackward(f32(be, dy)!, f32(be, wh)!, f32(be, mask), f32(be, gates)!, f32(be, hsave)!, f32(be, dxp)!, f32(be, dh0)!, f32(be, dhp)!, B, T, H, !!(attrs as { reverse?: boolean }).reverse);
      return [dxp, dh0, dhp];
    },
  });
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
