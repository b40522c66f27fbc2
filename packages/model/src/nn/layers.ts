/**
 * Layers written with tfjs-core ops on our own variables (no tf.layers: its recurrent layers are an order of
 * magnitude slower, see docs/stack-notes.md). Recurrences project the inputs of all steps with one matmul and
 * run one fused-gate matmul per step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gruSequence } from './gru-sequence.ts';
import { nativeGruActive } from '../tf/native-gru.ts';
import type { ParamStore } from './params.ts';
import { matMul, matMulShared } from './matmul.ts';

export interface Linear {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  readonly inDim: number;
  readonly outDim: number;
}

export function linear(ps: ParamStore, name: string, inDim: number, outDim: number): Linear {
  return { w: ps.uniform(`${name}.w`, [inDim, outDim], inDim), b: ps.uniform(`${name}.b`, [outDim], inDim), inDim, outDim };
}

/** `x @ W + b` over the last axis of any-rank `x`, optionally with a fused relu. */
export function applyLinear(l: Linear, x: tf.Tensor, activation?: 'relu'): tf.Tensor {
  const shape = x.shape;
  const x2 = shape.length === 2 ? (x as tf.Tensor2D) : x.reshape([-1, shape[shape.length - 1]]) as tf.Tensor2D;
  const lin = tf.add(matMul(x2, l.w as unknown as tf.Tensor2D), l.b) as tf.Tensor2D;
  const y = activation === 'relu' ? tf.relu(lin) : lin;
  return shape.length === 2 ? y : y.reshape([...shape.slice(0, -1), l.outDim]);
}

/** GRU with PyTorch's gate equations; weights fused as `[in, 3H]` and `[H, 3H]` in gate order r, z, n. */
export interface Gru {
  readonly wx: tf.Variable;
  readonly bx: tf.Variable;
  readonly wh: tf.Variable;
  readonly bh: tf.Variable;
  readonly hidden: number;
  readonly inDim: number;
}

export function gru(ps: ParamStore, name: string, inDim: number, hidden: number): Gru {
  return {
    wx: ps.uniform(`${name}.wx`, [inDim, 3 * hidden], hidden),
    bx: ps.uniform(`${name}.bx`, [3 * hidden], hidden),
    wh: ps.uniform(`${name}.wh`, [hidden, 3 * hidden], hidden),
    bh: ps.uniform(`${name}.bh`, [3 * hidden], hidden),
    hidden,
    inDim,
  };
}

/** Input projection `[B, T, in] → [B, T, 3H]` for all steps at once. */
export function gruProject(g: Gru, x: tf.Tensor3D): tf.Tensor3D {
  return applyLinear({ w: g.wx, b: g.bx, inDim: g.inDim, outDim: 3 * g.hidden }, x) as tf.Tensor3D;
}

/** transpose(wh), computed once per pass and handed to every {@link gruCell} of that pass. */
export function gruWhT(g: Gru): tf.Tensor2D {
  return tf.transpose(g.wh as unknown as tf.Tensor2D);
}

/**
 * One step from a projected input `xp` `[B, 3H]`; `mask` `[B, 1]` (1 = advance, 0 = keep h); `whT` from {@link gruWhT}.
 * With the native kernels active (`A2S_GEMM=openblas`) the step is one fused kernel (a one-step {@link gruSequence}).
 */
export function gruCell(g: Gru, xp: tf.Tensor2D, h: tf.Tensor2D, whT: tf.Tensor2D, mask?: tf.Tensor2D): tf.Tensor2D {
  const H = g.hidden;
  if (nativeGruActive()) {
    const [B] = xp.shape;
    const out = gruSequence(xp.reshape([B, 1, 3 * H]), h, g.wh as unknown as tf.Tensor2D, g.bh as unknown as tf.Tensor1D, { mask });
    return out.reshape([B, H]);
  }
  const hp = tf.add(matMulShared(h, g.wh as unknown as tf.Tensor2D, whT), g.bh) as tf.Tensor2D;
  const rz = tf.sigmoid(tf.add(xp.slice([0, 0], [-1, 2 * H]), hp.slice([0, 0], [-1, 2 * H])));
  const r = rz.slice([0, 0], [-1, H]);
  const z = rz.slice([0, H], [-1, H]);
  const n = tf.tanh(tf.add(xp.slice([0, 2 * H], [-1, H]), tf.mul(r, hp.slice([0, 2 * H], [-1, H]))));
  // h' = (1 - z) * n + z * h = n + z * (h - n)
  let hNew = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
  if (mask) hNew = tf.add(h, tf.mul(mask, tf.sub(hNew, h))) as tf.Tensor2D;
  return hNew;
}

export interface GruRun {
  /** `[B, T, H]` outputs (empty when `keepOutputs` is false). */
  outputs: tf.Tensor3D | null;
  last: tf.Tensor2D;
}

/**
 * Runs a GRU over `x` `[B, T, in]` from `h0` (zeros when omitted). `mask` `[B, T]` freezes the state on padded
 * steps (a packed sequence's final state). `reverse` runs from the last step to the first.
 */
export function runGru(
  g: Gru,
  x: tf.Tensor3D,
  opts: { h0?: tf.Tensor2D; mask?: tf.Tensor2D; reverse?: boolean; keepOutputs?: boolean } = {},
): GruRun {
  const [B, T] = x.shape;
  // one op for the whole recurrence: its backward pass sums the recurrent weight's gradient in one matmul
  const states = gruSequence(gruProject(g, x), opts.h0 ?? tf.zeros([B, g.hidden]), g.wh as unknown as tf.Tensor2D, g.bh as unknown as tf.Tensor1D, {
    mask: opts.mask,
    reverse: opts.reverse,
  });
  const last = states.slice([0, opts.reverse ? 0 : T - 1, 0], [-1, 1, -1]).reshape([B, g.hidden]) as tf.Tensor2D;
  return { outputs: opts.keepOutputs ? states : null, last };
}

export interface BiGru {
  readonly fwd: Gru;
  readonly bwd: Gru;
}

export function biGru(ps: ParamStore, name: string, inDim: number, hidden: number): BiGru {
  return { fwd: gru(ps, `${name}.fwd`, inDim, hidden), bwd: gru(ps, `${name}.bwd`, inDim, hidden) };
}

/** Final states of both directions concatenated: `[B, 2H]` (PyTorch's `h_n` of a bidirectional GRU). */
export function runBiGruLast(g: BiGru, x: tf.Tensor3D, mask?: tf.Tensor2D): tf.Tensor2D {
  const f = runGru(g.fwd, x, { mask }).last;
  const b = runGru(g.bwd, x, { mask, reverse: true }).last;
  return tf.concat([f, b], 1);
}

/** Diagonal Gaussian posterior head: `mu` and `logStd` (the reference's `exp(linear)` scale). */
export interface GaussianHead {
  readonly mu: Linear;
  readonly logStd: Linear;
}

export function gaussianHead(ps: ParamStore, name: string, inDim: number, zDim: number): GaussianHead {
  return { mu: linear(ps, `${name}.mu`, inDim, zDim), logStd: linear(ps, `${name}.logStd`, inDim, zDim) };
}

export interface Posterior {
  mu: tf.Tensor2D;
  logStd: tf.Tensor2D;
}

export function applyGaussian(h: GaussianHead, x: tf.Tensor2D): Posterior {
  return { mu: applyLinear(h.mu, x) as tf.Tensor2D, logStd: applyLinear(h.logStd, x) as tf.Tensor2D };
}

/** KL(N(mu, std²) ‖ N(0, I)), averaged over batch and latent dimensions (the reference's `kl_with_normal`). */
export function klStandardNormal(p: Posterior): tf.Scalar {
  // 0.5 (mu² + σ² − 1) − log σ
  const s2 = tf.exp(tf.mul(p.logStd, 2));
  return tf.mean(tf.sub(tf.mul(tf.add(tf.square(p.mu), tf.sub(s2, 1)), 0.5), p.logStd)) as tf.Scalar;
}

/** Reparameterised sample mu + σ·eps, with eps `[B, z]` supplied by the caller (seeded). */
export function samplePosterior(p: Posterior, eps: tf.Tensor2D): tf.Tensor2D {
  return tf.add(p.mu, tf.mul(tf.exp(p.logStd), eps));
}

/** Summary of a short sequence `[B, T, in]` → `[B, 2H]`: a bi-GRU's final states, or an MLP over the flattened steps. */
export type SeqEncoder = { kind: 'bigru'; gru: BiGru } | { kind: 'mlp'; mlp: Linear };

export function seqEncoder(ps: ParamStore, name: string, kind: 'bigru' | 'mlp', steps: number, inDim: number, hidden: number): SeqEncoder {
  return kind === 'bigru' ? { kind, gru: biGru(ps, `${name}.gru`, inDim, hidden) } : { kind, mlp: linear(ps, `${name}.mlp`, steps * inDim, 2 * hidden) };
}

export function runSeqEncoder(e: SeqEncoder, x: tf.Tensor3D): tf.Tensor2D {
  if (e.kind === 'bigru') return runBiGruLast(e.gru, x);
  const [B, T, D] = x.shape;
  return applyLinear(e.mlp, x.reshape([B, T * D]), 'relu') as tf.Tensor2D;
}
