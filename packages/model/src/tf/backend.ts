import * as tf from '@tensorflow/tfjs-core';
import { registerSharingIdentity } from './wasm-identity.ts';
import { registerViewSlice } from './wasm-slice.ts';
import { registerOuterAxesSum, useRowSums } from './wasm-sum.ts';
import { loadNativeAddon, nativeGemmActive, registerNativeMatMul, requestedGemm } from './native-gemm.ts';
import { nativeGruActive, registerNativeGru, requestedNativeGru } from './native-gru.ts';

/** Backends a2s can train on, fastest first. `tensorflow` = tfjs-node-gpu or tfjs-node (libtensorflow). */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** What was asked for ('auto' when the fastest available was chosen). */
  requested: BackendName | 'auto';
  /** The tfjs backend name now active ('tensorflow', 'wasm', 'cpu'). */
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
