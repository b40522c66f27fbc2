/**
 * A data-parallel training worker: its own tfjs backend and copy of the model. Per step it loads the trainer's
 * weights, runs forward + backward over its shards and writes their summed gradient for the trainer to add up.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from '../../tf/backend.ts';
import { buildModel } from '../../net/model.ts';
import { accumulateShards } from './accumulate.ts';
import { paramLayout } from './layout.ts';
import { threadCpuMs } from './thread-cpu.ts';
import type { StepRequest, WorkerInit, WorkerReply } from './protocol.ts';

const port = parentPort!;
const init = workerData as WorkerInit;
const reply = (r: WorkerReply): void => port.postMessage(r);

await selectBackend(init.backend as BackendName);
const model = buildModel(init.modelConfig, init.seed);
const layout = paramLayout(model);
const weights = new Float32Array(init.weights);
const grads = new Float32Array(init.grads);

function step(req: StepRequest): WorkerReply {
  const cpu0 = threadCpuMs();
  for (const s of layout.slots) {
    const v = model.params.vars.get(s.name)!;
    tf.tidy(() => v.assign(tf.tensor(weights.slice(s.offset, s.offset + s.size), s.shape)));
  }
  const sums = accumulateShards(model, req.shards, req.whole, req.knobs, req.stepSeed);
  const reached = layout.slots.map((s) => {
    const g = sums.grads.get(s.varName);
    if (g) grads.set(g.dataSync() as Float32Array, s.offset);
    return g !== undefined;
  });
  for (const g of sums.grads.values()) g.dispose();
  const cpu1 = threadCpuMs();
  return { type: 'done', losses: sums.losses, reached, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

port.on('message', (req: StepRequest) => {
  try {
    reply(step(req));
  } catch (err) {
    reply({ type: 'failed', message: (err as Error).message ?? String(err) });
  }
});
reply({ type: 'ready', total: layout.total });
