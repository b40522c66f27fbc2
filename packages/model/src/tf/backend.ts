import * as tf from '@tensorflow/tfjs-core';
import { registerSharingIdentity } from './wasm-identity.ts';
import { registerViewSlice } from './wasm-slice.ts';
import { registerOuterAxesSum, useRowSums } from './wasm-sum.ts';
import { loadNativeAddon, nativeGemmActive, registerNativeMatMul, requestedGemm } from './native-gemm.ts';
import { nativeGruActive, registerNativeGru, requestedNativeGru } from './native-gru.ts';

/**
 * Backends a2s can train on. `tensorflow` = tfjs-node-gpu or tfjs-node (libtensorflow); `webgpu` =
 * @tensorflow/tfjs-backend-webgpu on Dawn (the `webgpu` npm package), only when asked for by name and for the
 * bench's step (`trainStepAsync`): the trainer, data-parallel workers and decoding read tensors synchronously,
 * which webgpu under Node cannot.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgpu';

/** The packages the `webgpu` backend needs; optional, not installed by `npm ci`. */
export const WEBGPU_PACKAGES = ['webgpu@0.6.2', '@tensorflow/tfjs-backend-webgpu@4.22.0'] as const;
// names in variables: TypeScript does not resolve them, so the code typechecks without the optional packages
const DAWN_PACKAGE: string = 'webgpu';
const TFJS_WEBGPU_PACKAGE: string = '@tensorflow/tfjs-backend-webgpu';

export interface BackendInfo {
  /** What was asked for ('auto' when the fastest available was chosen). */
  requested: BackendName | 'auto';
  /** The tfjs backend name now active ('tensorflow', 'wasm', 'cpu', 'webgpu'). */
  active: string;
  /** Package that provided it. */
  provider: string;
}

let current: BackendInfo | null = null;
let runtimeReady = false;

/**
 * tfjs-core's Node bundle registers neither the gradient functions nor the chained tensor methods; the
 * `@tensorflow/tfjs` union bundle registers both into tfjs's global registries (about 1–4 s, once).
 */
export async function ensureTfRuntime(): Promise<void> {
  if (runtimeReady) return;
  await import('@tensorflow/tfjs');
  runtimeReady = true;
}

async function tryTensorflow(): Promise<string | null> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      // Optional peer dependencies: absent on most machines, so the import is expected to fail.
      await import(/* @vite-ignore */ pkg);
      if (await tf.setBackend('tensorflow')) return pkg;
    } catch {
      // not installed or libtensorflow missing: fall through to the next one
    }
  }
  return null;
}

async function tryWasm(): Promise<boolean> {
  // A2S_GEMM=openblas asks for the native products: a missing addon fails here, with how to build it
  const native = requestedGemm() === 'openblas' ? loadNativeAddon() : null;
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Under Node, emscripten reads the .wasm binary from the package's dist folder with fs; calling
    // setWasmPaths with a file path breaks it (the path goes to fetch(), which rejects it).
    void wasm;
    if (!(await tf.setBackend('wasm'))) return false;
    registerSharingIdentity();
    registerViewSlice();
    registerOuterAxesSum();
  } catch {
    return false;
  }
  if (native) {
    registerNativeMatMul(native);
    useRowSums(native.sumRows);
    if (requestedNativeGru()) registerNativeGru(native);
  }
  return true;
}

/** GPU adapter the webgpu backend runs on as Dawn describes it (vendor / architecture / description); null before it is selected. */
let webgpuAdapter: string | null = null;

/**
 * Dawn's Node binding gives a WebGPU implementation: `navigator.gpu` and the GPU* constants are set as a
 * browser has them, then tfjs-backend-webgpu registers itself and finds the adapter. Throws with the
 * install line when either package is missing, and with Dawn's reason when no adapter is found.
 */
async function tryWebgpu(): Promise<void> {
  const missing = (err: unknown) =>
    new Error(`backend "webgpu" needs ${WEBGPU_PACKAGES.join(' and ')} (npm install --no-save ${WEBGPU_PACKAGES.join(' ')}): ${(err as Error).message}`);
  let dawn: { create: (flags: string[]) => { requestAdapter(o?: object): Promise<unknown> }; globals: object };
  try {
    dawn = (await import(/* @vite-ignore */ DAWN_PACKAGE)) as typeof dawn;
  } catch (err) {
    throw missing(err);
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(process.env.A2S_DAWN_FLAGS ? process.env.A2S_DAWN_FLAGS.split(',') : []);
  // Node ≥ 21 has a navigator without gpu; Node 20 has none
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  if (!(globalThis as { navigator?: object }).navigator) Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true });
  const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) as { info?: { vendor: string; architecture: string; description: string } } | null;
  if (!adapter) throw new Error('backend "webgpu": Dawn found no GPU adapter (is a Vulkan driver and libvulkan.so.1 installed?)');
  webgpuAdapter = [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' / ') || 'unknown adapter';
  try {
    // registers the backend only if navigator.gpu exists when it is first imported
    await import(/* @vite-ignore */ TFJS_WEBGPU_PACKAGE);
  } catch (err) {
    throw missing(err);
  }
  if (!(await tf.setBackend('webgpu'))) throw new Error('backend "webgpu": tfjs-backend-webgpu could not be initialised on this adapter');
}

async function tryCpu(): Promise<boolean> {
  await import('@tensorflow/tfjs-backend-cpu');
  // the cpu backend prints a "install tfjs-node" banner on first use unless tfjs is in production mode
  tf.env().set('PROD', true);
  return tf.setBackend('cpu');
}

/**
 * Activates a tfjs backend: `tensorflow` (tfjs-node-gpu, then tfjs-node), else `wasm`, else `cpu` when
 * `requested` is 'auto'; a named backend is forced and failing to load it throws.
 */
export async function selectBackend(requested: BackendName | 'auto' = 'auto'): Promise<BackendInfo> {
  await ensureTfRuntime();
  if (current && (requested === 'auto' || current.active === requested) && tf.getBackend() === current.active) return current;
  const order: BackendName[] = requested === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [requested];
  for (const name of order) {
    if (name === 'tensorflow') {
      const pkg = await tryTensorflow();
      if (pkg) return (current = { requested, active: 'tensorflow', provider: pkg });
    } else if (name === 'wasm') {
      if (await tryWasm()) {
        const provider = nativeGemmActive()
          ? `@tensorflow/tfjs-backend-wasm, matrix products on OpenBLAS (A2S_GEMM=openblas)${nativeGruActive() ? ', fused native GRU' : ''}`
          : '@tensorflow/tfjs-backend-wasm';
        return (current = { requested, active: 'wasm', provider });
      }
    } else if (name === 'webgpu') {
      await tryWebgpu();
      return (current = { requested, active: 'webgpu', provider: `@tensorflow/tfjs-backend-webgpu on Dawn (webgpu), adapter ${webgpuAdapter}` });
    } else if (await tryCpu()) {
      return (current = { requested, active: 'cpu', provider: '@tensorflow/tfjs-backend-cpu' });
    }
  }
  throw new Error(
    requested === 'tensorflow'
      ? 'backend "tensorflow" needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node installed (npm install -w @a2s/model @tensorflow/tfjs-node)'
      : `backend "${requested}" could not be initialised`,
  );
}
