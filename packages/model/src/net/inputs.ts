import * as tf from '@tensorflow/tfjs-core';
import {
  CHORD_DIMS,
  DURATION_BITS,
  PIANOTREE_COLUMNS,
  PIANOTREE_MAX_NOTES,
  PITCH_EOS,
  PITCH_PAD,
  PITCHES,
  type Batch,
} from '@a2s/features';
import { SEGMENT_BEATS, SEGMENT_STEPS } from '@a2s/dataset';

/** Pitch classes of the decoder's softmax: MIDI 0–127, SOS, EOS (PAD is ignored, as in the reference). */
export const PITCH_OUT = PITCH_PAD;
/** Note token fed to the note embedding: pitch one-hot (130) | duration bits (5). */
export const NOTE_SIZE = PITCH_OUT + DURATION_BITS;
/** Predicted note slots per step (slot 0 is SOS). */
export const SLOTS = PIANOTREE_MAX_NOTES - 1;

/** Onset-context widths of the parallel decoder's rhythm head: every earlier step of the segment, and a window of steps −15..+16. */
export const ONSET_LAGS = SEGMENT_STEPS - 1;
export const ONSET_WINDOW = SEGMENT_STEPS;
const ONSET_WINDOW_BEFORE = 15;

/**
 * Onset context of every step from its segment's onset flags `onsets` `[B·32]` (1 = the step has a note):
 * `lags` `[B·32, 31]` holds the flag of step t−k at column k−1 and `window` `[B·32, 32]` the flag of step t+j
 * at column j+15 (j = −15..16); steps outside the segment count as 0.
 */
export function onsetContext(onsets: ArrayLike<number>, B: number): { lags: Float32Array; window: Float32Array } {
  const T = SEGMENT_STEPS;
  const lags = new Float32Array(B * T * ONSET_LAGS);
  const window = new Float32Array(B * T * ONSET_WINDOW);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      writeOnsetLags(onsets, b, t, lags, row * ONSET_LAGS);
      for (let c = 0; c < ONSET_WINDOW; c++) {
        const u = t + c - ONSET_WINDOW_BEFORE;
        if (u >= 0 && u < T) window[row * ONSET_WINDOW + c] = onsets[b * T + u];
      }
    }
  }
  return { lags, window };
}

/**
 * Writes the `lags` row of step t of segment b ({@link onsetContext}: flag of step t−k at column k−1, for
 * k = 1..t) into `out` from index `at`; columns k > t (before the segment) are left as they are (zeros).
 */
export function writeOnsetLags(onsets: ArrayLike<number>, b: number, t: number, out: Float32Array, at: number): void {
  for (let k = 1; k <= t; k++) out[at + k - 1] = onsets[b * SEGMENT_STEPS + t - k];
}

/** A batch as tensors, with the one-hot targets the losses need. Dispose with {@link disposeInputs}. */
export interface ModelInputs {
  size: number;
  /** `[B, F, bins]` */
  audio: tf.Tensor3D;
  /** `[B, 8, 36]` */
  chords: tf.Tensor3D;
  /** `[B, 32, 128]` */
  pianoRoll: tf.Tensor3D;
  /** `[B, 32, 16, 135]` teacher-forcing note tokens (pitch one-hot without PAD | duration bits, pad bits = 0). */
  noteTokens: tf.Tensor4D;
  /** `[B·32, 16]` 1 for slots up to and including EOS (the reference's packed lengths). */
  noteMask: tf.Tensor2D;
  /**
   * Indices (into the B·32·15 predicted slots) of the slots that are not PAD (notes and EOS): losses are only
   * computed there, so the output layers run on these rows only (PAD targets are ignored in the reference too).
   */
  slotRows: tf.Tensor1D;
  /**
   * `[M, 2·NOTE_SIZE]` teacher-forcing context of each `slotRows` slot for the causal parallel decoder: the
   * token before it (SOS or the previous note) | the mean of its step's tokens up to that one.
   */
  slotContext: tf.Tensor2D;
  /** `[B, 32]` 1 where the step has at least one note (the rhythm head's targets). */
  stepOnsets: tf.Tensor2D;
  /** `[B·32, ONSET_LAGS]` and `[B·32, ONSET_WINDOW]`: {@link onsetContext} of `stepOnsets`. */
  onsetLags: tf.Tensor2D;
  onsetWindow: tf.Tensor2D;
  /** `[M, 2]` per `slotRows` row: [first slot of a step with notes, first slot of an empty step]. */
  firstSlot: tf.Tensor2D;
  /** `[M, 130]` one-hot pitch targets of `slotRows`. */
  pitchTarget: tf.Tensor2D;
  pitchCount: number;
  /** `[M, 5, 2]` one-hot duration-bit targets; zero where the bit is DUR_PAD (EOS slots). */
  durTarget: tf.Tensor3D;
  durCount: number;
  /** `[B, 32, 3]` */
  aux: tf.Tensor3D;
  /** `[B, 8, 12]` root one-hot (zero for N), `[B, 8, 12, 2]` chroma bit one-hot, `[B, 8, 12]` bass one-hot. */
  rootTarget: tf.Tensor3D;
  chromaTarget: tf.Tensor4D;
  bassTarget: tf.Tensor3D;
  /** Beats with a root / a bass (N chords have neither and are ignored). */
  rootCount: number;
  bassCount: number;
  /**
   * Set when these inputs are one shard of a larger batch (data-parallel workers, gradient accumulation): the
   * whole batch's sizes and target counts. Losses are then normalised by the whole batch, so that the shards'
   * losses (and gradients) sum to the whole batch's.
   */
  whole?: BatchTotals;
}

/** A batch's size and target counts: the normalisers of its losses. */
export interface BatchTotals {
  size: number;
  pitchCount: number;
  durCount: number;
  rootCount: number;
  bassCount: number;
}

/** {@link BatchTotals} of `batch`: the same counts as {@link batchToInputs}, without building tensors. */
export function batchTotals(batch: Batch): BatchTotals {
  const S = PIANOTREE_MAX_NOTES;
  const tree = batch.pianoTree;
  let pitchCount = 0;
  let durCount = 0;
  for (let bt = 0; bt < batch.size * SEGMENT_STEPS; bt++) {
    for (let s = 1; s < S; s++) {
      const base = (bt * S + s) * PIANOTREE_COLUMNS;
      if (tree[base] === PITCH_PAD) continue;
      pitchCount++;
      for (let k = 0; k < DURATION_BITS; k++) if (tree[base + 1 + k] === 0 || tree[base + 1 + k] === 1) durCount++;
    }
  }
  let rootCount = 0;
  let bassCount = 0;
  for (let i = 0; i < batch.size * SEGMENT_BEATS; i++) {
    for (let k = 0; k < 12; k++) {
      rootCount += batch.chords[i * CHORD_DIMS + k];
      bassCount += batch.chords[i * CHORD_DIMS + 24 + k];
    }
  }
  return { size: batch.size, pitchCount, durCount, rootCount, bassCount };
}

/**
 * Builds the tensors of one batch (host-side loops over typed arrays, then one upload per tensor). `whole`: the
 * totals of the batch this one is a shard of ({@link ModelInputs.whole}).
 */
export function batchToInputs(batch: Batch, whole?: BatchTotals): ModelInputs {
  const B = batch.size;
  const T = SEGMENT_STEPS;
  const S = PIANOTREE_MAX_NOTES;
  const tree = batch.pianoTree;
  const tokens = new Float32Array(B * T * S * NOTE_SIZE);
  const mask = new Float32Array(B * T * S);
  const rows: number[] = [];
  for (let bt = 0; bt < B * T; bt++) {
    for (let s = 1; s < S; s++) if (tree[(bt * S + s) * PIANOTREE_COLUMNS] !== PITCH_PAD) rows.push(bt * SLOTS + (s - 1));
  }
  const M = rows.length;
  const onsets = new Float32Array(B * T);
  for (let bt = 0; bt < B * T; bt++) onsets[bt] = tree[(bt * S + 1) * PIANOTREE_COLUMNS] < PITCHES ? 1 : 0;
  const first = new Float32Array(M * 2);
  for (let r = 0; r < M; r++) {
    if (rows[r] % SLOTS !== 0) continue;
    first[r * 2 + (onsets[Math.floor(rows[r] / SLOTS)] ? 0 : 1)] = 1;
  }
  const onsetCtx = onsetContext(onsets, B);
  const pitchT = new Float32Array(M * PITCH_OUT);
  const durT = new Float32Array(M * DURATION_BITS * 2);
  let durCount = 0;
  for (let r = 0; r < M; r++) {
    const bt = Math.floor(rows[r] / SLOTS);
    const s = (rows[r] % SLOTS) + 1;
    const base = (bt * S + s) * PIANOTREE_COLUMNS;
    pitchT[r * PITCH_OUT + tree[base]] = 1;
    for (let k = 0; k < DURATION_BITS; k++) {
      const bit = tree[base + 1 + k];
      if (bit === 0 || bit === 1) {
        durT[(r * DURATION_BITS + k) * 2 + bit] = 1;
        durCount++;
      }
    }
  }
  for (let bt = 0; bt < B * T; bt++) {
    let ended = false;
    for (let s = 0; s < S; s++) {
      const base = (bt * S + s) * PIANOTREE_COLUMNS;
      const pitch = tree[base];
      if (!ended) mask[bt * S + s] = 1;
      if (pitch === PITCH_EOS) ended = true;
      const tok = (bt * S + s) * NOTE_SIZE;
      if (pitch < PITCH_OUT) tokens[tok + pitch] = 1;
      for (let k = 0; k < DURATION_BITS; k++) {
        const bit = tree[base + 1 + k];
        if (bit === 0 || bit === 1) tokens[tok + PITCH_OUT + k] = bit;
      }
    }
  }
  // slot context: slot s (0-based among the 15 predicted) sees tokens 0..s of its step (token 0 = SOS)
  const ctx = new Float32Array(M * 2 * NOTE_SIZE);
  for (let r = 0; r < M; r++) {
    const bt = Math.floor(rows[r] / SLOTS);
    const s = rows[r] % SLOTS;
    const out = r * 2 * NOTE_SIZE;
    for (let j = 0; j <= s; j++) {
      const tok = (bt * S + j) * NOTE_SIZE;
      for (let k = 0; k < NOTE_SIZE; k++) ctx[out + NOTE_SIZE + k] += tokens[tok + k];
    }
    const prev = (bt * S + s) * NOTE_SIZE;
    for (let k = 0; k < NOTE_SIZE; k++) {
      ctx[out + k] = tokens[prev + k];
      ctx[out + NOTE_SIZE + k] /= s + 1;
    }
  }
  const nBeats = B * SEGMENT_BEATS;
  const root = new Float32Array(nBeats * 12);
  const chroma = new Float32Array(nBeats * 24);
  const bass = new Float32Array(nBeats * 12);
  let rootCount = 0;
  let bassCount = 0;
  for (let i = 0; i < nBeats; i++) {
    const c = i * CHORD_DIMS;
    for (let k = 0; k < 12; k++) {
      root[i * 12 + k] = batch.chords[c + k];
      bass[i * 12 + k] = batch.chords[c + 24 + k];
      rootCount += batch.chords[c + k];
      bassCount += batch.chords[c + 24 + k];
      const on = batch.chords[c + 12 + k] > 0.5 ? 1 : 0;
      chroma[(i * 12 + k) * 2 + on] = 1;
    }
  }
  return {
    size: B,
    audio: tf.tensor3d(batch.audio, [B, batch.audioFrames, batch.audioBins]),
    chords: tf.tensor3d(batch.chords, [B, SEGMENT_BEATS, CHORD_DIMS]),
    pianoRoll: tf.tensor3d(batch.pianoRoll, [B, T, PITCHES]),
    noteTokens: tf.tensor4d(tokens, [B, T, S, NOTE_SIZE]),
    noteMask: tf.tensor2d(mask, [B * T, S]),
    slotRows: tf.tensor1d(rows, 'int32'),
    slotContext: tf.tensor2d(ctx, [M, 2 * NOTE_SIZE]),
    stepOnsets: tf.tensor2d(onsets, [B, T]),
    onsetLags: tf.tensor2d(onsetCtx.lags, [B * T, ONSET_LAGS]),
    onsetWindow: tf.tensor2d(onsetCtx.window, [B * T, ONSET_WINDOW]),
    firstSlot: tf.tensor2d(first, [M, 2]),
    pitchTarget: tf.tensor2d(pitchT, [M, PITCH_OUT]),
    pitchCount: M,
    durTarget: tf.tensor3d(durT, [M, DURATION_BITS, 2]),
    durCount,
    aux: tf.tensor3d(batch.aux, [B, T, 3]),
    rootTarget: tf.tensor3d(root, [B, SEGMENT_BEATS, 12]),
    chromaTarget: tf.tensor4d(chroma, [B, SEGMENT_BEATS, 12, 2]),
    bassTarget: tf.tensor3d(bass, [B, SEGMENT_BEATS, 12]),
    rootCount,
    bassCount,
    ...(whole ? { whole } : {}),
  };
}

export function disposeInputs(inputs: ModelInputs): void {
  for (const v of Object.values(inputs)) if (v instanceof tf.Tensor) v.dispose();
}

/** Checks that every float input is finite; returns the name of the first bad field, or null. */
export function findNonFinite(batch: Batch): string | null {
  const fields: [string, Float32Array][] = [
    ['audio', batch.audio],
    ['chords', batch.chords],
    ['pianoRoll', batch.pianoRoll],
    ['aux', batch.aux],
  ];
  for (const [name, arr] of fields) for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i])) return name;
  return null;
}
