/** The A2S model: encoders, latent sampling, decoders and the loss, for every variant. */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '@a2s/dataset';
import type { ModelConfig } from '../config/model-config.ts';
import { ParamStore } from '../nn/params.ts';
import { applyLinear, klStandardNormal, linear, samplePosterior, type Linear, type Posterior } from '../nn/layers.ts';
import {
  audioEncoder,
  chordEncoder,
  encodeAudio,
  encodeChords,
  encodeSymbolic,
  symEncoder,
  type AudioEncoder,
  type ChordEncoder,
  type SymEncoder,
} from './encoders.ts';
import { chordDecoder, decodeChords, decodeFeatures, featDecoder, type ChordDecoder, type FeatDecoder } from './aux-decoders.ts';
import { decodeTreeInfer, decodeTreeTrain, treeDecoder, type EosThreshold, type TreeDecoder } from './pianotree.ts';
import type { ModelInputs } from './inputs.ts';
import { lossTerms, type LossTerms } from './losses.ts';

export interface A2SModel {
  readonly config: ModelConfig;
  readonly params: ParamStore;
  readonly chdEnc: ChordEncoder | null;
  readonly chdDec: ChordDecoder | null;
  readonly audEnc: AudioEncoder;
  readonly symEnc: SymEncoder | null;
  readonly featDec: FeatDecoder | null;
  readonly featEmb: Linear | null;
  readonly treeDec: TreeDecoder;
}

export function hasChord(cfg: ModelConfig): boolean {
  return cfg.variant === 'full';
}
export function hasSym(cfg: ModelConfig): boolean {
  return cfg.variant === 'full' || cfg.variant === 'nochd';
}
export function isSupervised(cfg: ModelConfig): boolean {
  return cfg.variant === 'supervised' || cfg.variant === 'supervised+kl';
}

/** Builds the model with weights drawn from `seed` (identical on every backend). */
export function buildModel(cfg: ModelConfig, seed: number): A2SModel {
  const ps = new ParamStore(createRng(seed).fork('init'));
  const chd = hasChord(cfg);
  const sym = hasSym(cfg);
  const sup = isSupervised(cfg);
  const chdEnc = chd ? chordEncoder(ps, cfg) : null;
  const chdDec = chd ? chordDecoder(ps, cfg) : null;
  const audEnc = audioEncoder(ps, cfg, cfg.zAud);
  const symEnc = sym ? symEncoder(ps, cfg) : null;
  const featDec = sup ? null : featDecoder(ps, cfg);
  const featEmb = sup ? null : linear(ps, 'featEmb', 3, cfg.featEmb);
  const zDim = (chd ? cfg.zChd : 0) + cfg.zAud + (sym ? cfg.zSym : 0);
  const treeDec = treeDecoder(ps, cfg, zDim, sup ? 0 : cfg.featEmb);
  return { config: cfg, params: ps, chdEnc, chdDec, audEnc, symEnc, featDec, featEmb, treeDec };
}

/** Per-step knobs of a training forward pass. */
export interface TrainKnobs {
  /** KL weights per latent (0 switches a term off). */
  klWeights: { chd: number; aud: number; sym: number };
  /** Teacher-forcing ratios: time level (feature decoder), note level, chord decoder. */
  tfr: { time: number; note: number; chord: number };
  /** `encode`: z_sym from the piano-roll; `prior`: z_sym ~ N(0, priorStd²), no gradient into the encoder. */
  symbolic: 'encode' | 'prior';
  priorStd: number;
  /** Pitch and duration weights of the PianoTree loss (reference 1, 0.5). */
  pitchWeight: number;
  durWeight: number;
}

function normal(shape: [number, number], rng: Rng, std = 1): tf.Tensor2D {
  const n = shape[0] * shape[1];
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal() * std;
  return tf.tensor2d(v, shape);
}

/** Training forward pass and loss. Call inside tf.variableGrads / tf.tidy. */
export function forwardLoss(model: A2SModel, inputs: ModelInputs, knobs: TrainKnobs, rng: Rng): LossTerms {
  const cfg = model.config;
  const B = inputs.size;
  const posts: { chd?: Posterior; aud: Posterior; sym?: Posterior } = { aud: encodeAudio(model.audEnc, inputs.audio) };
  const zParts: tf.Tensor2D[] = [];
  let zChd: tf.Tensor2D | null = null;
  if (model.chdEnc) {
    posts.chd = encodeChords(model.chdEnc, inputs.chords);
    zChd = samplePosterior(posts.chd, normal([B, cfg.zChd], rng));
    zParts.push(zChd);
  }
  const zAud = cfg.variant === 'supervised' ? posts.aud.mu : samplePosterior(posts.aud, normal([B, cfg.zAud], rng));
  zParts.push(zAud);
  if (model.symEnc) {
    if (knobs.symbolic === 'encode') {
      posts.sym = encodeSymbolic(model.symEnc, inputs.pianoRoll);
      zParts.push(samplePosterior(posts.sym, normal([B, cfg.zSym], rng)));
    } else {
      zParts.push(normal([B, cfg.zSym], rng, knobs.priorStd));
    }
  }
  const z = zParts.length === 1 ? zParts[0] : (tf.concat(zParts, 1) as tf.Tensor2D);
  const chord = model.chdDec && zChd ? decodeChords(model.chdDec, zChd, inputs.chords, knobs.tfr.chord, rng) : null;
  const feat = model.featDec ? decodeFeatures(model.featDec, zAud, inputs.aux, knobs.tfr.time, rng) : null;
  const featEmb = feat && model.featEmb ? (applyLinear(model.featEmb, feat) as tf.Tensor3D) : null;
  const tree = decodeTreeTrain(model.treeDec, z, featEmb, inputs, knobs.tfr.note, rng);
  const kl = {
    chd: posts.chd ? klStandardNormal(posts.chd) : null,
    aud: cfg.variant === 'supervised' ? null : klStandardNormal(posts.aud),
    sym: posts.sym ? klStandardNormal(posts.sym) : null,
  };
  return lossTerms({ inputs, tree, chord, feat, kl, knobs });
}

export interface InferOptions {
  /** 0 = greedy pitches; > 0 samples pitches at this temperature. */
  temperature: number;
  rng: Rng;
  /** Greedy decoding's EOS thresholds (see {@link EosThreshold}); absent or null = plain argmax. */
  eos?: EosThreshold | null;
  /** Encode this piano-roll `[B, 32, 128]` as z_sym instead of using the prior mean (zeros). */
  symbolicPrompt?: tf.Tensor3D;
}

/** Inference: posterior means, z_sym = 0 unless prompted; returns pitch indices `[B,32,15]` and duration bits `[B,32,15,5]`. */
export function infer(model: A2SModel, audio: tf.Tensor3D, chords: tf.Tensor3D, o: InferOptions): { pitch: tf.Tensor; durBits: tf.Tensor } {
  const cfg = model.config;
  const B = audio.shape[0];
  const zAud = encodeAudio(model.audEnc, audio).mu;
  const parts: tf.Tensor2D[] = [];
  if (model.chdEnc) parts.push(encodeChords(model.chdEnc, chords).mu);
  parts.push(zAud);
  if (model.symEnc) parts.push(o.symbolicPrompt ? encodeSymbolic(model.symEnc, o.symbolicPrompt).mu : tf.zeros([B, cfg.zSym]));
  const z = parts.length === 1 ? parts[0] : (tf.concat(parts, 1) as tf.Tensor2D);
  const feat = model.featDec ? decodeFeatures(model.featDec, zAud, null, 0, o.rng) : null;
  const featEmb = feat && model.featEmb ? (applyLinear(model.featEmb, feat) as tf.Tensor3D) : null;
  return decodeTreeInfer(model.treeDec, z, featEmb, { temperature: o.temperature, rng: o.rng, eos: o.eos ?? null });
}
