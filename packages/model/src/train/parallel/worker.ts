/**
 * A data-parallel training worker: its own tfjs backend and copy of the model. Per step it loads the shared
 * weights, runs forward + backward over its shards and writes their summed gradient; after a barrier with
 * the other workers it sums every worker's gradient over its own part of the parameters and runs Adam there,
 * in place in shared memory (shared.ts). Every worker computes the same global norm from the partial sums.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from '../../tf/backend.ts';
import { buildModel } from '../../net/model.ts';
import { adamCoefficients, adamKernels } from '../adam.ts';
import { LOSS_TERMS } from '../step.ts';
import { accumulateShards } from './accumulate.ts';
import { paramLayout } from './layout.ts';
import { threadCpuMs } from './thread-cpu.ts';
import { adamRanges, abortWorkers, barrier, sharedViews, StepAborted } from './shared.ts';
import { wallMs, type StepRequest, type WorkerInit, type WorkerReply } from './protocol.ts';

const port = parentPort!;
const init = workerData as WorkerInit;
const reply = (r: WorkerReply): void => port.postMessage(r);

await selectBackend(init.backend as BackendName);
const model = buildModel(init.modelConfig, init.seed);
const layout = paramLayout(model);
const workers = init.buffers.grads.length;
const shared = sharedViews(init.buffers, layout, workers, LOSS_TERMS.length);
const rank = init.rank;
const slots = layout.slots.length;
const terms = LOSS_TERMS.length;
const ranges = new Map<number, [number, number]>();
const { adamUpdate, sumOfSquares } = adamKernels();

function step(req: StepRequest): WorkerReply {
  const received = wallMs();
  const cpu0 = threadCpuMs();
  const n = req.participants;
  for (const s of layout.slots) {
    const v = model.params.vars.get(s.name)!;
    tf.tidy(() => v.assign(tf.tensor(shared.weights.subarray(s.offset, s.offset + s.size), s.shape)));
  }
  const weightsLoaded = wallMs();
  const sums = accumulateShards(model, req.shards, req.whole, req.knobs, req.stepSeed);
  const gradsComputed = wallMs();
  const mine = shared.grads[rank];
  const reached = layout.slots.map((s, j) => {
    const g = sums.grads.get(s.varName);
    if (g) mine.set(g.dataSync() as Float32Array, s.offset);
    shared.reached[rank * slots + j] = g ? 1 : 0;
    return g !== undefined;
  });
  for (const g of sums.grads.values()) g.dispose();
  LOSS_TERMS.forEach((k, i) => (shared.floats[rank * (terms + 1) + i] = sums.losses[k]));

  barrier(shared, n);
  const allGrads = wallMs();
  // this worker's parameters; each one's gradient is the sum of the workers' that reached it, in worker order
  let range = ranges.get(n);
  if (!range) {
    range = adamRanges(layout, n)[rank];
    ranges.set(n, range);
  }
  const gradsOf = (j: number) => shared.grads.filter((_, w) => w < n && shared.reached[w * slots + j] === 1);
  let partial = 0;
  for (let j = range[0]; j < range[1]; j++) {
    const gs = gradsOf(j);
    if (gs.length) partial += sumOfSquares(gs, layout.slots[j].offset, layout.slots[j].offset + layout.slots[j].size);
  }
  shared.floats[rank * (terms + 1) + terms] = partial;
  barrier(shared, n);
  let sq = 0;
  let finite = true;
  let anyReached = false;
  for (let w = 0; w < n; w++) {
    sq += shared.floats[w * (terms + 1) + terms];
    for (let i = 0; i < terms; i++) finite &&= Number.isFinite(shared.floats[w * (terms + 1) + i]);
  }
  for (let j = 0; j < slots && !anyReached; j++) for (let w = 0; w < n; w++) anyReached ||= shared.reached[w * slots + j] === 1;
  const gradNorm = Math.sqrt(sq);
  const applied = finite && Number.isFinite(gradNorm) && anyReached;
  if (applied) {
    const scale = req.clipNorm > 0 && gradNorm > req.clipNorm ? req.clipNorm / (gradNorm + 1e-6) : 1;
    const c = adamCoefficients(req.adamStep, req.lr, scale, req.beta1, req.beta2, req.eps);
    for (let j = range[0]; j < range[1]; j++) {
      const gs = gradsOf(j);
      const s = layout.slots[j];
      if (gs.length) adamUpdate(shared.weights, gs, shared.m, shared.v, c, s.offset, s.offset + s.size);
    }
  }
  const updated = wallMs();
  const cpu1 = threadCpuMs();
  return {
    type: 'done',
    losses: sums.losses,
    reached,
    gradNorm,
    applied,
    cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
    marks: { received, weightsLoaded, gradsComputed, allGrads, updated },
  };
}

port.on('message', (req: StepRequest) => {
  try {
    reply(step(req));
  } catch (err) {
    // the others must not wait at the barrier for this worker
    const aborted = err instanceof StepAborted;
    if (!aborted) abortWorkers(shared);
    reply({ type: 'failed', message: (err as Error).message ?? String(err), aborted });
  }
});
reply({ type: 'ready', total: layout.total });
