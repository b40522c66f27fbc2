import * as tf from '@tensorflow/tfjs-core';
import type { ModelInputs } from './inputs.ts';
import type { TreeLogits } from './pianotree.ts';
import type { ChordLogits } from './aux-decoders.ts';
import type { TrainKnobs } from './model.ts';

/** Loss components (scalars), named as in the run log. */
export interface LossTerms {
  total: tf.Scalar;
  pitch: tf.Scalar;
  dur: tf.Scalar;
  /** Onset BCE of the parallel decoder's rhythm head (`rhythm: 'autoregressive'`), per step; 0 without one. */
  rhythm: tf.Scalar;
  chord: tf.Scalar;
  aux: tf.Scalar;
  kl_chd: tf.Scalar;
  kl_aud: tf.Scalar;
  kl_sym: tf.Scalar;
}

/** Cross-entropy summed over rows whose one-hot target is non-zero, divided by `count` (ignore_index semantics). */
function maskedCe(logits: tf.Tensor, oneHot: tf.Tensor, count: number): tf.Scalar {
  const axis = logits.shape.length - 1;
  return tf.div(tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits, axis)))), Math.max(count, 1)) as tf.Scalar;
}

function bce(p: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const eps = 1e-7;
  const q = tf.clipByValue(p, eps, 1 - eps);
  return tf.neg(tf.mean(tf.add(tf.mul(target, tf.log(q)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, q)))))) as tf.Scalar;
}

/**
 * The reference's objective: PianoTree (pitch CE + 0.5 · duration-bit CE, PAD ignored; + the rhythm head's
 * onset BCE when the parallel decoder has one) + chord
 * (root + chroma + bass CE) + features (BCE bass + MSE intensity + BCE melody onset) + weighted KLs.
 */
export function lossTerms(a: {
  inputs: ModelInputs;
  tree: TreeLogits;
  chord: ChordLogits | null;
  feat: tf.Tensor3D | null;
  kl: { chd: tf.Scalar | null; aud: tf.Scalar | null; sym: tf.Scalar | null };
  knobs: TrainKnobs;
}): LossTerms {
  const { inputs, tree, chord, feat, kl, knobs } = a;
  const zero = tf.scalar(0);
  // a shard of a larger batch is normalised by the whole batch: counts are the whole's, means are scaled by its share
  const n = inputs.whole ?? inputs;
  const share = (x: tf.Scalar): tf.Scalar => (n.size === inputs.size ? x : (tf.mul(x, inputs.size / n.size) as tf.Scalar));
  const pitch = maskedCe(tree.pitch, inputs.pitchTarget, n.pitchCount);
  const dur = maskedCe(tree.dur, inputs.durTarget, n.durCount);
  let total: tf.Tensor = tf.add(tf.mul(pitch, knobs.pitchWeight), tf.mul(dur, knobs.durWeight));
  let rhythm: tf.Scalar = zero;
  if (tree.onset) {
    // BCE with logits x and targets y: softplus(x) − x·y, mean over the B·32 steps
    rhythm = share(tf.mean(tf.sub(tf.softplus(tree.onset), tf.mul(tree.onset, inputs.stepOnsets))) as tf.Scalar);
    total = tf.add(total, rhythm);
  }
  let chordL: tf.Scalar = zero;
  if (chord) {
    const beats = n.size * 8;
    chordL = tf.addN([
      maskedCe(chord.root, inputs.rootTarget, n.rootCount),
      maskedCe(chord.chroma, inputs.chromaTarget, beats * 12),
      maskedCe(chord.bass, inputs.bassTarget, n.bassCount),
    ]) as tf.Scalar;
    total = tf.add(total, chordL);
  }
  let auxL: tf.Scalar = zero;
  if (feat) {
    const [pb, pi, pr] = tf.split(feat, 3, 2);
    const [tb, ti, tr] = tf.split(inputs.aux, 3, 2);
    auxL = share(tf.addN([bce(pb, tb), tf.mean(tf.squaredDifference(pi, ti)) as tf.Scalar, bce(pr, tr)]) as tf.Scalar);
    total = tf.add(total, auxL);
  }
  const klChd = kl.chd ? share(kl.chd) : zero;
  const klAud = kl.aud ? share(kl.aud) : zero;
  const klSym = kl.sym ? share(kl.sym) : zero;
  if (kl.chd && knobs.klWeights.chd > 0) total = tf.add(total, tf.mul(klChd, knobs.klWeights.chd));
  if (kl.aud && knobs.klWeights.aud > 0) total = tf.add(total, tf.mul(klAud, knobs.klWeights.aud));
  if (kl.sym && knobs.klWeights.sym > 0) total = tf.add(total, tf.mul(klSym, knobs.klWeights.sym));
  return { total: total as tf.Scalar, pitch, dur, rhythm, chord: chordL, aux: auxL, kl_chd: klChd, kl_aud: klAud, kl_sym: klSym };
}
