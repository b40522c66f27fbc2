/**
 * Training throughput: segments/s, peak memory and time per module for a preset on a backend, on synthetic
 * batches (the numbers do not depend on the data). Usage:
 *   npx tsx bench/train-bench.ts [--preset small] [--backend wasm] [--batch 64] [--steps 5] [--frames 128] [--bins 84] [--modules true]
 *     [--slot-context independent|causal]   (the parallel decoder's parallel.slotContext; default: the preset's)
 * `--steps 0 --modules false` times the first (warm-up) step only: for slow combinations (paper on cpu).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { selectBackend, type BackendName } from '../src/tf/backend.ts';
import { ModelConfigSchema } from '../src/config/model-config.ts';
import { MODEL_PRESETS, type PresetName } from '../src/config/presets.ts';
import { buildModel } from '../src/net/model.ts';
import { batchToInputs, disposeInputs } from '../src/net/inputs.ts';
import { SYNTHETIC_KNOBS, syntheticBatch } from '../src/testing/synthetic.ts';
import { Adam } from '../src/train/adam.ts';
import { trainStep } from '../src/train/step.ts';
import { encodeAudio, encodeChords, encodeSymbolic } from '../src/net/encoders.ts';
import { decodeChords, decodeFeatures } from '../src/net/aux-decoders.ts';
import { decodeTreeTrain } from '../src/net/pianotree.ts';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const preset = arg('preset', 'small') as PresetName;
const backendName = arg('backend', 'wasm') as BackendName;
const B = Number(arg('batch', '64'));
const steps = Number(arg('steps', '5'));
const frames = Number(arg('frames', '128'));
const bins = Number(arg('bins', '84'));
const withModules = arg('modules', 'true') !== 'false';
const slotContext = arg('slot-context', '');

const backend = await selectBackend(backendName);
const presetCfg = MODEL_PRESETS[preset];
const cfg = ModelConfigSchema.parse({
  ...presetCfg,
  audioFrames: frames,
  audioBins: bins,
  ...(slotContext ? { parallel: { ...presetCfg.parallel, slotContext } } : {}),
});
const model = buildModel(cfg, 1);
const adam = new Adam();
const rng = createRng(1);
const knobs = SYNTHETIC_KNOBS;
let peakRss = 0;
let peakTfBytes = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  peakTfBytes = Math.max(peakTfBytes, tf.memory().numBytes);
};
const batch = syntheticBatch({ size: B, audioFrames: frames, audioBins: bins, seed: 1 });
const inputs = batchToInputs(batch);
const times: number[] = [];
let firstStepMs = 0;
for (let i = 0; i <= steps; i++) {
  const t0 = performance.now();
  trainStep(model, adam, inputs, knobs, rng, { lr: 1e-4, clipNorm: 3 });
  sample();
  if (i > 0) times.push(performance.now() - t0);
  else firstStepMs = performance.now() - t0; // step 0 also warms up kernels and creates Adam's slots
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)] ?? NaN;

/** Forward + backward time of one module, with a sum of its outputs as the loss. */
function moduleMs(f: () => tf.Tensor[]): number {
  const run = () => {
    const { value, grads } = tf.variableGrads(() => tf.addN(f().map((t) => tf.sum(t))) as tf.Scalar, model.params.list());
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  run();
  const t0 = performance.now();
  run();
  sample();
  return performance.now() - t0;
}
const zDim = (model.chdEnc ? cfg.zChd : 0) + cfg.zAud + (model.symEnc ? cfg.zSym : 0);
const split: Record<string, number> = {};
if (withModules) {
  split.audioEncoder = moduleMs(() => [encodeAudio(model.audEnc, inputs.audio).mu]);
  if (model.chdEnc) split.chordEncoder = moduleMs(() => [encodeChords(model.chdEnc!, inputs.chords).mu]);
  if (model.symEnc) split.symbolicEncoder = moduleMs(() => [encodeSymbolic(model.symEnc!, inputs.pianoRoll).mu]);
  if (model.chdDec) split.chordDecoder = moduleMs(() => Object.values(decodeChords(model.chdDec!, tf.ones([B, cfg.zChd]).mul(0.1), inputs.chords, 0.5, rng)));
  if (model.featDec) split.featureDecoder = moduleMs(() => [decodeFeatures(model.featDec!, tf.ones([B, cfg.zAud]).mul(0.1), inputs.aux, 0.8, rng)]);
  const featEmb = model.featEmb ? tf.zeros([B, 32, cfg.featEmb]) as tf.Tensor3D : null;
  split.pianoTreeDecoder = moduleMs(() => Object.values(decodeTreeTrain(model.treeDec, tf.ones([B, zDim]).mul(0.1) as tf.Tensor2D, featEmb, inputs, 0.8, rng)));
}
disposeInputs(inputs);

const result = {
  preset,
  decoder: cfg.decoder === 'parallel' ? `parallel (${cfg.parallel.slotContext})` : cfg.decoder,
  backend: backend.active,
  parameters: model.params.count(),
  batch: B,
  audio: [frames, bins],
  firstStepMs: Math.round(firstStepMs),
  stepMsMedian: Math.round(median),
  segmentsPerSec: Number(((B * 1000) / median).toFixed(1)),
  peakRssMiB: Math.round(peakRss / 2 ** 20),
  peakTensorMiB: Math.round(peakTfBytes / 2 ** 20),
  moduleForwardBackwardMs: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, Math.round(v)])),
  steps: times.length,
};
console.log(JSON.stringify(result, null, 2));
