/**
 * One thread of train-bench's "independent threads" row: its own backend and model, plain single-thread
 * training steps on its own synthetic batch, no communication with the others. N of them side by side
 * measure what N cores give this workload at all (shared caches, memory bandwidth, SMT siblings), the
 * ceiling of any data-parallel scheme on the machine.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRng } from '@a2s/dataset';
import { selectBackend, type BackendName } from '../src/tf/backend.ts';
import type { ModelConfig } from '../src/config/model-config.ts';
import { buildModel } from '../src/net/model.ts';
import { batchToInputs, disposeInputs } from '../src/net/inputs.ts';
import { SYNTHETIC_KNOBS, syntheticBatch } from '../src/testing/synthetic.ts';
import { Adam } from '../src/train/adam.ts';
import { trainStep } from '../src/train/step.ts';

const d = workerData as { cfg: ModelConfig; backend: BackendName; size: number; frames: number; bins: number; steps: number; start: SharedArrayBuffer; seed: number };
await selectBackend(d.backend);
const model = buildModel(d.cfg, 1);
const adam = new Adam();
const rng = createRng(d.seed);
const batch = syntheticBatch({ size: d.size, audioFrames: d.frames, audioBins: d.bins, seed: d.seed });
const step = () => {
  const inputs = batchToInputs(batch);
  trainStep(model, adam, inputs, SYNTHETIC_KNOBS, rng, { lr: 1e-4, clipNorm: 3 });
  disposeInputs(inputs);
};
step(); // warm-up
// every thread starts timing together
const start = new Int32Array(d.start);
Atomics.add(start, 0, 1);
Atomics.notify(start, 0);
while (Atomics.load(start, 1) === 0) Atomics.wait(start, 1, 0, 100);
const times: number[] = [];
const t0 = performance.now();
for (let i = 0; i < d.steps; i++) {
  const t = performance.now();
  step();
  times.push(performance.now() - t);
}
parentPort!.postMessage({ times, totalMs: performance.now() - t0 });
