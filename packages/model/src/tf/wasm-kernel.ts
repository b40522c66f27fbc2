import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's backend that kernels reading the heap directly use. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view of the tensor's bytes in the wasm heap; allocating (makeOutput) may detach earlier views. */
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * Replaces the wasm backend's kernel `name` with `f`, which receives the kernel it replaces to fall back on for
 * the cases it does not take over. Does nothing when the backend has no such kernel.
 */
export function replaceWasmKernel(name: string, f: (args: KernelArgs, original: tf.KernelConfig) => tf.TensorInfo | tf.TensorInfo[]): void {
  const original = tf.getKernel(name, 'wasm');
  if (!original) return;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: (args) => f(args, original) });
}
