import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { DUR_PAD, DURATION_BITS, PIANOTREE_COLUMNS, PIANOTREE_MAX_NOTES, PITCH_EOS, PITCH_PAD, PITCH_SOS, type Batch } from '@a2s/features';
import { selectBackend } from '../../src/tf/backend.ts';
import { ModelConfigSchema } from '../../src/config/model-config.ts';
import { MODEL_PRESETS } from '../../src/config/presets.ts';
import { ParamStore } from '../../src/nn/params.ts';
import { batchToInputs, disposeInputs, SLOTS } from '../../src/net/inputs.ts';
import { decodeTreeInfer, decodeTreeTrain, treeDecoder } from '../../src/net/pianotree.ts';
import { syntheticBatch } from '../../src/testing/synthetic.ts';

const B = 3;
const Z = 12;
type Contexts = { slotContext: 'causal' | 'causal-pitch'; stepContext: 'none' | 'previous' };
const config = (c: Contexts) => ModelConfigSchema.parse({ ...MODEL_PRESETS.tiny, decoder: 'parallel', parallel: { hidden: 32, slotHidden: 32, convKernel: 3, ...c } });

function batch(): Batch {
  return syntheticBatch({ size: B, audioFrames: 32, audioBins: 24, seed: 6 });
}

/** The same batch with its PianoTree replaced by the tree a decoder predicted (notes until the first EOS). */
function withTree(base: Batch, pitch: Int32Array, bits: Int32Array): Batch {
  const S = PIANOTREE_MAX_NOTES;
  const tree = new Int32Array(base.pianoTree.length).fill(PITCH_PAD);
  for (let bt = 0; bt < B * 32; bt++) {
    const row = (s: number) => (bt * S + s) * PIANOTREE_COLUMNS;
    tree.fill(DUR_PAD, row(0), row(S));
    for (let s = 0; s < S; s++) tree[row(s)] = PITCH_PAD;
    tree[row(0)] = PITCH_SOS; // then the predicted slots up to and including the first EOS
    for (let s = 0; s < SLOTS; s++) {
      const p = pitch[bt * SLOTS + s];
      tree[row(s + 1)] = p;
      if (p === PITCH_EOS) break;
      for (let k = 0; k < DURATION_BITS; k++) tree[row(s + 1) + 1 + k] = bits[(bt * SLOTS + s) * DURATION_BITS + k];
    }
  }
  return { ...base, pianoTree: tree };
}

describe('batchToInputs slot context', () => {
  it('is, bit for bit, the token before each note slot and the running mean of its step’s tokens', async () => {
    await selectBackend('wasm');
    const inputs = batchToInputs(batch());
    const [Bn, T, S, W] = inputs.noteTokens.shape;
    const expected = tf.tidy(() => {
      const tokens = inputs.noteTokens.slice([0, 0, 0, 0], [Bn, T, SLOTS, W]);
      const prefix = tf.div(tf.cumsum(tokens, 2), tf.range(1, SLOTS + 1).reshape([1, 1, SLOTS, 1]));
      return tf.gather(tf.concat([tokens, prefix], 3).reshape([Bn * T * SLOTS, 2 * W]), inputs.slotRows);
    });
    expect(S).toBe(SLOTS + 1);
    expect(inputs.slotContext.shape).toEqual(expected.shape);
    expect(Array.from(inputs.slotContext.dataSync())).toEqual(Array.from(expected.dataSync()));
    expected.dispose();
    disposeInputs(inputs);
  });
});

describe.each([
  { slotContext: 'causal', stepContext: 'none' },
  { slotContext: 'causal-pitch', stepContext: 'none' },
  { slotContext: 'causal-pitch', stepContext: 'previous' },
] as const)('parallel decoder, slotContext $slotContext, stepContext $stepContext', (contexts) => {
  const cfg = config(contexts);
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('is causal over slots: changing later notes of a step leaves earlier slots’ logits unchanged', () => {
    const ps = new ParamStore(createRng(1));
    const dec = treeDecoder(ps, cfg, Z, 0);
    const z = tf.randomNormal([B, Z], 0, 1, 'float32', 3) as tf.Tensor2D;
    const a = batch();
    // step 0 of segment 0 holds several notes: raise the pitch of its last note
    let last = 1;
    while (a.pianoTree[(last + 1) * PIANOTREE_COLUMNS] < 128) last++;
    expect(last).toBeGreaterThan(1);
    const b = { ...a, pianoTree: a.pianoTree.slice() };
    b.pianoTree[last * PIANOTREE_COLUMNS] += 1;
    const ia = batchToInputs(a);
    const ib = batchToInputs(b);
    const la = decodeTreeTrain(dec, z, null, ia, 1, createRng(0));
    const lb = decodeTreeTrain(dec, z, null, ib, 1, createRng(0));
    const pa = la.pitch.arraySync();
    const pb = lb.pitch.arraySync();
    // rows 0..last-1 are step 0's slots 1..last: the slot of the changed note itself sees only earlier notes
    for (let r = 0; r < last; r++) expect(pb[r]).toEqual(pa[r]);
    // the EOS slot right after it sees the changed note
    expect(pb[last]).not.toEqual(pa[last]);
    // its duration head sees its own (changed) pitch
    expect(lb.dur.arraySync()[last - 1]).not.toEqual(la.dur.arraySync()[last - 1]);
    for (const t of [la.pitch, la.dur, lb.pitch, lb.dur, z]) t.dispose();
    disposeInputs(ia);
    disposeInputs(ib);
    ps.dispose();
  });

  it('greedy inference is the argmax of the teacher-forced training logits on its own output', () => {
    const ps = new ParamStore(createRng(2));
    const dec = treeDecoder(ps, cfg, Z, 0);
    const z = tf.randomNormal([B, Z], 0, 1, 'float32', 4) as tf.Tensor2D;
    const out = decodeTreeInfer(dec, z, null, 0, createRng(0));
    expect(out.pitch.shape).toEqual([B, 32, SLOTS]);
    expect(out.durBits.shape).toEqual([B, 32, SLOTS, DURATION_BITS]);
    const pitch = out.pitch.dataSync() as Int32Array;
    const bits = out.durBits.dataSync() as Int32Array;
    const inputs = batchToInputs(withTree(batch(), Int32Array.from(pitch), Int32Array.from(bits)));
    const logits = decodeTreeTrain(dec, z, null, inputs, 1, createRng(0));
    const rows = inputs.slotRows.dataSync();
    const trainPitch = tf.argMax(logits.pitch, 1).dataSync();
    const trainBits = tf.argMax(logits.dur, 2).arraySync() as number[][];
    expect(rows.length).toBeGreaterThan(B * 32);
    let notes = 0;
    for (let r = 0; r < rows.length; r++) {
      expect(trainPitch[r]).toBe(pitch[rows[r]]);
      if (pitch[rows[r]] === PITCH_EOS) continue;
      notes++;
      expect(trainBits[r]).toEqual(Array.from(bits.subarray(rows[r] * DURATION_BITS, (rows[r] + 1) * DURATION_BITS)));
    }
    expect(notes).toBeGreaterThan(0);
    tf.dispose([out.pitch, out.durBits, logits.pitch, logits.dur, z]);
    disposeInputs(inputs);
    ps.dispose();
  });

  it('trains with time-level scheduled sampling: finite gradients, no tensor leaks', () => {
    if (contexts.stepContext !== 'previous') return;
    const ps = new ParamStore(createRng(4));
    const dec = treeDecoder(ps, cfg, Z, 0);
    const z = tf.randomNormal([B, Z], 0, 1, 'float32', 5) as tf.Tensor2D;
    const inputs = batchToInputs(batch());
    const before = tf.memory().numTensors;
    const rng = createRng(3);
    const { value, grads } = tf.variableGrads(() => {
      const l = decodeTreeTrain(dec, z, null, inputs, 0.5, rng);
      return tf.add(tf.mean(l.pitch), tf.mean(l.dur)) as tf.Scalar;
    }, [...ps.vars.values()]);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(Object.keys(grads).length).toBe(ps.vars.size);
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    disposeInputs(inputs);
    z.dispose();
    ps.dispose();
  });
});
