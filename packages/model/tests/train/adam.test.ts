import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@a2s/dataset';
import { selectBackend } from '../../src/tf/backend.ts';
import { Adam, adamCoefficients, adamUpdate, sumOfSquares } from '../../src/train/adam.ts';
import { ModelConfigSchema } from '../../src/config/model-config.ts';
import { MODEL_PRESETS } from '../../src/config/presets.ts';
import { buildModel } from '../../src/net/model.ts';
import { batchToInputs, disposeInputs } from '../../src/net/inputs.ts';
import { trainStep, trainStepAsync } from '../../src/train/step.ts';
import { SYNTHETIC_KNOBS, syntheticBatch } from '../../src/testing/synthetic.ts';

/** The Adam update as tfjs ops (what the trainer ran before the update moved to plain float32 loops). */
function tfjsAdamStep(p: tf.Variable, m: tf.Variable, v: tf.Variable, grad: tf.Tensor, step: number, lr: number, scale: number): void {
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2 = 1 - Math.pow(beta2, step);
  tf.tidy(() => {
    const g = scale === 1 ? grad : tf.mul(grad, scale);
    const mNew = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
    const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
    m.assign(mNew);
    v.assign(vNew);
    const denom = tf.add(tf.sqrt(tf.div(vNew, bc2)), eps);
    p.assign(tf.sub(p, tf.mul(tf.div(mNew, denom), lr / bc1)));
  });
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('Adam in float32 loops', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('is bit-identical to the tfjs op sequence over several clipped and unclipped steps', () => {
    const rng = createRng(5);
    const n = 4099;
    const init = Float32Array.from({ length: n }, () => rng.normal() * 0.3);
    const p = tf.variable(tf.tensor(init));
    const m = tf.variable(tf.zeros([n]));
    const v = tf.variable(tf.zeros([n]));
    const ours = { p: init.slice(), m: new Float32Array(n), v: new Float32Array(n) };
    for (let step = 1; step <= 6; step++) {
      // two summed gradients (as two workers' would be), some tiny, some large
      const ga = Float32Array.from({ length: n }, () => rng.normal() * (step % 2 ? 1e-3 : 5));
      const gb = Float32Array.from({ length: n }, () => rng.normal() * 1e-2);
      const gsum = ga.map((x, k) => Math.fround(x + gb[k]));
      const scale = step % 3 === 0 ? 1 : 0.37 + step / 100;
      const lr = 1e-3 * Math.pow(0.99, step);
      tfjsAdamStep(p, m, v, tf.tensor(gsum), step, lr, scale);
      adamUpdate(ours.p, [ga, gb], ours.m, ours.v, adamCoefficients(step, lr, scale));
      expect(bits(ours.m)).toEqual(bits(m.dataSync() as Float32Array));
      expect(bits(ours.v)).toEqual(bits(v.dataSync() as Float32Array));
      expect(bits(ours.p)).toEqual(bits(p.dataSync() as Float32Array));
    }
    // the update changed the weights (a no-op would have passed the comparisons above only if tfjs's did too)
    expect(ours.p.some((x, k) => x !== init[k])).toBe(true);
    tf.dispose([p, m, v]);
  });

  it('updates a range only, and sums squares of the summed gradient', () => {
    const p = new Float32Array([1, 2, 3, 4]);
    const g = [new Float32Array([0.5, 0.5, 0.5, 0.5]), new Float32Array([0.25, 0.25, 0.25, 0.25])];
    adamUpdate(p, g, new Float32Array(4), new Float32Array(4), adamCoefficients(1, 0.1, 1), 1, 3);
    expect(p[0]).toBe(1);
    expect(p[3]).toBe(4);
    expect(p[1]).toBeCloseTo(1.9, 5); // first step: p − lr · sign(g)
    expect(sumOfSquares(g, 0, 4)).toBeCloseTo(4 * 0.75 * 0.75, 10);
  });

  it('apply clips to the global norm and creates zero moments on first use', () => {
    const a = tf.variable(tf.tensor([1, 2]), true, 'adam-test-a');
    const vars = new Map([['a', a]]);
    const adam = new Adam();
    const norm = adam.apply(vars, { 'adam-test-a': tf.tensor([30, 40]) }, 0.1, 5);
    expect(norm).toBeCloseTo(50, 4);
    expect(adam.step).toBe(1);
    // the clipped gradient is ≈ [3, 4]: first moment (1 − β₁)·g
    const m = adam.m.get('a')!;
    expect(m[0]).toBeCloseTo(0.3, 5);
    expect(m[1]).toBeCloseTo(0.4, 5);
    const after = a.dataSync();
    expect(after[0]).toBeCloseTo(0.9, 5);
    expect(after[1]).toBeCloseTo(1.9, 5);
    a.dispose();
  });

  it('the asynchronous step (for webgpu) gives the synchronous one\'s losses, norms and weights bit for bit', async () => {
    const cfg = ModelConfigSchema.parse({ ...MODEL_PRESETS.tiny, audioFrames: 32, audioBins: 24 });
    const batch = syntheticBatch({ size: 4, audioFrames: 32, audioBins: 24, seed: 2 });
    const run = async (step: typeof trainStepAsync) => {
      const model = buildModel(cfg, 7);
      const adam = new Adam();
      const rng = createRng(3);
      const results = [];
      for (let i = 0; i < 3; i++) {
        const inputs = batchToInputs(batch);
        // clip norm 1 clips these steps: the scale path is compared too
        results.push(await step(model, adam, inputs, SYNTHETIC_KNOBS, rng, { lr: 1e-3, clipNorm: 1 }));
        disposeInputs(inputs);
      }
      const w = [...model.params.vars.values()].map((v) => bits(v.dataSync() as Float32Array));
      const moments = [...adam.v.values()].map(bits);
      model.params.dispose();
      return { results, w, moments };
    };
    const sync = await run(async (...a) => trainStep(...a));
    const async_ = await run(trainStepAsync);
    expect(sync.results.every((r) => r.ok && r.gradNorm > 1)).toBe(true);
    expect(async_.results).toEqual(sync.results);
    expect(async_.w).toEqual(sync.w);
    expect(async_.moments).toEqual(sync.moments);
  });
});
