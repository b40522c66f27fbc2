/**
 * Training throughput: segments/s, peak memory and time per module for a preset on a backend, on synthetic
 * batches (the numbers do not depend on the data). Usage:
 *   npx tsx bench/train-bench.ts [--preset small] [--backend wasm] [--batch 64] [--steps 5] [--frames 128] [--bins 84] [--modules true]
 *     [--slot-context independent|causal-pitch]   (the parallel decoder's parallel.slotContext; default: the preset's)
 *     [--config <train config .json>]        (model overrides of a training config, e.g. bench/torch-anchor.json)
 *     [--workers 1,2]                        (one row per worker count, one after the other in this run; default 1 and the core count)
 *     [--micro-batch N]                      (gradient accumulation over micro-batches of N segments)
 *     [--torch true]                         (also time the same architecture in PyTorch: bench/torch-reference.py, needs --config)
 *     [--gemm true]                          (also time the GRU PianoTree's three main matrix products at the config's widths, on
 *                                             our backend and, with --torch, in PyTorch on one thread: GFLOP/s side by side)
 *     [--independent N]                      (also run N independent threads, each a plain one-thread step on batch/N of its
 *                                             own, no communication: what N cores give this workload at all, the ceiling of
 *                                             data parallelism on this machine; default: the core count when it is > 1, 0 = off)
 * `--steps 0 --modules false` times the first (warm-up) step only: for slow combinations (paper on cpu).
 * `--backend webgpu` (optional packages: README "On a GPU") times the plain step with asynchronous reads; it needs
 * `--workers 1 --independent 0 --modules false` and no `--micro-batch` or `--gemm`.
 * `A2S_GEMM=openblas npm run bench:train -- …` runs every row (workers and independent threads too) with the
 * native matrix products; `provider` in the output says which ran.
 * Every row is a fresh model from the same seed on the same batch; the load average is printed with the rows
 * (the machine may be shared).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { selectBackend, type BackendName } from '../src/tf/backend.ts';
import { ModelConfigSchema, type ModelConfig } from '../src/config/model-config.ts';
import { MODEL_PRESETS, type PresetName } from '../src/config/presets.ts';
import { resolveTrainConfig } from '../src/config/train-config.ts';
import { buildModel, type A2SModel } from '../src/net/model.ts';
import { batchToInputs, disposeInputs } from '../src/net/inputs.ts';
import { SYNTHETIC_KNOBS, syntheticBatch } from '../src/testing/synthetic.ts';
import { Adam } from '../src/train/adam.ts';
import { trainStep, trainStepAsync } from '../src/train/step.ts';
import { DataParallel } from '../src/train/parallel/data-parallel.ts';
import { threadCpuMs } from '../src/train/parallel/thread-cpu.ts';
import { encodeAudio, encodeChords, encodeSymbolic } from '../src/net/encoders.ts';
import { decodeChords, decodeFeatures } from '../src/net/aux-decoders.ts';
import { decodeTreeTrain } from '../src/net/pianotree.ts';
import { weightGradient } from '../src/nn/matmul.ts';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const configFile = arg('config', '');
const preset = arg('preset', 'small') as PresetName;
const backendName = arg('backend', 'wasm') as BackendName;
const B = Number(arg('batch', '64'));
const steps = Number(arg('steps', '5'));
const frames = Number(arg('frames', '128'));
const bins = Number(arg('bins', '84'));
const withModules = arg('modules', 'true') !== 'false';
const slotContext = arg('slot-context', '');
const workerCounts = arg('workers', os.availableParallelism() > 1 ? `1,${os.availableParallelism()}` : '1').split(',').map(Number);
const microBatch = arg('micro-batch', '') === '' ? null : Number(arg('micro-batch', ''));
const withTorch = arg('torch', 'false') !== 'false';
const withGemm = arg('gemm', 'false') !== 'false';
const independent = Number(arg('independent', os.availableParallelism() > 1 ? String(os.availableParallelism()) : '0'));

if (backendName === 'webgpu' && (workerCounts.some((w) => w !== 1) || microBatch !== null || independent > 0 || withGemm || withModules)) {
  // workers, micro-batches and the module timings read tensors synchronously, which webgpu under Node cannot
  console.error('--backend webgpu times the plain step only: add --workers 1 --independent 0 --modules false, without --micro-batch or --gemm');
  process.exit(2);
}
const backend = await selectBackend(backendName).catch((err: Error) => {
  // a backend that cannot load (webgpu without its optional packages, no adapter): its message, no stack
  console.error(err.message);
  process.exit(2);
});
function modelConfig(): ModelConfig {
  if (configFile) {
    const train = resolveTrainConfig(JSON.parse(readFileSync(configFile, 'utf8')));
    return ModelConfigSchema.parse({ ...train.model, audioFrames: frames, audioBins: bins });
  }
  const presetCfg = MODEL_PRESETS[preset];
  return ModelConfigSchema.parse({
    ...presetCfg,
    audioFrames: frames,
    audioBins: bins,
    ...(slotContext ? { parallel: { ...presetCfg.parallel, slotContext } } : {}),
  });
}
const cfg = modelConfig();
const knobs = SYNTHETIC_KNOBS;
let peakRss = 0;
let peakTfBytes = 0;
/** The main thread's wasm heap (it only grows: its size is the high-water mark), 0 on other backends. */
const wasmHeapBytes = (): number => ((tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0);
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  peakTfBytes = Math.max(peakTfBytes, tf.memory().numBytes);
};
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const batch = syntheticBatch({ size: B, audioFrames: frames, audioBins: bins, seed: 1 });
const load = () => os.loadavg().map((x) => Number(x.toFixed(2)));

/** Times `steps` optimisation steps after a warm-up step with `workers` workers (1 and no micro-batches: the plain step). */
async function timeSteps(workers: number): Promise<Record<string, unknown>> {
  const model = buildModel(cfg, 1);
  const adam = new Adam();
  const rng = createRng(1);
  const dp = new DataParallel({ workers, microBatch });
  const sharded = dp.isSharded(B);
  peakRss = 0;
  peakTfBytes = 0;
  const loadBefore = load();
  const times: number[] = [];
  /** Per step (the warm-up one first): live tensors, their MiB and the wasm heap MiB of this thread after the step. */
  const memory: { tensors: number; tensorMiB: number; heapMiB: number; rssMiB: number }[] = [];
  /**
   * Per timed step: CPU ms of this thread and of each worker. On a machine shared with other jobs wall time
   * mostly measures them; this thread's CPU time plus the busiest worker's is the step's critical path, what
   * it would take on idle cores.
   */
  const cpu: { main: number; workers: number[] }[] = [];
  /** Per timed step with workers: when each phase ended, ms from the step's start (DataParallel.lastTimeline). */
  const timelines: Record<string, unknown>[] = [];
  let firstStepMs = 0;
  let loss = NaN;
  /** Total loss of every step, the warm-up one first (rows of the same seed and batch can be compared). */
  const losses: number[] = [];
  try {
    for (let i = 0; i <= steps; i++) {
      const t0 = performance.now();
      const c0 = threadCpuMs();
      if (sharded) {
        loss = (await dp.step({ model, adam, batch, knobs, rng, lr: 1e-4, clipNorm: 3, seed: 1, backend: backend.active })).losses.total;
      } else {
        const inputs = batchToInputs(batch);
        const step = backend.active === 'webgpu' ? trainStepAsync : trainStep;
        loss = (await step(model, adam, inputs, knobs, rng, { lr: 1e-4, clipNorm: 3 })).losses.total;
        disposeInputs(inputs);
      }
      losses.push(loss);
      sample();
      const c1 = threadCpuMs();
      if (i > 0 && sharded && workers > 1) timelines.push({ ...dp.lastTimeline, end: Math.round((performance.now() - t0) * 10) / 10 });
      if (i > 0 && c0 !== null && c1 !== null) cpu.push({ main: c1 - c0, workers: sharded && workers > 1 ? dp.lastWorkerCpuMs.map((x) => x ?? NaN) : [] });
      const m = tf.memory();
      memory.push({ tensors: m.numTensors, tensorMiB: mib(m.numBytes), heapMiB: mib(wasmHeapBytes()), rssMiB: mib(process.memoryUsage().rss) });
      if (i > 0) times.push(performance.now() - t0);
      else firstStepMs = performance.now() - t0; // step 0 also starts workers, warms up kernels and creates Adam's slots
    }
  } finally {
    await dp.close();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? NaN;
  const critical = cpu.map((c) => c.main + Math.max(0, ...c.workers)).sort((a, b) => a - b);
  const criticalMedian = critical[Math.floor(critical.length / 2)] ?? NaN;
  // every thread's CPU (trainer + all workers): segments per CPU-second, comparable with PyTorch's per-core figure
  const total = cpu.map((c) => c.main + c.workers.reduce((a, b) => a + b, 0)).sort((a, b) => a - b);
  const totalMedian = total[Math.floor(total.length / 2)] ?? NaN;
  const row = {
    workers,
    microBatch,
    firstStepMs: Math.round(firstStepMs),
    stepMsMedian: Math.round(median),
    stepMsAll: times.map(Math.round),
    segmentsPerSec: Number(((B * 1000) / median).toFixed(1)),
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    peakMainThreadTensorMiB: Math.round(peakTfBytes / 2 ** 20),
    lastLoss: Number(loss.toFixed(4)),
    lossPerStep: losses.map((x) => Number(x.toFixed(6))),
    cpuMsPerStep: cpu.map((c) => ({ main: Math.round(c.main), workers: c.workers.map(Math.round) })),
    cpuCriticalPathMsMedian: Math.round(criticalMedian),
    segmentsPerSecOnIdleCores: Number(((B * 1000) / criticalMedian).toFixed(1)),
    segmentsPerCpuSec: Number(((B * 1000) / totalMedian).toFixed(1)),
    memoryAfterEachStep: memory,
    ...(timelines.length ? { stepTimelines: timelines } : {}),
    steps: times.length,
    loadAverage: { before: loadBefore, after: load() },
  };
  model.params.dispose();
  adam.dispose();
  return row;
}

/** Forward + backward time of one module, with a sum of its outputs as the loss. */
function moduleSplit(model: A2SModel): Record<string, number> {
  const inputs = batchToInputs(batch);
  const rng = createRng(1);
  const moduleMs = (f: () => tf.Tensor[]): number => {
    const run = () => {
      const { value, grads } = tf.variableGrads(() => tf.addN(f().map((t) => tf.sum(t))) as tf.Scalar, model.params.list());
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    };
    run();
    const t0 = performance.now();
    run();
    return Math.round(performance.now() - t0);
  };
  const zDim = (model.chdEnc ? cfg.zChd : 0) + cfg.zAud + (model.symEnc ? cfg.zSym : 0);
  const split: Record<string, number> = {};
  split.audioEncoder = moduleMs(() => [encodeAudio(model.audEnc, inputs.audio).mu]);
  if (model.chdEnc) split.chordEncoder = moduleMs(() => [encodeChords(model.chdEnc!, inputs.chords).mu]);
  if (model.symEnc) split.symbolicEncoder = moduleMs(() => [encodeSymbolic(model.symEnc!, inputs.pianoRoll).mu]);
  if (model.chdDec) split.chordDecoder = moduleMs(() => Object.values(decodeChords(model.chdDec!, tf.ones([B, cfg.zChd]).mul(0.1), inputs.chords, 0.5, rng)));
  if (model.featDec) split.featureDecoder = moduleMs(() => [decodeFeatures(model.featDec!, tf.ones([B, cfg.zAud]).mul(0.1), inputs.aux, 0.8, rng)]);
  const featEmb = model.featEmb ? (tf.zeros([B, 32, cfg.featEmb]) as tf.Tensor3D) : null;
  split.pianoTreeDecoder = moduleMs(() => Object.values(decodeTreeTrain(model.treeDec, tf.ones([B, zDim]).mul(0.1) as tf.Tensor2D, featEmb, inputs, 0.8, rng)));
  disposeInputs(inputs);
  return split;
}

const probe = buildModel(cfg, 1);
const parameters = probe.params.count();
const modules = withModules ? moduleSplit(probe) : {};
probe.params.dispose();
const rows = [];
for (const w of workerCounts) rows.push(await timeSteps(w));

/**
 * `n` threads, each with its own model training on batch/n segments of its own, started together: segments/s
 * of all of them (each thread's segments over its median step, summed) and their step times.
 */
async function independentThreads(n: number): Promise<Record<string, unknown>> {
  const { Worker } = await import('node:worker_threads');
  const start = new SharedArrayBuffer(8);
  const flags = new Int32Array(start);
  const size = Math.floor(B / n);
  const loadBefore = load();
  const threads = Array.from(
    { length: n },
    (_, i) => new Worker(new URL('./independent-worker.mjs', import.meta.url), { workerData: { cfg, backend: backend.active, size, frames, bins, steps: Math.max(steps, 1), start, seed: i + 1 } }),
  );
  const done = threads.map(
    (t) =>
      new Promise<{ times: number[]; totalMs: number }>((resolve, reject) => {
        t.once('message', resolve);
        t.once('error', reject);
      }),
  );
  while (Atomics.load(flags, 0) < n) await new Promise((r) => setTimeout(r, 20));
  Atomics.store(flags, 1, 1);
  Atomics.notify(flags, 1);
  const results = await Promise.all(done);
  await Promise.all(threads.map((t) => t.terminate()));
  const medians = results.map((r) => [...r.times].sort((a, b) => a - b)[Math.floor(r.times.length / 2)]);
  return {
    threads: n,
    segmentsPerThread: size,
    stepMsMedianPerThread: medians.map(Math.round),
    stepMsAll: results.map((r) => r.times.map(Math.round)),
    segmentsPerSec: Number(medians.reduce((a, m) => a + (size * 1000) / m, 0).toFixed(1)),
    loadAverage: { before: loadBefore, after: load() },
  };
}
const ceiling = independent > 1 ? await independentThreads(independent) : null;
const oneAlone = independent > 1 ? await independentThreads(1) : null;

const base = rows.find((r) => r.workers === 1) as { segmentsPerSec: number } | undefined;
const baseIdle = rows.find((r) => r.workers === 1) as { segmentsPerSecOnIdleCores: number } | undefined;

/** Runs bench/torch-reference.py with `args` and parses the JSON it prints. */
function runTorchReference(args: string[]): unknown {
  // Debian's python3-torch belongs to the system interpreter (a pyenv or venv python3 may come first on PATH)
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const out = execFileSync(python, [path.join(import.meta.dirname, 'torch-reference.py'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out);
}

let torch: unknown = null;
if (withTorch) {
  if (!configFile) throw new Error('--torch needs --config (the architecture both sides run)');
  torch = runTorchReference(['--config', configFile, '--batch', String(B), '--steps', String(steps), '--frames', String(frames), '--bins', String(bins)]);
}
const t = torch as { segmentsPerSec?: number; parameters?: number; rows?: { segmentsPerCpuSec?: number | null }[] } | null;
/** PyTorch's one-thread row: segments per CPU-second of its whole process. */
const torchPerCpuSec = t?.rows?.[0]?.segmentsPerCpuSec ?? null;

/**
 * The GRU PianoTree's main matrix products at this config's widths and batch: a time-level step `[B, Ht]·[Ht, 3Ht]`,
 * a note-level step over all 32·B step rows `[32B, Hn]·[Hn, 3Hn]`, and a note-level recurrent weight gradient
 * `[32B, Hn]ᵀ·[32B, 3Hn]` (on our side `weightGradient`, as training computes it).
 */
function gemmShapes(): [number, number, number, boolean][] {
  const ht = cfg.pianoTree.timeHidden;
  const hn = cfg.pianoTree.notesHidden;
  return [
    [B, ht, 3 * ht, false],
    [32 * B, hn, 3 * hn, false],
    [hn, 32 * B, 3 * hn, true],
  ];
}
/** GFLOP/s of each product on this backend: the median of 5 timings, each over enough repeats for 0.2 s. */
function timeGemms(): Record<string, unknown>[] {
  const rng = createRng(7);
  const randn = (shape: [number, number]): tf.Tensor2D => tf.tensor2d(Float32Array.from({ length: shape[0] * shape[1] }, () => rng.next() * 2 - 1), shape);
  return gemmShapes().map(([m, k, n, transposeA]) => {
    const a = randn(transposeA ? [k, m] : [m, k]);
    const b = randn([k, n]);
    const product = () => tf.dispose(transposeA ? weightGradient(a, b) : tf.matMul(a, b));
    const run = (reps: number) => {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) product();
      return performance.now() - t0;
    };
    product();
    let reps = 1;
    while (run(reps) < 200) reps *= 2;
    const times = Array.from({ length: 5 }, () => run(reps) / reps).sort((x, y) => x - y);
    tf.dispose([a, b]);
    const ms = times[2];
    return { m, k, n, transposeA, ms: Number(ms.toFixed(3)), gflops: Number(((2 * m * k * n) / ms / 1e6).toFixed(1)) };
  });
}
let gemm: Record<string, unknown> | null = null;
if (withGemm) {
  const ours = timeGemms();
  let theirs: { gflops: number }[] | null = null;
  if (withTorch) theirs = (runTorchReference(['--gemm', JSON.stringify(gemmShapes())]) as { gemm: { gflops: number }[] }).gemm;
  gemm = {
    what: 'GRU PianoTree matrix products at this config\'s widths and batch, one thread each side',
    ours: ours.map((r) => ({ backend: backend.active, ...r })),
    torch: theirs,
    torchOverOurs: theirs ? theirs.map((r, i) => Number((r.gflops / (ours[i].gflops as number)).toFixed(2))) : null,
  };
}

console.log(
  JSON.stringify(
    {
      preset: configFile ? `config ${configFile}` : preset,
      decoder: cfg.decoder === 'parallel' ? `parallel (${cfg.parallel.slotContext})` : cfg.decoder,
      backend: backend.active,
      // with A2S_GEMM=openblas: the matrix products on OpenBLAS (README "Native matrix products")
      provider: backend.provider,
      cores: os.availableParallelism(),
      parameters,
      batch: B,
      audio: [frames, bins],
      rows,
      speedupOnIdleCoresOverOneWorker: baseIdle
        ? Object.fromEntries(rows.map((r) => [`workers=${r.workers}`, Number(((r.segmentsPerSecOnIdleCores as number) / baseIdle.segmentsPerSecOnIdleCores).toFixed(2))]))
        : null,
      speedupOverOneWorker: base ? Object.fromEntries(rows.map((r) => [`workers=${r.workers}`, Number(((r.segmentsPerSec as number) / base.segmentsPerSec).toFixed(2))])) : null,
      independentThreads: ceiling ? { alone: oneAlone, together: ceiling } : null,
      // what N cores give N independent copies of this step (batch/N each) over one copy alone: no data-parallel
      // scheme on this machine can beat it
      independentSpeedup: ceiling && oneAlone ? Number(((ceiling.segmentsPerSec as number) / (oneAlone.segmentsPerSec as number)).toFixed(2)) : null,
      // data-parallel rows over the independent threads' rate: the share of that ceiling the workers reach
      workersOverIndependent: ceiling ? Object.fromEntries(rows.map((r) => [`workers=${r.workers}`, Number(((r.segmentsPerSec as number) / (ceiling.segmentsPerSec as number)).toFixed(2))])) : null,
      moduleForwardBackwardMs: modules,
      torch,
      gemm,
      oursOverTorch: t?.segmentsPerSec ? Object.fromEntries(rows.map((r) => [`workers=${r.workers}`, Number(((r.segmentsPerSec as number) / t.segmentsPerSec!).toFixed(2))])) : null,
      // per core: segments per CPU-second of all our threads over PyTorch's (its process CPU, all its threads)
      oursOverTorchPerCpuSecond: torchPerCpuSec
        ? Object.fromEntries(rows.map((r) => [`workers=${r.workers}`, Number(((r.segmentsPerCpuSec as number) / torchPerCpuSec).toFixed(2))]))
        : null,
    },
    null,
    2,
  ),
);
