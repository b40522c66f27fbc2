import { describe, expect, it } from 'vitest';
import { InputError } from '@a2s/dataset';
import { analyzeSong, MIN_TONAL_PEAK, tonalPeak, WEAK_TONAL_PEAK } from '../../src/arrange/analyze.ts';
import { synthSong } from './synth-song.ts';

// The arrange music check (#18): audio without tonal content (noise, clicks) is refused with a reason;
// noisy music gets a warning; music passes.
const SR = 16000;

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  };
}

function audio(samples: Float32Array) {
  return { samples, sampleRate: SR, durationSec: samples.length / SR };
}

describe('the music check of a2s arrange', () => {
  const song = synthSong({ sampleRate: SR, bpm: 100, bars: 8 }).samples;
  const rand = rng(7);
  const white = Float32Array.from({ length: song.length }, () => 0.3 * rand());

  it('measures music well above the thresholds and noise below them', () => {
    expect(MIN_TONAL_PEAK).toBeLessThan(WEAK_TONAL_PEAK);
    expect(tonalPeak(audio(song))).toBeGreaterThan(WEAK_TONAL_PEAK);
    expect(tonalPeak(audio(white))).toBeLessThan(MIN_TONAL_PEAK);
  });

  it('refuses white noise with the rule and the measured value, unless skipped', async () => {
    const err = await analyzeSong(audio(white), { audioPath: 'noise.wav' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^noise\.wav: no tonal content, not arranged: the strongest pitch class is 1\.\d\d× the mean of the 12 .* under 1\.25/);
    // skipped: the analysis goes on (and finds whatever beats the noise has)
    await expect(analyzeSong(audio(white), { audioPath: 'noise.wav', skipMusicCheck: true }).then(() => 'analysed', (e: Error) => e.message)).resolves.not.toMatch(/tonal/);
  });

  it('warns about music drowned in noise, and says nothing about clean music', async () => {
    const noisy = Float32Array.from(song, (v, i) => v + 0.6 * white[i]);
    const r = tonalPeak(audio(noisy));
    expect(r).toBeGreaterThanOrEqual(MIN_TONAL_PEAK);
    expect(r).toBeLessThan(WEAK_TONAL_PEAK);
    const warnings: string[] = [];
    await analyzeSong(audio(noisy), { audioPath: 'noisy.wav', hooks: { onWarning: (w) => warnings.push(w) } }).catch(() => undefined);
    expect(warnings.join('\n')).toMatch(/weakly tonal audio: .* under 1\.5/);
    const none: string[] = [];
    await analyzeSong(audio(song), { audioPath: 'song.wav', hooks: { onWarning: (w) => none.push(w) } });
    expect(none).toEqual([]);
  });
});
