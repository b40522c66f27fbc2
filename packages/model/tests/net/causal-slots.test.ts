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
type Contexts = {
  slotContext: 'independent' | 'causal-pitch';
  rhythm?: 'independent' | 'autoregressive';
};
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

/**
 * Decodes greedily, feeds the decoded tree back as the teacher-forcing input and checks that every slot's
 * training argmax (pitch, and duration bits of notes) is what inference chose, and with a rhythm head that the
 * sign of each step's onset logit is whether inference gave the step notes. Returns the number of empty steps.
 */
function expectGreedyConsistent(cfg: ReturnType<typeof config>, seed: number): number {
  const ps = new ParamStore(createRng(seed));
  const dec = treeDecoder(ps, cfg, Z, 0);
  const z = tf.randomNormal([B, Z], 0, 1, 'float32', seed + 2) as tf.Tensor2D;
  const out = decodeTreeInfer(dec, z, null, { temperature: 0, rng: createRng(0), eos: null });
  expect(out.pitch.shape).toEqual([B, 32, SLOTS]);
  expect(out.durBits.shape).toEqual([B, 32, SLOTS, DURATION_BITS]);
  const pitch = out.pitch.dataSync() as Int32Array;
  const bits = out.durBits.dataSync() as Int32Array;
  const inputs = batchToInputs(withTree(batch(), Int32Array.from(pitch), Int32Array.from(bits)));
  const logits = decodeTreeTrain(dec, z, null, inputs, 1, createRng(0));
  const rows = inputs.slotRows.dataSync();
  const trainPitch = tf.argMax(logits.pitch, 1).dataSync();
  const trainBits = tf.argMax(logits.dur, 2).arraySync() as number[][];
  expect(rows.length).toBeGreaterThanOrEqual(B * 32);
  let notes = 0;
  for (let r = 0; r < rows.length; r++) {
    expect(trainPitch[r]).toBe(pitch[rows[r]]);
    if (pitch[rows[r]] === PITCH_EOS) continue;
    notes++;
    expect(trainBits[r]).toEqual(Array.from(bits.subarray(rows[r] * DURATION_BITS, (rows[r] + 1) * DURATION_BITS)));
  }
  expect(notes).toBeGreaterThan(0);
  let empty = 0;
  expect(logits.onset === undefined).toBe(cfg.parallel.rhythm === 'independent');
  if (logits.onset) {
    const onset = logits.onset.dataSync();
    expect(onset.length).toBe(B * 32);
    for (let bt = 0; bt < B * 32; bt++) {
      const hasNotes = pitch[bt * SLOTS] !== PITCH_EOS;
      expect(onset[bt] > 0).toBe(hasNotes);
      if (!hasNotes) empty++;
    }
    logits.onset.dispose();
  }
  tf.dispose([out.pitch, out.durBits, logits.pitch, logits.dur, z]);
  disposeInputs(inputs);
  ps.dispose();
  return empty;
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
  { slotContext: 'causal-pitch' },
  { slotContext: 'causal-pitch', rhythm: 'autoregressive' },
] as const)('parallel decoder, slotContext $slotContext, rhythm $rhythm', (contexts) => {
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
    expectGreedyConsistent(cfg, 6);
  });
});

describe('parallel decoder, rhythm autoregressive', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  const independent = config({ slotContext: 'independent', rhythm: 'autoregressive' });

  it('with independent slots too, greedy inference agrees with the teacher-forced logits; some steps stay empty, some not', () => {
    const empty = expectGreedyConsistent(independent, 5);
    expect(empty).toBeGreaterThan(0);
    expect(empty).toBeLessThan(B * 32);
  });

  it("a step's onset logit sees only the onsets of the earlier steps of its segment", () => {
    const ps = new ParamStore(createRng(7));
    const dec = treeDecoder(ps, independent, Z, 0);
    const z = tf.randomNormal([B, Z], 0, 1, 'float32', 8) as tf.Tensor2D;
    const a = batch();
    const S = PIANOTREE_MAX_NOTES;
    const t0 = 10; // segment 0, step 10: toggle between empty and one note
    const b = { ...a, pianoTree: a.pianoTree.slice() };
    const row = (s: number) => (t0 * S + s) * PIANOTREE_COLUMNS;
    const hadNotes = a.pianoTree[row(1)] < 128;
    b.pianoTree.fill(DUR_PAD, row(0), row(S));
    for (let s = 0; s < S; s++) b.pianoTree[row(s)] = PITCH_PAD;
    b.pianoTree[row(0)] = PITCH_SOS;
    if (hadNotes) b.pianoTree[row(1)] = PITCH_EOS;
    else {
      b.pianoTree[row(1)] = 60;
      b.pianoTree.fill(0, row(1) + 1, row(1) + 1 + DURATION_BITS);
      b.pianoTree[row(2)] = PITCH_EOS;
    }
    const ia = batchToInputs(a);
    const ib = batchToInputs(b);
    expect(ib.stepOnsets.dataSync()[t0]).toBe(hadNotes ? 0 : 1);
    const oa = decodeTreeTrain(dec, z, null, ia, 1, createRng(0)).onset!.dataSync();
    const ob = decodeTreeTrain(dec, z, null, ib, 1, createRng(0)).onset!.dataSync();
    for (let t = 0; t <= t0; t++) expect(ob[t]).toBe(oa[t]); // up to and including the changed step
    expect(Array.from(ob.subarray(t0 + 1, 32))).not.toEqual(Array.from(oa.subarray(t0 + 1, 32)));
    expect(Array.from(ob.subarray(32))).toEqual(Array.from(oa.subarray(32))); // other segments
    z.dispose();
    disposeInputs(ia);
    disposeInputs(ib);
    ps.dispose();
  });

  it('sampled inference is reproducible from the seed, and a step has notes exactly when its first slot is a note', () => {
    const ps = new ParamStore(createRng(9));
    const dec = treeDecoder(ps, config({ slotContext: 'causal-pitch', rhythm: 'autoregressive' }), Z, 0);
    const z = tf.randomNormal([B, Z], 0, 1, 'float32', 10) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const p1 = tf.tidy(() => decodeTreeInfer(dec, z, null, { temperature: 1, rng: createRng(11), eos: null }).pitch.dataSync());
    const p2 = tf.tidy(() => decodeTreeInfer(dec, z, null, { temperature: 1, rng: createRng(11), eos: null }).pitch.dataSync());
    const p3 = tf.tidy(() => decodeTreeInfer(dec, z, null, { temperature: 1, rng: createRng(12), eos: null }).pitch.dataSync());
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(p2)).toEqual(Array.from(p1));
    expect(Array.from(p3)).not.toEqual(Array.from(p1));
    let empty = 0;
    for (let bt = 0; bt < B * 32; bt++) if (p1[bt * SLOTS] === PITCH_EOS) empty++;
    expect(empty).toBeGreaterThan(0);
    expect(empty).toBeLessThan(B * 32);
    z.dispose();
    ps.dispose();
  });
});
