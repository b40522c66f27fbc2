import { describe, expect, it } from 'vitest';
import { resolveTrainConfig } from '../../src/config/train-config.ts';
import { scheduleValue } from '../../src/config/model-config.ts';
import { learningRate } from '../../src/train/trainer.ts';

describe('training config', () => {
  it('resolves presets, variants and the reference stages', () => {
    const full = resolveTrainConfig({ preset: 'paper' });
    expect(full.model.zChd).toBe(128);
    expect(full.stages.map((s) => [s.name, s.lr, s.corruption.type, s.symbolic])).toEqual([
      ['warmup', 5e-4, 'none', 'encode'],
      ['pretrain', 5e-5, 'bandMask', 'encode'],
      ['dropscore', 5e-5, 'none', 'prior'],
      ['autoregressive', 5e-5, 'previousSegment', 'encode'],
    ]);
    const sup = resolveTrainConfig({ preset: 'small', model: { variant: 'supervised', parallel: { hidden: 64 } } });
    expect(sup.stages.map((s) => s.name)).toEqual(['warmup']);
    expect(sup.model.parallel).toEqual({ hidden: 64, slotHidden: 128, convKernel: 3, slotContext: 'independent', rhythm: 'independent' });
    expect(() => resolveTrainConfig({ preset: 'small', model: { zChd: -1 } })).toThrow();
    expect(() => resolveTrainConfig({ preset: 'small', unknownKey: 1 })).toThrow();
  });

  it('score: our symbolic input and aux targets by default, the reference\'s by option, anything else refused', () => {
    expect(resolveTrainConfig({ preset: 'tiny' }).score).toEqual({ input: 'piano+bridge', aux: 'ours' });
    expect(resolveTrainConfig({ preset: 'tiny', score: { input: 'piano', aux: 'reference' } }).score).toEqual({ input: 'piano', aux: 'reference' });
    expect(() => resolveTrainConfig({ preset: 'tiny', score: { input: 'melody' } } as never)).toThrow(/score.*input|input.*score/s);
  });

  it('sigmoid schedules and the learning-rate floor follow the reference', () => {
    const kl = { type: 'sigmoid', from: 0, to: 0.01, midStep: 12500, scaleSteps: 2500 } as const;
    expect(scheduleValue(kl, 0)).toBeCloseTo(0.01 / (1 + Math.exp(5)), 8);
    expect(scheduleValue(kl, 12500)).toBeCloseTo(0.005, 8);
    expect(scheduleValue(kl, 1e6)).toBeCloseTo(0.01, 8);
    const stage = resolveTrainConfig({ preset: 'tiny' }).stages[0];
    expect(learningRate(stage, 0)).toBe(5e-4);
    expect(learningRate(stage, 1000)).toBeCloseTo(5e-4 * Math.pow(0.9999, 1000), 12);
    expect(learningRate(stage, 1e6)).toBeCloseTo(5e-6, 12);
  });
});
