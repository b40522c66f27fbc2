/**
 * PianoTree decoders from z = [z_chd | z_aud | z_sym] (+ per-step feature embedding) to pitch logits
 * `[B, 32, 15, 130]` and duration-bit logits `[B, 32, 15, 5, 2]`.
 * - `pianotree-gru`: the reference's hierarchy (time-level GRU, then note-level GRU per step). In training the
 *   time-level input is always the ground-truth summary of the previous step's notes, so the note-level GRU
 *   runs over all B·32 steps as one batch (15 recurrent steps instead of 32×15).
 * - `parallel`: non-autoregressive over time: position embeddings + a temporal conv over steps, then one MLP
 *   per note slot; all 32×15 slots in one pass. With `slotContext: 'causal-pitch'` each slot also sees its step's
 *   earlier notes (the previous note's pitch and the mean of all earlier pitches, teacher-forced in training so
 *   the pass stays one pass; at inference 15 slot steps, each over all B·32 time steps) and a note's duration
 *   is predicted given its pitch. With `rhythm: 'autoregressive'` a rhythm head first decides step after step
 *   whether each step has an onset (given z and the earlier steps' onsets); the slots see the onset pattern
 *   and a step's first slot is EOS exactly when it has no onset.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@a2s/dataset';
import { DURATION_BITS, PITCH_EOS, PITCH_SOS } from '@a2s/features';
import { SEGMENT_STEPS } from '@a2s/dataset';
import type { ModelConfig } from '../config/model-config.ts';
import type { ParamStore } from '../nn/params.ts';
import { gatherRows, matMul } from '../nn/matmul.ts';
import {
  applyLinear,
  biGru,
  gru,
  gruCell,
  gruWhT,
  linear,
  runBiGruLast,
  runGru,
  type BiGru,
  type Gru,
  type Linear,
} from '../nn/layers.ts';
import { NOTE_SIZE, ONSET_LAGS, ONSET_WINDOW, onsetContext, PITCH_OUT, SLOTS, writeOnsetLags, type ModelInputs } from './inputs.ts';

/** Training logits on the non-PAD slots only (`ModelInputs.slotRows`): pitch `[M, 130]`, duration bits `[M, 5, 2]`. */
export interface TreeLogits {
  pitch: tf.Tensor2D;
  dur: tf.Tensor3D;
  /** `rhythm: 'autoregressive'`: onset logits `[B, 32]` of the rhythm head (teacher-forced). */
  onset?: tf.Tensor2D;
}

export interface GruTreeDecoder {
  kind: 'pianotree-gru';
  noteEmb: Linear;
  summaryGru: BiGru | null;
  summaryPool: Linear | null;
  zHid: Linear;
  zIn: Linear;
  timeInit: tf.Variable;
  timeGru: Gru;
  timeToNotes: Linear;
  notesGru: Gru;
  pitchOut: Linear;
  durOut: Linear;
  featDim: number;
}

export interface ParallelTreeDecoder {
  kind: 'parallel';
  zBase: Linear;
  featIn: Linear | null;
  pos: tf.Variable;
  conv: Linear;
  kernel: number;
  slotIn: Linear;
  slotEmb: tf.Variable;
  pitchOut: Linear;
  durOut: Linear;
  causal: CausalSlots | null;
  rhythm: RhythmHead | null;
}

/** The `rhythm: 'autoregressive'` layers of the parallel decoder. */
interface RhythmHead {
  /** step state → head hidden */
  stepIn: Linear;
  /** onset flags of the earlier steps `[ONSET_LAGS]` → head hidden */
  lagIn: Linear;
  /** head hidden → onset logit */
  out: Linear;
  /** onset flags of steps −15..+16 `[ONSET_WINDOW]` → added (relu'd) to the step state */
  window: Linear;
}

/** Added to the logits a step's first slot may not take (EOS after an onset, any note after none). */
const FORBIDDEN = -1e4;

/** The `slotContext: 'causal-pitch'` layers of the parallel decoder. */
interface CausalSlots {
  /** [previous pitch | mean of the step's pitches so far] `2·PITCH_OUT` one-hots → slotHidden */
  tokIn: Linear;
  /** residual layer after the token input */
  mix: Linear;
  /** the note's pitch one-hot → added to the duration head's input */
  durPitch: Linear;
}

export type TreeDecoder = GruTreeDecoder | ParallelTreeDecoder;

export function treeDecoder(ps: ParamStore, cfg: ModelConfig, zDim: number, featDim: number): TreeDecoder {
  if (cfg.decoder === 'parallel') {
    const p = cfg.parallel;
    if (p.convKernel % 2 !== 1) throw new Error('model config: parallel.convKernel must be odd');
    return {
      kind: 'parallel',
      zBase: linear(ps, 'ptDec.zBase', zDim, p.hidden),
      featIn: featDim > 0 ? linear(ps, 'ptDec.featIn', featDim, p.hidden) : null,
      pos: ps.uniform('ptDec.pos', [1, SEGMENT_STEPS, p.hidden], p.hidden),
      conv: linear(ps, 'ptDec.conv', p.convKernel * p.hidden, p.hidden),
      kernel: p.convKernel,
      slotIn: linear(ps, 'ptDec.slotIn', p.hidden, p.slotHidden),
      slotEmb: ps.uniform('ptDec.slotEmb', [1, 1, SLOTS, p.slotHidden], p.slotHidden),
      pitchOut: linear(ps, 'ptDec.pitchOut', p.slotHidden, PITCH_OUT),
      durOut: linear(ps, 'ptDec.durOut', p.slotHidden, DURATION_BITS * 2),
      causal:
        p.slotContext === 'causal-pitch'
          ? {
              tokIn: linear(ps, 'ptDec.tokIn', 2 * PITCH_OUT, p.slotHidden),
              mix: linear(ps, 'ptDec.mix', p.slotHidden, p.slotHidden),
              durPitch: linear(ps, 'ptDec.durPitch', PITCH_OUT, p.slotHidden),
            }
          : null,
      rhythm:
        p.rhythm === 'autoregressive'
          ? {
              stepIn: linear(ps, 'ptDec.rhythm.stepIn', p.hidden, p.slotHidden),
              lagIn: linear(ps, 'ptDec.rhythm.lagIn', ONSET_LAGS, p.slotHidden),
              out: linear(ps, 'ptDec.rhythm.out', p.slotHidden, 1),
              window: linear(ps, 'ptDec.rhythm.window', ONSET_WINDOW, p.hidden),
            }
          : null,
    };
  }
  const t = cfg.pianoTree;
  return {
    kind: 'pianotree-gru',
    noteEmb: linear(ps, 'ptDec.noteEmb', NOTE_SIZE, t.noteEmb),
    summaryGru: t.noteSummary === 'bigru' ? biGru(ps, 'ptDec.summary', t.noteEmb, t.embHidden) : null,
    summaryPool: t.noteSummary === 'pool' ? linear(ps, 'ptDec.summaryPool', t.noteEmb, 2 * t.embHidden) : null,
    zHid: linear(ps, 'ptDec.zHid', zDim, t.timeHidden),
    zIn: linear(ps, 'ptDec.zIn', zDim, t.zIn),
    timeInit: ps.rand('ptDec.timeInit', [1, 2 * t.embHidden]),
    timeGru: gru(ps, 'ptDec.timeGru', 2 * t.embHidden + t.zIn + featDim, t.timeHidden),
    timeToNotes: linear(ps, 'ptDec.timeToNotes', t.timeHidden, t.notesHidden),
    notesGru: gru(ps, 'ptDec.notesGru', t.timeHidden + t.noteEmb, t.notesHidden),
    pitchOut: linear(ps, 'ptDec.pitchOut', t.notesHidden, PITCH_OUT),
    durOut: linear(ps, 'ptDec.durOut', t.notesHidden, DURATION_BITS * 2),
    featDim,
  };
}

/** Summary `[N, 2·embHidden]` of note embeddings `[N, 16, noteEmb]` with validity mask `[N, 16]`. */
function summarise(m: GruTreeDecoder, emb: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  if (m.summaryGru) return runBiGruLast(m.summaryGru, emb, mask);
  const m3 = mask.expandDims(2);
  const mean = tf.div(tf.sum(tf.mul(emb, m3), 1), tf.maximum(tf.sum(m3, 1), 1)) as tf.Tensor2D;
  return applyLinear(m.summaryPool!, mean, 'relu') as tf.Tensor2D;
}

/** Predicted note token `[N, 135]` from one step's pitch and duration logits, by argmax (no gradient). */
function predictedToken(pitchLogits: tf.Tensor2D, durLogits: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const N = pitchLogits.shape[0];
    const pitch = tf.oneHot(tf.argMax(pitchLogits, 1), PITCH_OUT).toFloat();
    const bits = tf.argMax(durLogits.reshape([N, DURATION_BITS, 2]), 2).toFloat();
    return tf.concat([pitch, bits], 1) as tf.Tensor2D;
  });
}

function splitNotesWeights(m: GruTreeDecoder): { wTime: tf.Tensor2D; wTok: tf.Tensor2D } {
  const Ht = m.timeGru.hidden;
  const Hn3 = 3 * m.notesGru.hidden;
  return {
    wTime: m.notesGru.wx.slice([0, 0], [Ht, Hn3]) as tf.Tensor2D,
    wTok: m.notesGru.wx.slice([Ht, 0], [m.noteEmb.outDim, Hn3]) as tf.Tensor2D,
  };
}

/** Training pass (teacher-forced at the time level, scheduled sampling with `tfrNote` at the note level). */
export function decodeTreeTrain(
  m: TreeDecoder,
  z: tf.Tensor2D,
  featEmb: tf.Tensor3D | null,
  inputs: ModelInputs,
  tfrNote: number,
  rng: Rng,
): TreeLogits {
  if (m.kind === 'parallel') {
    let steps = parallelSteps(m, z, featEmb);
    let onset: tf.Tensor2D | undefined;
    if (m.rhythm) {
      onset = rhythmLogits(m.rhythm, steps, inputs.onsetLags).reshape([z.shape[0], SEGMENT_STEPS]) as tf.Tensor2D;
      steps = withOnsetWindow(m.rhythm, steps, inputs.onsetWindow);
    }
    const out = m.causal ? causalSlotsTrain(m, m.causal, steps, inputs) : slotLogits(m, gatherRows(slotStates(m, steps), inputs.slotRows));
    if (!m.rhythm) return out;
    return { pitch: tf.add(out.pitch, firstSlotMask(inputs.firstSlot)) as tf.Tensor2D, dur: out.dur, onset };
  }
  const B = z.shape[0];
  const T = SEGMENT_STEPS;
  const N = B * T;
  const S = SLOTS + 1;
  const emb = applyLinear(m.noteEmb, inputs.noteTokens) as tf.Tensor4D; // [B, 32, 16, E]
  const E = m.noteEmb.outDim;
  const summary = summarise(m, emb.reshape([N, S, E]), inputs.noteMask).reshape([B, T, -1]);
  const tokens = tf.concat([tf.tile(m.timeInit.expandDims(0), [B, 1, 1]), summary.slice([0, 0, 0], [B, T - 1, -1])], 1);
  const zIn = tf.tile(applyLinear(m.zIn, z).expandDims(1), [1, T, 1]);
  const timeIn = (featEmb ? tf.concat([tokens, zIn, featEmb], 2) : tf.concat([tokens, zIn], 2)) as tf.Tensor3D;
  const timeOut = runGru(m.timeGru, timeIn, { h0: applyLinear(m.zHid, z) as tf.Tensor2D, keepOutputs: true }).outputs!;
  const th = timeOut.reshape([N, -1]) as tf.Tensor2D;
  const { wTime, wTok } = splitNotesWeights(m);
  const xTime = tf.add(matMul(th, wTime), m.notesGru.bx) as tf.Tensor2D;
  const gtTok = tf.unstack(matMul(emb.slice([0, 0, 0, 0], [B, T, SLOTS, E]).reshape([N * SLOTS, E]), wTok).reshape([N, SLOTS, -1]), 1) as tf.Tensor2D[];
  let h = applyLinear(m.timeToNotes, th) as tf.Tensor2D;
  let xTok = gtTok[0];
  const outs: tf.Tensor2D[] = [];
  const notesWhT = gruWhT(m.notesGru);
  for (let s = 0; s < SLOTS; s++) {
    h = gruCell(m.notesGru, tf.add(xTime, xTok) as tf.Tensor2D, h, notesWhT);
    outs.push(h);
    if (s === SLOTS - 1) break;
    if (rng.next() < tfrNote) xTok = gtTok[s + 1];
    else {
      const tok = predictedToken(applyLinear(m.pitchOut, h) as tf.Tensor2D, applyLinear(m.durOut, h) as tf.Tensor2D);
      xTok = matMul(applyLinear(m.noteEmb, tok) as tf.Tensor2D, wTok) as tf.Tensor2D;
    }
  }
  const hs = tf.stack(outs, 1).reshape([N * SLOTS, -1]) as tf.Tensor2D; // [N·15, Hn]
  return slotLogits(m, gatherRows(hs, inputs.slotRows));
}

function slotLogits(m: TreeDecoder, rows: tf.Tensor2D): TreeLogits {
  return {
    pitch: applyLinear(m.pitchOut, rows) as tf.Tensor2D,
    dur: applyLinear(m.durOut, rows).reshape([-1, DURATION_BITS, 2]) as tf.Tensor3D,
  };
}

/** Hidden state of every note slot `[B·32·15, slotHidden]` from the step states `[B, 32, hidden]`. */
function slotStates(m: ParallelTreeDecoder, steps: tf.Tensor3D): tf.Tensor2D {
  return tf.relu(tf.add(applyLinear(m.slotIn, steps).expandDims(2), m.slotEmb)).reshape([-1, m.slotIn.outDim]) as tf.Tensor2D;
}

/** Onset logits `[R]` of the rhythm head from the step states (`[B, 32, hidden]` or `[R, hidden]`) and their earlier steps' onsets `[R, ONSET_LAGS]`. */
function rhythmLogits(r: RhythmHead, steps: tf.Tensor, lags: tf.Tensor2D): tf.Tensor1D {
  const base = applyLinear(r.stepIn, steps).reshape([-1, r.stepIn.outDim]);
  return applyLinear(r.out, tf.relu(tf.add(base, applyLinear(r.lagIn, lags)))).reshape([-1]) as tf.Tensor1D;
}

/** Step states `[B, 32, hidden]` plus the (relu'd) projection of the onset pattern around each step `[B·32, ONSET_WINDOW]`. */
function withOnsetWindow(r: RhythmHead, steps: tf.Tensor3D, window: tf.Tensor2D): tf.Tensor3D {
  return tf.add(steps, applyLinear(r.window, window, 'relu').reshape(steps.shape)) as tf.Tensor3D;
}

/** Pitch-logit mask `[R, 130]` of first slots from their flags `[R, 2]` = [step has an onset, step is empty]. */
function firstSlotMask(flags: tf.Tensor2D): tf.Tensor2D {
  const eos = new Float32Array(2 * PITCH_OUT);
  eos[PITCH_EOS] = FORBIDDEN; // after an onset: no EOS
  for (let k = 0; k < PITCH_OUT; k++) if (k !== PITCH_EOS) eos[PITCH_OUT + k] = FORBIDDEN; // empty step: EOS only
  return matMul(flags, tf.tensor2d(eos, [2, PITCH_OUT])) as tf.Tensor2D;
}

/**
 * Inference of the rhythm head: the 32 steps one after the other, each seeing the onsets decided before it;
 * returns the onset flags `[B·32]`. Greedy at temperature 0 (onset when the logit is > 0, or with an EOS
 * threshold when the probability of no onset, 1 − σ(logit), is below `eos.first`), else a Bernoulli draw with
 * probability σ(logit / temperature) from the seeded rng.
 */
function decideOnsets(r: RhythmHead, steps: tf.Tensor3D, dec: Decoding): Float32Array {
  const { temperature, rng } = dec;
  const minLogit = dec.eos ? Math.log((1 - dec.eos.first) / dec.eos.first) : 0; // σ(l) > 1 − first ⇔ l > log((1 − first) / first)
  const [B, T] = steps.shape;
  const onsets = new Float32Array(B * T);
  const lagsT = new Float32Array(B * ONSET_LAGS); // row t of onsetContext's lags, for every segment
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) writeOnsetLags(onsets, b, t, lagsT, b * ONSET_LAGS);
    const logits = tf.tidy(() => rhythmLogits(r, steps.slice([0, t, 0], [B, 1, -1]), tf.tensor2d(lagsT, [B, ONSET_LAGS])).dataSync());
    for (let b = 0; b < B; b++) {
      const on = temperature <= 0 ? logits[b] > minLogit : rng.next() < 1 / (1 + Math.exp(-logits[b] / temperature));
      onsets[b * T + t] = on ? 1 : 0;
    }
  }
  return onsets;
}

/** First-slot flags `[B·32, 2]` ([onset, empty]) of decided onsets. */
function firstSlotFlags(onsets: Float32Array): tf.Tensor2D {
  const f = new Float32Array(onsets.length * 2);
  for (let i = 0; i < onsets.length; i++) f[i * 2 + (onsets[i] ? 0 : 1)] = 1;
  return tf.tensor2d(f, [onsets.length, 2]);
}

/** Step states `[B, 32, hidden]`: z (+ features) + position, then a residual temporal conv. */
function parallelSteps(m: ParallelTreeDecoder, z: tf.Tensor2D, featEmb: tf.Tensor3D | null): tf.Tensor3D {
  const B = z.shape[0];
  const T = SEGMENT_STEPS;
  let h0: tf.Tensor = tf.add(applyLinear(m.zBase, z).expandDims(1), m.pos);
  if (m.featIn && featEmb) h0 = tf.add(h0, applyLinear(m.featIn, featEmb));
  h0 = tf.relu(h0); // [B, 32, H]
  const half = (m.kernel - 1) / 2;
  const padded = half > 0 ? tf.pad(h0, [[0, 0], [half, half], [0, 0]]) : h0;
  const shifted: tf.Tensor[] = [];
  for (let k = 0; k < m.kernel; k++) shifted.push(padded.slice([0, k, 0], [B, T, -1]));
  return tf.add(h0, applyLinear(m.conv, tf.concat(shifted, 2), 'relu')) as tf.Tensor3D; // residual temporal conv
}

/** Causal slot state from the slot's base pre-activation `[R, H]` and its pitch context `[R, 2·PITCH_OUT]`. */
function causalHidden(c: CausalSlots, base: tf.Tensor2D, ctx: tf.Tensor2D): tf.Tensor2D {
  const h1 = tf.relu(tf.add(base, applyLinear(c.tokIn, ctx)));
  return tf.add(h1, applyLinear(c.mix, h1, 'relu')) as tf.Tensor2D;
}

function causalDurLogits(m: ParallelTreeDecoder, c: CausalSlots, h: tf.Tensor2D, pitchOneHot: tf.Tensor2D): tf.Tensor2D {
  return applyLinear(m.durOut, tf.relu(tf.add(h, applyLinear(c.durPitch, pitchOneHot)))) as tf.Tensor2D;
}

/**
 * Teacher-forced causal slots, computed on the non-PAD rows only: slot s sees token s of the step (SOS for
 * the first slot, else the previous note) and the mean of tokens 0..s; its duration sees its target pitch.
 */
function causalSlotsTrain(m: ParallelTreeDecoder, c: CausalSlots, steps: tf.Tensor3D, inputs: ModelInputs): TreeLogits {
  const [B, T] = steps.shape;
  const base = tf.add(applyLinear(m.slotIn, steps).expandDims(2), m.slotEmb); // [B, 32, 15, H]
  const rows = gatherRows(base.reshape([B * T * SLOTS, -1]) as tf.Tensor2D, inputs.slotRows);
  // the pitch columns of the [previous token | running mean] context (the duration bits are not used)
  const ctx = tf.concat([inputs.slotContext.slice([0, 0], [-1, PITCH_OUT]), inputs.slotContext.slice([0, NOTE_SIZE], [-1, PITCH_OUT])], 1) as tf.Tensor2D;
  const h = causalHidden(c, rows, ctx);
  return {
    pitch: applyLinear(m.pitchOut, h) as tf.Tensor2D,
    dur: causalDurLogits(m, c, h, inputs.pitchTarget).reshape([-1, DURATION_BITS, 2]) as tf.Tensor3D,
  };
}

/**
 * Autoregressive over the 15 slots, all N = B·32 steps at once, from the steps' slot-input projections
 * `stepBase` `[N, slotHidden]`; returns pitch `[N, 15]` and duration bits `[N, 15, 5]`.
 */
function causalSlotsInfer(
  m: ParallelTreeDecoder,
  c: CausalSlots,
  stepBase: tf.Tensor2D,
  dec: Decoding,
  firstMask: tf.Tensor2D | null = null,
): { pitch: tf.Tensor; durBits: tf.Tensor } {
  const [N, H] = stepBase.shape;
  const sosRow = new Float32Array(PITCH_OUT);
  sosRow[PITCH_SOS] = 1;
  let tok = tf.tile(tf.tensor2d(sosRow, [1, PITCH_OUT]), [N, 1]) as tf.Tensor2D;
  let sum = tf.zeros([N, PITCH_OUT]) as tf.Tensor2D;
  const pitches: tf.Tensor[] = [];
  const durs: tf.Tensor[] = [];
  for (let s = 0; s < SLOTS; s++) {
    sum = tf.add(sum, tok) as tf.Tensor2D;
    const ctx = tf.concat([tok, tf.div(sum, s + 1)], 1) as tf.Tensor2D;
    const base = tf.add(stepBase, m.slotEmb.slice([0, 0, s, 0], [1, 1, 1, H]).reshape([1, H])) as tf.Tensor2D;
    const h = causalHidden(c, base, ctx);
    const logits = applyLinear(m.pitchOut, h);
    const p = pick(s === 0 && firstMask ? tf.add(logits, firstMask) : logits, dec, s === 0 ? 'first' : 'rest');
    const pOne = tf.oneHot(p, PITCH_OUT).toFloat() as tf.Tensor2D;
    const d = tf.argMax(causalDurLogits(m, c, h, pOne).reshape([N, DURATION_BITS, 2]), 2);
    pitches.push(p);
    durs.push(d);
    tok = pOne;
  }
  return { pitch: tf.stack(pitches, 1), durBits: tf.stack(durs, 1) };
}

/** Gumbel noise for sampling at `temperature` (> 0), drawn from the seeded rng. */
function gumbel(shape: number[], rng: Rng): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) g[i] = -Math.log(-Math.log(Math.max(rng.next(), 1e-12)) + 1e-12);
  return tf.tensor(g, shape);
}

/**
 * Greedy decoding's rule for ending a step's notes. Plain argmax lets EOS win whenever it beats the single most
 * likely pitch, even when the notes together are far more likely than EOS (the probability spread over several
 * pitches): it under-plays. With a threshold, EOS is taken where its own probability reaches `first` (a step's
 * first slot: the step has no onset) or `rest` (a later slot: no further note in the step), else the most likely
 * other class. 0.5 is the most likely of the two outcomes "EOS" and "a note"; lower thresholds play less, higher
 * ones more.
 */
export interface EosThreshold {
  first: number;
  rest: number;
}

/** How pitches are picked at inference. */
export interface Decoding {
  /** 0 = greedy; > 0 samples pitches at this temperature (Gumbel-max from `rng`). */
  temperature: number;
  rng: Rng;
  /** Greedy only: the EOS rule above; null = plain argmax. */
  eos: EosThreshold | null;
}

/** Adds -1e4 to the EOS logit (last axis), so that the argmax is the most likely other class. */
function withoutEos(logits: tf.Tensor): tf.Tensor {
  const mask = new Float32Array(PITCH_OUT);
  mask[PITCH_EOS] = FORBIDDEN;
  return tf.add(logits, tf.tensor1d(mask));
}

/**
 * Picks pitch indices `[...]` from logits `[..., 130]`: argmax at temperature 0 (with the EOS threshold of
 * `slot` when `dec.eos` is set), else a Gumbel-max sample.
 */
function pick(logits: tf.Tensor, dec: Decoding, slot: 'first' | 'rest'): tf.Tensor {
  const axis = logits.shape.length - 1;
  if (dec.temperature > 0) return tf.argMax(tf.add(tf.div(logits, dec.temperature), gumbel(logits.shape, dec.rng)), axis);
  if (!dec.eos) return tf.argMax(logits, axis);
  const pEos = tf.gather(tf.softmax(logits), PITCH_EOS, axis); // a scalar index drops the class axis
  const other = tf.argMax(withoutEos(logits), axis);
  return tf.where(tf.greaterEqual(pEos, dec.eos[slot]), tf.fill(other.shape, PITCH_EOS, 'int32'), other);
}

/**
 * Inference: the predicted tree `[B, 32, 16, 6]` as int32 (slot 0 = SOS, then notes until EOS, then PAD).
 * Pitches are sampled at `dec.temperature` (0 = greedy, with `dec.eos`'s rule if set); duration bits are always greedy.
 */
export function decodeTreeInfer(
  m: TreeDecoder,
  z: tf.Tensor2D,
  featEmb: tf.Tensor3D | null,
  dec: Decoding,
): { pitch: tf.Tensor; durBits: tf.Tensor } {
  const B = z.shape[0];
  if (m.kind === 'parallel') {
    let steps = parallelSteps(m, z, featEmb);
    let firstMask: tf.Tensor2D | null = null;
    if (m.rhythm) {
      const onsets = decideOnsets(m.rhythm, steps, dec);
      steps = withOnsetWindow(m.rhythm, steps, tf.tensor2d(onsetContext(onsets, B).window, [B * SEGMENT_STEPS, ONSET_WINDOW]));
      firstMask = firstSlotMask(firstSlotFlags(onsets));
    }
    if (m.causal) {
      const stepBase = applyLinear(m.slotIn, steps).reshape([B * SEGMENT_STEPS, -1]) as tf.Tensor2D;
      const out = causalSlotsInfer(m, m.causal, stepBase, dec, firstMask);
      return { pitch: out.pitch.reshape([B, SEGMENT_STEPS, SLOTS]), durBits: out.durBits.reshape([B, SEGMENT_STEPS, SLOTS, DURATION_BITS]) };
    }
    const slots = slotStates(m, steps);
    let pitch = applyLinear(m.pitchOut, slots).reshape([B * SEGMENT_STEPS, SLOTS, PITCH_OUT]);
    if (firstMask) pitch = tf.concat([tf.add(pitch.slice([0, 0, 0], [-1, 1, -1]), firstMask.expandDims(1)), pitch.slice([0, 1, 0], [-1, -1, -1])], 1);
    const dur = applyLinear(m.durOut, slots).reshape([B, SEGMENT_STEPS, SLOTS, DURATION_BITS, 2]);
    // one pick over all slots unless the first slot has its own EOS threshold (keeps the sampled draws as before)
    const picked = dec.eos && dec.temperature <= 0
      ? tf.concat([pick(pitch.slice([0, 0, 0], [-1, 1, -1]), dec, 'first'), pick(pitch.slice([0, 1, 0], [-1, -1, -1]), dec, 'rest')], 1)
      : pick(pitch, dec, 'rest');
    return { pitch: picked.reshape([B, SEGMENT_STEPS, SLOTS]), durBits: tf.argMax(dur, 4) };
  }
  const T = SEGMENT_STEPS;
  const { wTime, wTok } = splitNotesWeights(m);
  const zIn = applyLinear(m.zIn, z);
  let ht = applyLinear(m.zHid, z) as tf.Tensor2D;
  const timeW = m.timeGru;
  const sos = tf.tidy(() => {
    const v = new Float32Array(NOTE_SIZE);
    v[PITCH_SOS] = 1;
    return tf.tile(tf.tensor2d(v, [1, NOTE_SIZE]), [B, 1]) as tf.Tensor2D;
  });
  let token = tf.tile(m.timeInit, [B, 1]) as tf.Tensor2D;
  const timeWhT = gruWhT(timeW);
  const notesWhT = gruWhT(m.notesGru);
  const pitches: tf.Tensor[] = [];
  const durs: tf.Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const parts = [token, zIn];
    if (featEmb) parts.push(featEmb.slice([0, t, 0], [B, 1, -1]).reshape([B, -1]));
    const x = applyLinear({ w: timeW.wx, b: timeW.bx, inDim: timeW.inDim, outDim: 3 * timeW.hidden }, tf.concat(parts, 1)) as tf.Tensor2D;
    ht = gruCell(timeW, x, ht, timeWhT);
    const xTime = tf.add(matMul(ht, wTime), m.notesGru.bx) as tf.Tensor2D;
    let h = applyLinear(m.timeToNotes, ht) as tf.Tensor2D;
    let tok = sos;
    const stepTokens: tf.Tensor2D[] = [sos];
    const stepPitch: tf.Tensor[] = [];
    const stepDur: tf.Tensor[] = [];
    for (let s = 0; s < SLOTS; s++) {
      h = gruCell(m.notesGru, tf.add(xTime, matMul(applyLinear(m.noteEmb, tok) as tf.Tensor2D, wTok)) as tf.Tensor2D, h, notesWhT);
      const p = pick(applyLinear(m.pitchOut, h), dec, s === 0 ? 'first' : 'rest');
      const d = tf.argMax(applyLinear(m.durOut, h).reshape([B, DURATION_BITS, 2]), 2);
      stepPitch.push(p);
      stepDur.push(d);
      tok = tf.concat([tf.oneHot(p, PITCH_OUT).toFloat(), d.toFloat()], 1) as tf.Tensor2D;
      stepTokens.push(tok);
    }
    const pStep = tf.stack(stepPitch, 1); // [B, 15]
    pitches.push(pStep);
    durs.push(tf.stack(stepDur, 1));
    // mask: SOS and slots up to and including the first EOS
    const isEos = tf.equal(pStep, PITCH_EOS).toFloat();
    const before = tf.sub(tf.cumsum(isEos, 1), isEos); // EOS seen before this slot
    const mask = tf.concat([tf.ones([B, 1]), tf.equal(before, 0).toFloat()], 1) as tf.Tensor2D;
    const embs = applyLinear(m.noteEmb, tf.stack(stepTokens, 1)) as tf.Tensor3D;
    token = summarise(m, embs, mask);
  }
  return { pitch: tf.stack(pitches, 1), durBits: tf.stack(durs, 1) };
}
