/** Loading a trained model, arranging segments, and writing prediction shards for a split. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, InputError, readSegments, writeFileAtomic, writeSegmentShard, type Note, type SegmentRow, type Split } from '@a2s/dataset';
import { CHORD_DIMS, createBatchIterator, type FeatureConfig } from '@a2s/features';
import { SEGMENT_BEATS } from '@a2s/dataset';
import type { InferenceMode, ResolvedTrainConfig, StageName, TrainedMode } from '../config/train-config.ts';
import { buildModel, infer, type A2SModel } from '../net/model.ts';
import type { EosThreshold } from '../net/pianotree.ts';
import { SLOTS } from '../net/inputs.ts';
import { checkpointTrainedMode, findStageCheckpoint, loadCheckpoint, restoreInto, type ModelDecoding, type TrainPosition } from '../train/checkpoint.ts';
import { decodeInOrder, previousWindows, textureRoll, type TextureReference } from './modes.ts';
import { selectBackend, type BackendName } from '../tf/backend.ts';
import { predictionToNotes } from './tree-notes.ts';
import { stitchSegments } from './stitch.ts';
import { writeMidi } from './midi.ts';
import { applyChordBass, chordBassPerBeat, type ChordBassRule } from './chord-bass.ts';

export interface TrainedModel {
  model: A2SModel;
  /** The run's resolved training config (its `features` tell how to compute the audio input). */
  config: ResolvedTrainConfig;
  features: FeatureConfig;
  checkpointDir: string;
  position: TrainPosition;
  /** What the checkpoint's stage trained the model for (its header's record, or derived for older ones). */
  trainedFor: TrainedMode;
  /** Damaged newer checkpoints passed over for this one (see `loadCheckpoint`'s fallback); callers say so. */
  warnings: string[];
  /** An exported model's recommended decoding (its header's `decoding`), else null. */
  decoding: ModelDecoding | null;
}

/**
 * Loads the latest checkpoint of a run folder, or a given checkpoint folder; with `stage`, the final (else the
 * newest) checkpoint of that stage in the run folder (each branch of the stage graph keeps its own). A run
 * folder whose latest checkpoint is damaged falls back to the newest intact one; `warnings` says so.
 */
export async function loadTrainedModel(
  runDirOrCheckpoint: string,
  opts: { backend?: BackendName | 'auto'; stage?: StageName } = {},
): Promise<TrainedModel> {
  await selectBackend(opts.backend ?? 'auto');
  const where = opts.stage ? await findStageCheckpoint(runDirOrCheckpoint, opts.stage) : runDirOrCheckpoint;
  const ck = await loadCheckpoint(where, { fallback: true });
  const config = ck.header.config;
  const model = buildModel(config.model, config.seed);
  restoreInto(ck, model, null);
  const warnings = (ck.skipped ?? []).map((s) => `skipped damaged checkpoint ${s.dir}: ${s.reason}`);
  if (warnings.length > 0) warnings.push(`using ${ck.dir}, the newest intact checkpoint`);
  return { model, config, features: config.features, checkpointDir: ck.dir, position: ck.header.position, trainedFor: checkpointTrainedMode(ck.header), warnings, decoding: ck.header.decoding ?? null };
}

export interface ArrangeOptions {
  seed: number;
  /** 0 = greedy; > 0 samples pitches at this temperature. */
  temperature: number;
  /** Greedy decoding's EOS thresholds (temperature 0 only); absent or null = plain argmax. */
  eos?: EosThreshold | null;
  /** The chord-bass post-process of each window's notes, from its chords (see chord-bass.ts); absent = off. */
  chordBass?: ChordBassRule;
  batchSize?: number;
}

/** One window's input; `pianoRoll` `[32·128]` is encoded as z_sym (else z_sym is the prior mean, 0). */
export interface WindowInput {
  audio: Float32Array;
  chords: Float32Array;
  pianoRoll?: Float32Array;
}

/**
 * Arranges segments: audio features `[frames·bins]` (the model's audioFrames × audioBins) and chords `[8·36]`
 * per segment → predicted piano notes per segment (onsets relative to the segment).
 */
export async function arrangeSegments(
  model: A2SModel,
  inputs: readonly WindowInput[],
  opts: ArrangeOptions,
): Promise<Note[][]> {
  const prompted = inputs.filter((c) => c.pianoRoll !== undefined).length;
  if (prompted !== 0 && prompted !== inputs.length) throw new RangeError('arrangeSegments: either every window has a pianoRoll or none');
  const frames = model.config.audioFrames!;
  const bins = model.config.audioBins!;
  const per = frames * bins;
  const rng = createRng(opts.seed).fork('arrange');
  const bs = opts.batchSize ?? 32;
  const out: Note[][] = [];
  for (let start = 0; start < inputs.length; start += bs) {
    const chunk = inputs.slice(start, start + bs);
    const audio = new Float32Array(chunk.length * per);
    const chords = new Float32Array(chunk.length * SEGMENT_BEATS * CHORD_DIMS);
    const roll = prompted ? new Float32Array(chunk.length * 32 * 128) : null;
    chunk.forEach((c, i) => {
      if (roll) {
        if (c.pianoRoll!.length !== 32 * 128) throw new InputError({ file: '<arrange>', message: `segment ${start + i}: pianoRoll must be 32×128 values` });
        roll.set(c.pianoRoll!, i * 32 * 128);
      }
      if (c.audio.length !== per) throw new InputError({ file: '<arrange>', message: `segment ${start + i}: audio has ${c.audio.length} values, the model expects ${frames}×${bins}` });
      if (c.chords.length !== SEGMENT_BEATS * CHORD_DIMS) throw new InputError({ file: '<arrange>', message: `segment ${start + i}: chords must be 8×36 values` });
      audio.set(c.audio, i * per);
      chords.set(c.chords, i * SEGMENT_BEATS * CHORD_DIMS);
    });
    const [pitch, dur] = tf.tidy(() => {
      const r = infer(model, tf.tensor3d(audio, [chunk.length, frames, bins]), tf.tensor3d(chords, [chunk.length, SEGMENT_BEATS, CHORD_DIMS]), {
        temperature: opts.temperature,
        eos: opts.eos ?? null,
        rng,
        symbolicPrompt: roll ? tf.tensor3d(roll, [chunk.length, 32, 128]) : undefined,
      });
      return [r.pitch, r.durBits];
    });
    const notes = await decodedNotes(pitch, dur, chunk.length);
    const rule = opts.chordBass ?? 'off';
    out.push(...(rule === 'off' ? notes : notes.map((n, i) => applyChordBass(n, chordBassPerBeat(chunk[i].chords), rule))));
  }
  return out;
}

/** Notes of each of `count` decoded segments from the decoder's pitch indices and duration bits (both disposed). */
export async function decodedNotes(pitch: tf.Tensor, dur: tf.Tensor, count: number): Promise<Note[][]> {
  const p = (await pitch.data()) as Int32Array;
  const d = (await dur.data()) as Int32Array;
  pitch.dispose();
  dur.dispose();
  const perP = 32 * SLOTS;
  const out: Note[][] = [];
  for (let i = 0; i < count; i++) out.push(predictionToNotes(p.subarray(i * perP, (i + 1) * perP), d.subarray(i * perP * 5, (i + 1) * perP * 5), SLOTS));
  return out;
}

/**
 * Autoregressive decoding (3b): window i's z_sym encodes the notes predicted for window `prev[i]` (-1: an
 * empty roll, as at a song's start in training). Windows whose predecessors are done are decoded together.
 * `onWindow` sees every window's symbolic input before it is decoded (for tests and diagnostics).
 */
export async function arrangeAutoregressive(
  model: A2SModel,
  inputs: readonly WindowInput[],
  prev: readonly number[],
  opts: ArrangeOptions & { onWindow?: (index: number, roll: Float32Array) => void; onProgress?: (done: number) => void },
): Promise<Note[][]> {
  if (prev.length !== inputs.length) throw new RangeError(`arrangeAutoregressive: ${inputs.length} windows, ${prev.length} predecessors`);
  const rng = createRng(opts.seed).fork('autoregressive');
  let done = 0;
  return decodeInOrder(prev, async (items) => {
    for (const it of items) opts.onWindow?.(it.index, it.roll);
    const notes = await arrangeSegments(
      model,
      items.map((it) => ({ ...inputs[it.index], pianoRoll: it.roll })),
      { seed: rng.int(2 ** 31), temperature: opts.temperature, eos: opts.eos, chordBass: opts.chordBass, batchSize: opts.batchSize },
    );
    done += items.length;
    opts.onProgress?.(done);
    return notes;
  });
}

export interface PredictSplitOptions {
  trained: TrainedModel;
  manifestPath: string;
  split: Split;
  outDir: string;
  seed: number;
  temperature: number;
  /** Greedy decoding's EOS thresholds (temperature 0 only); absent or null = plain argmax. */
  eos?: EosThreshold | null;
  /** The chord-bass post-process (see chord-bass.ts); absent = off. */
  chordBass?: ChordBassRule;
  batchSize?: number;
  /** Label written into predictions.json. Default 'a2s'. */
  system?: string;
  /** Variant label written into predictions.json. Default: the model variant (full, nochd, …). */
  variant?: string;
  onProgress?: (segmentsDone: number, total: number) => void;
  /** Feature cache folder. Default: features' DEFAULT_FEATURE_CACHE_DIR (data/cache/features). */
  featureCacheDir?: string;
  /**
   * `independent` (default), `autoregressive` (windows of a song in order, see {@link arrangeAutoregressive}) or
   * `texture` (z_sym of every window from `texture`, the reference's beats at the window's own beat, looped).
   */
  mode?: InferenceMode;
  texture?: TextureReference;
}

/**
 * Predicts every segment of a split: `<outDir>/shards/<split>-00000.arrow` (writeSegmentShard, notes =
 * predicted PIANO notes), `<outDir>/midi/<song>.mid` (windows stitched), `<outDir>/predictions.json`.
 */
export async function predictSplit(o: PredictSplitOptions): Promise<{ segments: number; songs: number }> {
  const rows = await readSegments(o.manifestPath, { split: o.split });
  if (rows.length === 0) {
    throw new InputError({ file: o.manifestPath, message: `the ${o.split} split has no segments: nothing to predict (see the manifest's summary; a dataset of few songs may leave a split empty)` });
  }
  const byKey = new Map(rows.map((r) => [`${r.songId}@${r.startBeat}`, r]));
  const iter = createBatchIterator({
    manifestPath: o.manifestPath,
    split: o.split,
    batchSize: o.batchSize ?? 32,
    features: o.trained.features,
    corruption: { type: 'none' },
    transpose: { enabled: false },
    shuffle: false,
    seed: o.seed,
    cacheDir: o.featureCacheDir,
  });
  const outRows: SegmentRow[] = [];
  const rng = createRng(o.seed).fork('predict');
  const mode = o.mode ?? 'independent';
  if (mode === 'texture' && !o.texture) throw new RangeError('predictSplit: texture mode needs a texture reference');
  const pending: { src: SegmentRow; input: WindowInput }[] = [];
  for await (const batch of iter) {
    const segs = Array.from({ length: batch.size }, (_, i) => ({
      audio: batch.audio.subarray(i * batch.audioFrames * batch.audioBins, (i + 1) * batch.audioFrames * batch.audioBins),
      chords: batch.chords.subarray(i * SEGMENT_BEATS * CHORD_DIMS, (i + 1) * SEGMENT_BEATS * CHORD_DIMS),
    }));
    const srcs = segs.map((_, i) => {
      const src = byKey.get(`${batch.songIds[i]}@${batch.startBeats[i]}`);
      if (!src) throw new InputError({ file: o.manifestPath, message: `segment ${batch.songIds[i]}@${batch.startBeats[i]} not found in the shards` });
      return src;
    });
    if (mode === 'autoregressive') {
      // every window first: a song's windows are decoded in order once all are read
      segs.forEach((s, i) => pending.push({ src: srcs[i], input: { audio: s.audio.slice(), chords: s.chords.slice() } }));
      continue;
    }
    const windows = mode === 'texture' ? segs.map((s, i) => ({ ...s, pianoRoll: textureRoll(o.texture!, srcs[i].startBeat) })) : segs;
    const notes = await arrangeSegments(o.trained.model, windows, { seed: rng.int(2 ** 31), temperature: o.temperature, eos: o.eos, chordBass: o.chordBass, batchSize: batch.size });
    for (let i = 0; i < batch.size; i++) outRows.push({ ...srcs[i], notes: notes[i] });
    o.onProgress?.(outRows.length, rows.length);
  }
  if (mode === 'autoregressive') {
    const prev = previousWindows(pending.map((p) => ({ song: p.src.songId, startBeat: p.src.startBeat })));
    const notes = await arrangeAutoregressive(
      o.trained.model,
      pending.map((p) => p.input),
      prev,
      { seed: rng.int(2 ** 31), temperature: o.temperature, eos: o.eos, chordBass: o.chordBass, batchSize: o.batchSize ?? 32, onProgress: (n) => o.onProgress?.(n, rows.length) },
    );
    pending.forEach((p, i) => outRows.push({ ...p.src, notes: notes[i] }));
  }
  await fs.mkdir(path.join(o.outDir, 'shards'), { recursive: true });
  await fs.mkdir(path.join(o.outDir, 'midi'), { recursive: true });
  const shard = await writeSegmentShard(path.join(o.outDir, 'shards', `${o.split}-00000.arrow`), outRows);
  const songs = new Map<string, SegmentRow[]>();
  for (const r of outRows) songs.set(r.songId, [...(songs.get(r.songId) ?? []), r]);
  for (const [songId, segs] of songs) {
    const rate = segs[0].sampleRate;
    // beat times of the song from the windows' beat sample positions
    const beatTimes = new Map<number, number>();
    for (const s of segs) s.beatSamples.forEach((v, k) => beatTimes.set(s.startBeat + k, v / rate));
    const maxBeat = Math.max(...beatTimes.keys());
    const times: number[] = [];
    for (let b = 0; b <= maxBeat; b++) times.push(beatTimes.get(b) ?? (times.length ? times[times.length - 1] + 0.5 : 0));
    await writeMidi(path.join(o.outDir, 'midi', `${songId}.mid`), stitchSegments(segs), { beatTimesSec: times });
  }
  const meta = {
    system: o.system ?? 'a2s',
    variant: o.variant ?? o.trained.config.model.variant,
    seed: o.seed,
    temperature: o.temperature,
    ...(o.eos ? { eosThreshold: o.eos } : {}),
    ...(o.chordBass && o.chordBass !== 'off' ? { chordBass: o.chordBass } : {}),
    mode,
    ...(o.texture ? { texture: path.resolve(o.texture.file) } : {}),
    trainedFor: o.trained.trainedFor,
    manifestPath: path.resolve(o.manifestPath),
    split: o.split,
    checkpoint: path.resolve(o.trained.checkpointDir),
    position: o.trained.position,
    shards: [{ path: `shards/${o.split}-00000.arrow`, rows: shard.rows, sha256: shard.sha256 }],
    createdAt: new Date().toISOString(),
  };
  await writeFileAtomic(path.join(o.outDir, 'predictions.json'), JSON.stringify(meta, null, 2) + '\n');
  return { segments: outRows.length, songs: songs.size };
}
