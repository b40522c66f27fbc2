/**
 * Checkpoints: a folder with `header.json` (position, RNG state, resolved config, data hash, tensor index) and
 * `tensors.bin` (float32 blobs, little-endian, in index order). Written to a temporary folder, then renamed, so
 * a killed run never leaves a half-written checkpoint; `latest.json` points at the newest complete one.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { InputError, writeFileAtomic } from '@a2s/dataset';
import { z } from 'zod';
import { trainedModeOf, type ResolvedTrainConfig, type StageName, type TrainedMode } from '../config/train-config.ts';
import { ModelConfigSchema } from '../config/model-config.ts';
import type { A2SModel } from '../net/model.ts';
import type { Adam } from './adam.ts';
import type { EosThreshold } from '../net/pianotree.ts';
import { CHORD_BASS_RULES, type ChordBassRule } from '../infer/chord-bass.ts';

export const CHECKPOINT_FORMAT = 'a2s-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Where training stands: enough to continue exactly. */
export interface TrainPosition {
  stage: StageName;
  stageIndex: number;
  /** Steps done in this stage (schedules and LR decay count from 0 in every stage). */
  stepInStage: number;
  /** Steps done over the whole run. */
  globalStep: number;
  /** Epoch in progress and batches of it already consumed. */
  epoch: number;
  batchInEpoch: number;
  /** True once the stage has run all its epochs / maxSteps. */
  stageDone: boolean;
}

export interface CheckpointHeader {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  position: TrainPosition;
  rngState: number[];
  adamStep: number;
  config: ResolvedTrainConfig;
  /** What the checkpoint's stage trained the model for (see {@link trainedModeOf}); derived when absent (older checkpoints). */
  trainedFor?: TrainedMode;
  manifestSha256: string | null;
  backend: string;
  createdAt: string;
  /**
   * Exported models: the decoding they recommend (chosen on validation), used by a2s predict and a2s arrange
   * when neither --temperature nor --eos-threshold is given (see {@link ModelDecoding}).
   */
  decoding?: ModelDecoding;
  tensors: { name: string; shape: number[]; offset: number; length: number }[];
}

/** A model's recommended decoding: greedy (temperature 0) with an EOS threshold, or sampling at a temperature. */
export interface ModelDecoding {
  temperature: number;
  eosThreshold: EosThreshold | null;
  /** The chord-bass post-process after decoding (absent = off; see infer/chord-bass.ts). */
  chordBass?: ChordBassRule;
  /** How it was chosen (data, metric), for the record. */
  chosenOn: string;
  /** Test results with this decoding (e.g. `a2s compare --out` JSONs by baseline), for the model card. */
  testResults?: Record<string, unknown>;
}

export interface Checkpoint {
  dir: string;
  header: CheckpointHeader;
  /** Tensor values by name: `param:<name>`, `adam.m:<name>`, `adam.v:<name>`. */
  values: Map<string, { shape: number[]; data: Float32Array }>;
  /** With `fallback`: newer checkpoints that could not be read (damaged, cut), newest first, with the reason. */
  skipped?: { dir: string; reason: string }[];
}

export interface LatestPointer {
  /** Folder name under checkpoints/. */
  checkpoint: string;
  position: TrainPosition;
}

export function checkpointName(p: TrainPosition): string {
  return `${p.stage}-${String(p.stepInStage).padStart(7, '0')}`;
}

/** Lays float32 tensors end to end (the `tensors.bin` layout) and returns the bytes with their index. */
export function packTensors(values: Iterable<[string, { shape: number[]; data: Float32Array }]>): {
  index: CheckpointHeader['tensors'];
  bin: Buffer;
} {
  const index: CheckpointHeader['tensors'] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, { shape, data }] of values) {
    chunks.push(Buffer.from(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
    index.push({ name, shape, offset, length: data.length });
    offset += data.byteLength;
  }
  return { index, bin: Buffer.concat(chunks) };
}

/** Saves model weights, Adam moments and training state under `<runDir>/checkpoints/<stage>-<step>/`. */
export async function saveCheckpoint(a: {
  runDir: string;
  model: A2SModel;
  adam: Adam | null;
  position: TrainPosition;
  rngState: readonly number[];
  config: ResolvedTrainConfig;
  manifestSha256: string | null;
  backend: string;
}): Promise<string> {
  const root = path.join(a.runDir, 'checkpoints');
  await fs.mkdir(root, { recursive: true });
  const name = checkpointName(a.position);
  const finalDir = path.join(root, name);
  const tmpDir = path.join(root, `.${name}.tmp-${process.pid}-${Date.now()}`);
  await fs.mkdir(tmpDir, { recursive: true });
  const values: [string, { shape: number[]; data: Float32Array }][] = [];
  for (const [n, v] of a.model.params.vars) values.push([`param:${n}`, { shape: v.shape.slice(), data: (await v.data()) as Float32Array }]);
  if (a.adam) {
    // moments have their parameter's shape (copied: the data-parallel workers may update them in place later)
    const shapeOf = (n: string) => a.model.params.vars.get(n)?.shape.slice() ?? [a.adam!.m.get(n)!.length];
    for (const [n, m] of a.adam.m) values.push([`adam.m:${n}`, { shape: shapeOf(n), data: m.slice() }]);
    for (const [n, v] of a.adam.v) values.push([`adam.v:${n}`, { shape: shapeOf(n), data: v.slice() }]);
  }
  const { index, bin } = packTensors(values);
  const header: CheckpointHeader = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    position: a.position,
    rngState: [...a.rngState],
    adamStep: a.adam?.step ?? 0,
    config: a.config,
    trainedFor: trainedModeOfPosition(a.config, a.position),
    manifestSha256: a.manifestSha256,
    backend: a.backend,
    createdAt: new Date().toISOString(),
    tensors: index,
  };
  await fs.writeFile(path.join(tmpDir, 'tensors.bin'), bin);
  await fs.writeFile(path.join(tmpDir, 'header.json'), JSON.stringify(header, null, 1));
  await fs.rm(finalDir, { recursive: true, force: true });
  await fs.rename(tmpDir, finalDir);
  const latest: LatestPointer = { checkpoint: name, position: a.position };
  await writeFileAtomic(path.join(root, 'latest.json'), JSON.stringify(latest, null, 2) + '\n');
  return finalDir;
}

/** What the stage at `position` trains for; `independent` for a stage missing from the config. */
export function trainedModeOfPosition(config: ResolvedTrainConfig, position: TrainPosition): TrainedMode {
  const stage = config.stages.find((s) => s.name === position.stage) ?? config.stages[position.stageIndex];
  return stage ? trainedModeOf(stage, config.model.variant) : 'independent';
}

/** The mode a checkpoint was trained for: its header's record, or derived from its config and position. */
export function checkpointTrainedMode(header: CheckpointHeader): TrainedMode {
  return header.trainedFor ?? trainedModeOfPosition(header.config, header.position);
}

/**
 * Reads a checkpoint folder (or a run folder / its checkpoints folder: then the latest checkpoint).
 * With `fallback` and a run folder, a latest checkpoint that cannot be read (truncated `tensors.bin`, damaged
 * `header.json`, missing folder or `latest.json`) is skipped for the newest intact one (highest global step);
 * `skipped` lists what was passed over, so callers can say so. A checkpoint folder named directly never falls back.
 */
export async function loadCheckpoint(where: string, opts: { fallback?: boolean } = {}): Promise<Checkpoint> {
  if (!opts.fallback || (await exists(path.join(where, 'header.json')))) return readCheckpointAt(await resolveCheckpointDir(where));
  const root = (await exists(path.join(where, 'checkpoints'))) ? path.join(where, 'checkpoints') : where;
  const skipped: { dir: string; reason: string }[] = [];
  let first: string | null = null;
  try {
    first = await resolveCheckpointDir(where);
    return await readCheckpointAt(first);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    skipped.push({ dir: first ?? path.join(root, 'latest.json'), reason: err.message });
  }
  const candidates: { dir: string; globalStep: number }[] = [];
  for (const name of (await fs.readdir(root).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).sort().reverse()) {
    const dir = path.join(root, name);
    if (dir === first) continue;
    try {
      const h = JSON.parse(await fs.readFile(path.join(dir, 'header.json'), 'utf8')) as CheckpointHeader;
      candidates.push({ dir, globalStep: h.position?.globalStep ?? -1 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR' || (err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      skipped.push({ dir, reason: `${path.join(dir, 'header.json')}: cannot read checkpoint header: ${(err as Error).message}` });
    }
  }
  candidates.sort((a, b) => b.globalStep - a.globalStep);
  for (const c of candidates) {
    try {
      return { ...(await readCheckpointAt(c.dir)), skipped };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      skipped.push({ dir: c.dir, reason: err.message });
    }
  }
  throw new InputError({ file: where, message: `no intact checkpoint: ${skipped.map((s) => s.reason).join('; ')}` });
}

async function readCheckpointAt(dir: string): Promise<Checkpoint> {
  const headerPath = path.join(dir, 'header.json');
  let header: CheckpointHeader;
  try {
    header = JSON.parse(await fs.readFile(headerPath, 'utf8')) as CheckpointHeader;
  } catch (err) {
    throw new InputError({ file: headerPath, message: `cannot read checkpoint header: ${(err as Error).message}`, cause: err });
  }
  if (header.format !== CHECKPOINT_FORMAT || header.version !== CHECKPOINT_VERSION) {
    throw new InputError({ file: headerPath, message: `not an ${CHECKPOINT_FORMAT} v${CHECKPOINT_VERSION} checkpoint` });
  }
  // Model options added after a checkpoint was written take their defaults (which reproduce the old model);
  // options removed since are dropped when they were off, and refused when the checkpoint used them.
  const oldParallel = (header.config?.model as { parallel?: Record<string, unknown> } | undefined)?.parallel;
  if (oldParallel && 'stepContext' in oldParallel) {
    if (oldParallel.stepContext !== 'none') {
      throw new InputError({
        file: headerPath,
        message: `this checkpoint's decoder uses parallel.stepContext '${String(oldParallel.stepContext)}', which was removed after the decoder comparison measured it worse (experiments/decoder-compare); retrain without it`,
      });
    }
    const { stepContext: _dropped, ...rest } = oldParallel;
    header = { ...header, config: { ...header.config, model: { ...header.config.model, parallel: rest as never } } };
  }
  if (oldParallel?.slotContext === 'causal') {
    throw new InputError({
      file: headerPath,
      message: `this checkpoint's decoder uses parallel.slotContext 'causal', which was removed after the decoder comparison measured it no better than 'causal-pitch' (experiments/decoder-compare); retrain with 'causal-pitch'`,
    });
  }
  const model = ModelConfigSchema.safeParse(header.config?.model);
  if (!model.success) throw new InputError({ file: headerPath, message: `invalid model config: ${z.prettifyError(model.error)}` });
  header = { ...header, config: { ...header.config, model: model.data } };
  const chordBass = header.decoding?.chordBass;
  if (chordBass !== undefined && !(CHORD_BASS_RULES as readonly string[]).includes(chordBass)) {
    throw new InputError({ file: headerPath, message: `decoding.chordBass must be one of ${CHORD_BASS_RULES.join(', ')}; got ${JSON.stringify(chordBass)}` });
  }
  const binPath = path.join(dir, 'tensors.bin');
  const bin = await fs.readFile(binPath).catch((err: unknown) => {
    throw new InputError({ file: binPath, message: `cannot read checkpoint tensors: ${(err as Error).message}`, cause: err });
  });
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of header.tensors) {
    if (t.offset + t.length * 4 > bin.byteLength) throw new InputError({ file: binPath, message: `truncated: tensor ${t.name} runs past the end` });
    const data = new Float32Array(t.length);
    new Uint8Array(data.buffer).set(bin.subarray(t.offset, t.offset + t.length * 4));
    values.set(t.name, { shape: t.shape, data });
  }
  return { dir, header, values };
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

async function resolveCheckpointDir(where: string): Promise<string> {
  if (await exists(path.join(where, 'header.json'))) return where;
  for (const root of [path.join(where, 'checkpoints'), where]) {
    const latest = path.join(root, 'latest.json');
    if (await exists(latest)) {
      let ptr: LatestPointer;
      try {
        ptr = JSON.parse(await fs.readFile(latest, 'utf8')) as LatestPointer;
      } catch (err) {
        throw new InputError({ file: latest, message: `cannot read the latest-checkpoint pointer: ${(err as Error).message}`, cause: err });
      }
      return path.join(root, ptr.checkpoint);
    }
  }
  throw new InputError({ file: where, message: 'no checkpoint here (expected header.json, or checkpoints/latest.json of a run folder)' });
}

/** The newest checkpoint of `stage` in a run folder whose stage is complete, or null. */
export async function findStageEnd(runDir: string, stage: StageName): Promise<string | null> {
  const root = path.join(runDir, 'checkpoints');
  if (!(await exists(root))) return null;
  const names = (await fs.readdir(root)).filter((n) => n.startsWith(`${stage}-`)).sort();
  for (let i = names.length - 1; i >= 0; i--) {
    const h = await readHeaderOrNull(path.join(root, names[i]));
    if (h?.position?.stageDone) return path.join(root, names[i]);
  }
  return null;
}

/**
 * The checkpoint of `stage` in a run folder: its final one, else its newest (a stage still in progress).
 * @throws InputError naming the stages that have checkpoints when `stage` has none.
 */
export async function findStageCheckpoint(runDir: string, stage: StageName): Promise<string> {
  const end = await findStageEnd(runDir, stage);
  if (end) return end;
  const root = path.join(runDir, 'checkpoints');
  const all = (await exists(root)) ? (await fs.readdir(root)).filter((n) => /^[a-z]+-\d{7}$/.test(n)).sort() : [];
  const mine = all.filter((n) => n.startsWith(`${stage}-`));
  if (mine.length > 0) return path.join(root, mine[mine.length - 1]);
  const stages = [...new Set(all.map((n) => n.slice(0, n.lastIndexOf('-'))))];
  throw new InputError({ file: runDir, message: `no checkpoint of stage ${stage} in this run folder (stages with checkpoints: ${stages.join(', ') || 'none'})` });
}

/** Copies checkpoint values into the model's variables (and Adam's moments when `adam` is given). */
export function restoreInto(ck: Checkpoint, model: A2SModel, adam: Adam | null): void {
  for (const [n, v] of model.params.vars) {
    const t = ck.values.get(`param:${n}`);
    if (!t) throw new InputError({ file: ck.dir, message: `checkpoint has no weights for ${n}` });
    if (t.shape.join('x') !== v.shape.join('x')) {
      throw new InputError({ file: ck.dir, message: `weights ${n}: checkpoint shape ${t.shape} vs model ${v.shape}` });
    }
    tf.tidy(() => v.assign(tf.tensor(t.data, t.shape)));
  }
  if (!adam) return;
  adam.dispose();
  adam.step = ck.header.adamStep;
  for (const [key, t] of ck.values) {
    const [kind, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (kind === 'adam.m') adam.m.set(name, Float32Array.from(t.data));
    if (kind === 'adam.v') adam.v.set(name, Float32Array.from(t.data));
  }
}

/** Removes older checkpoints of a stage, keeping the newest `keep` and any stage-final one. */
export async function pruneCheckpoints(runDir: string, stage: StageName, keep: number): Promise<void> {
  const root = path.join(runDir, 'checkpoints');
  const names = (await fs.readdir(root)).filter((n) => n.startsWith(`${stage}-`)).sort();
  const old = names.slice(0, Math.max(0, names.length - keep));
  for (const n of old) {
    const h = await readHeaderOrNull(path.join(root, n));
    if (!h?.position?.stageDone) await fs.rm(path.join(root, n), { recursive: true, force: true });
  }
}

/** A checkpoint's header, or null when it cannot be read (a damaged checkpoint is never a stage's end). */
async function readHeaderOrNull(dir: string): Promise<CheckpointHeader | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, 'header.json'), 'utf8')) as CheckpointHeader;
  } catch {
    return null;
  }
}
