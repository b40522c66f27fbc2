import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@a2s/dataset';
import { selectBackend } from '../../src/tf/backend.ts';
import { ModelConfigSchema, type ModelConfig } from '../../src/config/model-config.ts';
import { MODEL_PRESETS } from '../../src/config/presets.ts';
import { buildModel, forwardLoss, infer } from '../../src/net/model.ts';
import { batchToInputs, disposeInputs } from '../../src/net/inputs.ts';
import { encodeAudio, encodeChords, encodeSymbolic } from '../../src/net/encoders.ts';
import { decodeChords, decodeFeatures } from '../../src/net/aux-decoders.ts';
import { SYNTHETIC_KNOBS, syntheticBatch } from '../../src/testing/synthetic.ts';
import { Adam } from '../../src/train/adam.ts';
import { trainStep } from '../../src/train/step.ts';
import { arrangeSegments } from '../../src/infer/predict.ts';

const FRAMES = 32;
const BINS = 24;
const knobs = SYNTHETIC_KNOBS;

function tiny(over: Record<string, unknown> = {}): ModelConfig {
  return ModelConfigSchema.parse({ ...MODEL_PRESETS.tiny, audioFrames: FRAMES, audioBins: BINS, ...over });
}

describe('model', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('every module produces the documented shapes', () => {
    const model = buildModel(tiny(), 1);
    const batch = syntheticBatch({ size: 3, audioFrames: FRAMES, audioBins: BINS, seed: 2 });
    const inputs = batchToInputs(batch);
    const rng = createRng(1);
    tf.tidy(() => {
      const chd = encodeChords(model.chdEnc!, inputs.chords);
      expect(chd.mu.shape).toEqual([3, 8]);
      const aud = encodeAudio(model.audEnc, inputs.audio);
      expect(aud.logStd.shape).toEqual([3, 16]);
      expect(encodeSymbolic(model.symEnc!, inputs.pianoRoll).mu.shape).toEqual([3, 8]);
      const c = decodeChords(model.chdDec!, chd.mu, inputs.chords, 0.5, rng);
      expect([c.root.shape, c.chroma.shape, c.bass.shape]).toEqual([[3, 8, 12], [3, 8, 12, 2], [3, 8, 12]]);
      expect(decodeFeatures(model.featDec!, aud.mu, inputs.aux, 0.5, rng).shape).toEqual([3, 32, 3]);
      const out = infer(model, inputs.audio, inputs.chords, { temperature: 0, rng });
      expect(out.pitch.shape).toEqual([3, 32, 15]);
      expect(out.durBits.shape).toEqual([3, 32, 15, 5]);
    });
    for (const variant of ['full', 'nochd', 'supervised', 'supervised+kl'] as const) {
      for (const decoder of ['pianotree-gru', 'parallel', 'parallel-causal', 'parallel-rhythm'] as const) {
        const parallel = { ...MODEL_PRESETS.tiny.parallel, slotContext: 'causal-pitch', rhythm: decoder === 'parallel-rhythm' ? 'autoregressive' : 'independent' };
        const dec = decoder.startsWith('parallel-') ? { decoder: 'parallel', parallel } : { decoder };
        const m = buildModel(tiny({ variant, ...dec }), 1);
        const terms = tf.tidy(() => {
          const t = forwardLoss(m, inputs, knobs, rng);
          return [t.total.dataSync()[0], t.rhythm.dataSync()[0]];
        });
        expect(Number.isFinite(terms[0]), `${variant}/${decoder}`).toBe(true);
        // the rhythm head's onset BCE is in the objective (~ln 2 at initialisation), 0 without one
        if (decoder === 'parallel-rhythm') expect(terms[1]).toBeGreaterThan(0.3);
        else expect(terms[1]).toBe(0);
        m.params.dispose();
      }
    }
    disposeInputs(inputs);
    model.params.dispose();
  }, 60_000);

  it('same seed, same initial weights', () => {
    const a = buildModel(tiny(), 5);
    const b = buildModel(tiny(), 5);
    const va = [...a.params.vars.values()].map((v) => Array.from(v.dataSync()));
    const vb = [...b.params.vars.values()].map((v) => Array.from(v.dataSync()));
    expect(va).toEqual(vb);
    a.params.dispose();
    b.params.dispose();
  });

  it('tiny overfits 8 segments and leaks no tensors over a training step and a predict call', async () => {
    const model = buildModel(tiny({ decoder: 'parallel', chordDecoder: { type: 'mlp', hidden: 16 }, featDecoder: { type: 'mlp', hidden: 16, zIn: 8 } }), 3);
    const adam = new Adam();
    const rng = createRng(9);
    const batch = syntheticBatch({ size: 8, audioFrames: FRAMES, audioBins: BINS, seed: 4 });
    const inputs = batchToInputs(batch);
    const k = { ...knobs, klWeights: { chd: 0, aud: 0, sym: 0 } };
    const first = trainStep(model, adam, inputs, k, rng, { lr: 2e-2, clipNorm: 3 }).losses;
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 80; i++) last = trainStep(model, adam, inputs, k, rng, { lr: 2e-2, clipNorm: 3 }).losses;
    expect(tf.memory().numTensors).toBe(before);
    expect(last.pitch).toBeLessThan(first.pitch / 5);
    expect(last.dur).toBeLessThan(first.dur / 5);
    const segs = Array.from({ length: 2 }, (_, i) => ({
      audio: batch.audio.slice(i * FRAMES * BINS, (i + 1) * FRAMES * BINS),
      chords: batch.chords.slice(i * 8 * 36, (i + 1) * 8 * 36),
    }));
    const notes = await arrangeSegments(model, segs, { seed: 1, temperature: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(notes).toHaveLength(2);
    for (const n of notes[0]) expect(n.onsetStep >= 0 && n.onsetStep < 32 && n.durationSteps >= 1 && n.pitch <= 127).toBe(true);
    disposeInputs(inputs);
    adam.dispose();
    model.params.dispose();
  }, 120_000);
});
