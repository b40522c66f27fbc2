/**
 * Where one training step's time goes: a kernel profile (`tf.profile`, summed by kernel name over 3 steps) and the
 * median wall time of the step's parts outside it (building the input tensors, Adam). Synthetic batch, 128 frames ×
 * 84 bins, one thread, the backend `selectBackend` picks (set `A2S_GEMM=openblas` for the native kernels).
 *
 *   npx tsx packages/model/bench/profile-step.ts [--model anchor|tiny|small|paper] [--batch 16] [--backend auto|wasm|cpu|webgpu]
 *
 * `--backend webgpu` (README "On a GPU") profiles the asynchronous step (`trainStepAsync`, Adam timed around
 * `applyAsync`); on webgpu a kernel's time is what the backend reports (GPU timestamps where the adapter has them).
 *
 * `anchor` is bench/torch-anchor.json (the PyTorch comparison's architecture). Profiled steps run slower than plain
 * ones; compare shares, not absolute times. customGrad ops (matmuls, GRU sequences) also appear as a row named
 * `forward` (their scope) whose time is their kernels', listed again under their own names: that row is printed
 * but left out of the total and the shares.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { selectBackend, type BackendName } from '../src/tf/backend.ts';
import { ModelConfigSchema } from '../src/config/model-config.ts';
import { resolveTrainConfig } from '../src/config/train-config.ts';
import { MODEL_PRESETS, type PresetName } from '../src/config/presets.ts';
import { buildModel } from '../src/net/model.ts';
import { batchToInputs, disposeInputs } from '../src/net/inputs.ts';
import { SYNTHETIC_KNOBS, syntheticBatch } from '../src/testing/synthetic.ts';
import { Adam } from '../src/train/adam.ts';
import { trainStep, trainStepAsync } from '../src/train/step.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
};
const which = arg('model', 'anchor');
const B = Number(arg('batch', '16'));
if (!Number.isInteger(B) || B < 1) throw new Error(`--batch must be a positive integer, got "${arg('batch', '16')}"`);
if (which !== 'anchor' && !(which in MODEL_PRESETS)) throw new Error(`--model must be anchor or one of ${Object.keys(MODEL_PRESETS).join(', ')}, got "${which}"`);

const backend = await selectBackend(arg('backend', 'auto') as BackendName | 'auto').catch((err: Error) => {
  // a backend that cannot load (webgpu without its optional packages, no adapter): its message, no stack
  console.error(err.message);
  process.exit(2);
});
const gpu = backend.active === 'webgpu';
const base =
  which === 'anchor'
    ? resolveTrainConfig(JSON.parse(readFileSync(path.join(import.meta.dirname, 'torch-anchor.json'), 'utf8'))).model
    : MODEL_PRESETS[which as PresetName];
const model = buildModel(ModelConfigSchema.parse({ ...base, audioFrames: 128, audioBins: 84 }), 1);
const adam = new Adam();
const rng = createRng(1);
const batch = syntheticBatch({ size: B, audioFrames: 128, audioBins: 84, seed: 1 });

// the parts outside the kernels: input tensors and Adam (timed around Adam.apply, or applyAsync on webgpu)
const parts: Record<'inputs' | 'adam' | 'step', number[]> = { inputs: [], adam: [], step: [] };
/** `f` timed into parts.adam; a promise is timed until it settles. */
const timedAdam = <A extends unknown[], R>(f: (...a: A) => R) => (...a: A): R => {
  const t = performance.now();
  const r = f(...a);
  const done = () => parts.adam.push(performance.now() - t);
  if (r instanceof Promise) return r.finally(done) as R;
  done();
  return r;
};
adam.apply = timedAdam(adam.apply.bind(adam));
adam.applyAsync = timedAdam(adam.applyAsync.bind(adam));
const step = async () => {
  let t = performance.now();
  const inputs = batchToInputs(batch);
  parts.inputs.push(performance.now() - t);
  t = performance.now();
  if (gpu) await trainStepAsync(model, adam, inputs, SYNTHETIC_KNOBS, rng, { lr: 1e-4, clipNorm: 3 });
  else trainStep(model, adam, inputs, SYNTHETIC_KNOBS, rng, { lr: 1e-4, clipNorm: 3 });
  parts.step.push(performance.now() - t);
  disposeInputs(inputs);
};
for (let i = 0; i < 8; i++) await step(); // two warm-up steps, then six timed ones
const median = (a: number[]) => [...a.slice(2)].sort((x, y) => x - y)[(a.length - 2) >> 1];

const byKernel = new Map<string, { ms: number; calls: number }>();
const PROFILED = 3;
for (let i = 0; i < PROFILED; i++) {
  const p = await tf.profile(step);
  for (const k of p.kernels) {
    const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    // a backend without a kernel timer reports an error object instead of a number
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    e.calls++;
    byKernel.set(k.name, e);
  }
}
const OVERLAP = 'forward';
const total = [...byKernel].reduce((s, [name, e]) => s + (name === OVERLAP ? 0 : e.ms), 0);
console.log(
  JSON.stringify(
    {
      model: which,
      batch: B,
      provider: backend.provider,
      medianMs: { step: median(parts.step), inputs: median(parts.inputs), adam: median(parts.adam) },
      kernelMsPerStep: Math.round(total / PROFILED),
      kernelCallsPerStep: Math.round([...byKernel].reduce((n, [name, e]) => n + (name === OVERLAP ? 0 : e.calls), 0) / PROFILED),
      kernels: [...byKernel]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 20)
        .map(([name, e]) => ({ name, msPerStep: Number((e.ms / PROFILED).toFixed(1)), callsPerStep: Math.round(e.calls / PROFILED), share: name === OVERLAP ? null : Number((e.ms / total).toFixed(3)) })),
      loadAverage: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(2))),
    },
    null,
    2,
  ),
);
