import { describe, expect, it } from 'vitest';
import { stableStringify } from '@a2s/dataset';
import {
  appendTempoBin,
  computeSongFeatures,
  featureBinCount,
  resolveFeatureConfig,
  shiftBinsInto,
  spectralBinCount,
  tempoValue,
  transposeFeatures,
} from '../../src/audio/index.ts';
import { sines } from './signals.ts';

const SR = 16000;

describe('the tempo bin (features `tempo: true`)', () => {
  it('is left out of the resolved config unless asked for, so existing cache keys do not change', () => {
    expect(stableStringify(resolveFeatureConfig({}))).not.toContain('tempo');
    expect(stableStringify(resolveFeatureConfig({ tempo: false }))).toBe(stableStringify(resolveFeatureConfig({})));
    expect(resolveFeatureConfig({ tempo: true }).tempo).toBe(true);
    expect(() => resolveFeatureConfig({ tempo: 'yes' })).toThrow();
  });

  it('adds one bin to the bin count', () => {
    expect(featureBinCount(resolveFeatureConfig({ tempo: true }))).toBe(featureBinCount(resolveFeatureConfig({})) + 1);
    expect(spectralBinCount(resolveFeatureConfig({ tempo: true }))).toBe(featureBinCount(resolveFeatureConfig({})));
  });

  it("gives every frame log2 of its beat's length over 0.5 s; the last beat reuses the previous interval", () => {
    const data = Float32Array.from({ length: 3 * 2 * 2 }, (_, i) => i); // 3 beats × 2 frames × 2 bins
    const out = appendTempoBin(data, 2, [0, 1000, 3000], 2, 1000); // beats of 1 s, 2 s, (2 s)
    expect(out.length).toBe(3 * 2 * 3);
    const tempo = Array.from({ length: 6 }, (_, f) => out[f * 3 + 2]);
    expect(tempo).toEqual([1, 1, 2, 2, 2, 2]);
    for (let f = 0; f < 6; f++) expect([out[f * 3], out[f * 3 + 1]]).toEqual([data[f * 2], data[f * 2 + 1]]);
    expect(tempoValue(0.5)).toBe(0);
    expect(tempoValue(0.25)).toBe(-1);
  });

  it('refuses beat positions that do not increase', () => {
    expect(() => appendTempoBin(new Float32Array(4), 1, [0, 0], 2, 1000)).toThrow(/increase/);
    expect(() => appendTempoBin(new Float32Array(3), 1, [0, 10], 2, 1000)).toThrow(/frames/);
  });

  it('keeps the spectral bins of the song features as they are and appends the tempo', () => {
    const samples = sines([{ hz: 440, amp: 0.5 }], 3, SR);
    const beats = [0, 8000, 16000, 24000, 32000, 40000]; // 0.5 s beats
    const plain = computeSongFeatures({ sampleRate: SR, samples }, beats, resolveFeatureConfig({}));
    const withTempo = computeSongFeatures({ sampleRate: SR, samples }, beats, resolveFeatureConfig({ tempo: true }));
    expect(withTempo.bins).toBe(plain.bins + 1);
    expect(withTempo.frames).toBe(plain.frames);
    for (let f = 0; f < plain.frames; f += 7) {
      expect(Array.from(withTempo.data.subarray(f * withTempo.bins, f * withTempo.bins + plain.bins))).toEqual(Array.from(plain.data.subarray(f * plain.bins, (f + 1) * plain.bins)));
      expect(withTempo.data[f * withTempo.bins + plain.bins]).toBeCloseTo(0, 6);
    }
  });

  it('is not shifted by a transposition; the spectral bins are', () => {
    const cfg = resolveFeatureConfig({ tempo: true });
    const bins = featureBinCount(cfg);
    const row = Float32Array.from({ length: bins }, (_, b) => b + 1);
    row[bins - 1] = -0.75;
    const up = transposeFeatures(row, bins, 2, cfg);
    expect(up[bins - 1]).toBe(-0.75);
    expect(up[2]).toBe(row[0]);
    expect(up[0]).toBe(0); // floor of log1p
    expect(up[bins - 2]).toBe(row[bins - 4]);
    const dst = new Float32Array(bins);
    shiftBinsInto(row, 0, dst, 0, 1, bins, -1, 0, 1);
    expect(dst[bins - 1]).toBe(-0.75);
    expect(dst[bins - 2]).toBe(0); // shifted in from outside the spectral bins, not the tempo bin
  });
});
