import * as tf from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  incRef(dataId: object): void;
  readSync(dataId: object): unknown;
}

let registered = false;

/**
 * Replaces the wasm backend's Identity kernel, which copies its input, with one that shares the input's data
 * (reference counted, as the wasm Reshape kernel does). tfjs runs Identity (`engine.clone`) on every tensor an
 * op saves for its gradient, so in training every matmul copied its weight matrix (a recurrent layer: once per
 * step), and XNNPACK packed each copy again when the backward pass used it: for `paper` that was ~14 MiB per
 * GRU step, about 1.8 GiB of copies in one forward pass at batch 2, and the wasm heap ran out ("XNN status 6")
 * in the second step. tfjs tensors are immutable, so sharing changes no value. Call after the wasm backend is
 * registered; idempotent.
 */
export function registerSharingIdentity(): void {
  if (registered) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      const b = backend as unknown as WasmBackendLike;
      if (x.dtype === 'string') return tf.tensor(b.readSync(x.dataId) as Uint8Array[], x.shape, x.dtype);
      b.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  registered = true;
}
