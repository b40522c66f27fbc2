import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, isInputError } from '@a2s/dataset';
import { PITCH_EOS } from '@a2s/features';
import { selectBackend } from '../../src/tf/backend.ts';
import { ModelConfigSchema, type ModelConfig } from '../../src/config/model-config.ts';
import { MODEL_PRESETS } from '../../src/config/presets.ts';
import { ParamStore } from '../../src/nn/params.ts';
import { SLOTS } from '../../src/net/inputs.ts';
import { decodeTreeInfer, treeDecoder, type EosThreshold } from '../../src/net/pianotree.ts';
import { parseEosThreshold } from '../../src/infer/decoding.ts';

const B = 3;
const Z = 12;
const T = 32;
const parallel = (p: object): ModelConfig => ModelConfigSchema.parse({ ...MODEL_PRESETS.tiny, decoder: 'parallel', parallel: { hidden: 32, slotHidden: 32, convKernel: 3, ...p } });
const gru = (): ModelConfig =>
  ModelConfigSchema.parse({ ...MODEL_PRESETS.tiny, decoder: 'pianotree-gru', pianoTree: { noteEmb: 16, embHidden: 16, timeHidden: 32, zIn: 16, notesHidden: 32, noteSummary: 'pool' } });

const variants: { name: string; cfg: () => ModelConfig; rhythm: boolean; stepsIndependent: boolean }[] = [
  { name: 'parallel, independent slots', cfg: () => parallel({ slotContext: 'independent' }), rhythm: false, stepsIndependent: true },
  { name: 'parallel, causal-pitch', cfg: () => parallel({ slotContext: 'causal-pitch' }), rhythm: false, stepsIndependent: true },
  { name: 'parallel, causal-pitch + rhythm head', cfg: () => parallel({ slotContext: 'causal-pitch', rhythm: 'autoregressive' }), rhythm: true, stepsIndependent: false },
  { name: 'pianotree-gru', cfg: gru, rhythm: false, stepsIndependent: false },
];

/** Greedy decoding of one random z with the given EOS rule: pitch indices `[B·32·15]`. */
function decode(cfg: ModelConfig, eos: EosThreshold | null, seed = 3): Int32Array {
  const ps = new ParamStore(createRng(seed));
  const dec = treeDecoder(ps, cfg, Z, 0);
  const z = tf.randomNormal([B, Z], 0, 1, 'float32', seed + 1) as tf.Tensor2D;
  const before = tf.memory().numTensors;
  const pitch = tf.tidy(() => decodeTreeInfer(dec, z, null, { temperature: 0, rng: createRng(0), eos }).pitch.dataSync() as Int32Array);
  expect(tf.memory().numTensors).toBe(before);
  z.dispose();
  ps.dispose();
  return Int32Array.from(pitch);
}

const firstSlots = (p: Int32Array): number[] => Array.from({ length: B * T }, (_, bt) => p[bt * SLOTS]);

beforeAll(async () => {
  await selectBackend('wasm');
});

describe.each(variants)('greedy decoding with an EOS threshold: $name', ({ cfg, rhythm, stepsIndependent }) => {
  it('threshold 1 never ends a step (15 notes everywhere); a tiny first-slot threshold leaves every step empty', () => {
    const all = decode(cfg(), { first: 1, rest: 1 });
    expect(all.every((p) => p !== PITCH_EOS)).toBe(true);
    const none = decode(cfg(), { first: 1e-6, rest: 1 });
    expect(firstSlots(none).every((p) => p === PITCH_EOS)).toBe(true);
    // a tiny threshold on later slots only: each step with an onset has exactly one note
    const one = decode(cfg(), { first: 1, rest: 1e-6 });
    for (let bt = 0; bt < B * T; bt++) {
      expect(one[bt * SLOTS]).not.toBe(PITCH_EOS);
      expect(one[bt * SLOTS + 1]).toBe(PITCH_EOS);
    }
  });

  it('at 0.5 it keeps every onset of plain argmax, with the same pitch, and adds onsets where the notes together outweigh EOS', () => {
    const plain = firstSlots(decode(cfg(), null));
    const half = firstSlots(decode(cfg(), { first: 0.5, rest: 0.5 }));
    // a step's first slot depends on the earlier steps' decoded notes in the GRU and with a rhythm head: there only
    // the first step of each segment is decoded from the same state under both rules
    const comparable = stepsIndependent ? plain.map((_, i) => i) : Array.from({ length: B }, (_, b) => b * T);
    let kept = 0;
    for (const i of comparable) {
      if (plain[i] === PITCH_EOS) continue;
      // argmax = a note n means P(n) > P(EOS), so P(EOS) < 0.5; the other classes' argmax is n again (rhythm head: onset logit > 0)
      if (rhythm) expect(half[i]).not.toBe(PITCH_EOS);
      else expect(half[i]).toBe(plain[i]);
      kept++;
    }
    const onsets = (xs: number[]) => comparable.filter((i) => xs[i] !== PITCH_EOS).length;
    expect(onsets(half)).toBeGreaterThanOrEqual(onsets(plain));
    if (stepsIndependent) expect(kept).toBeGreaterThan(0);
  });
});

describe('parseEosThreshold', () => {
  it('reads one threshold for every slot or two (first slot, later slots)', () => {
    expect(parseEosThreshold(undefined, 1)).toBeNull();
    expect(parseEosThreshold('0.4', 0)).toEqual({ first: 0.4, rest: 0.4 });
    expect(parseEosThreshold('0.3, 0.6', 0)).toEqual({ first: 0.3, rest: 0.6 });
  });

  it.each(['0', '1.5', 'x', '0.3,', '0.1,0.2,0.3', '-0.2'])('refuses %j with a message naming the flag', (text) => {
    let err: unknown;
    try {
      parseEosThreshold(text, 0);
    } catch (e) {
      err = e;
    }
    expect(isInputError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/--eos-threshold.*\(0, 1\]/s);
  });

  it('refuses a threshold with sampling (it is a rule of greedy decoding)', () => {
    expect(() => parseEosThreshold('0.4', 1)).toThrow(/--temperature 0/);
  });
});
