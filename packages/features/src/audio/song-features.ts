import { resample, stableStringify } from '@a2s/dataset';
import type { FeatureConfig, FeatureTransform } from './config.ts';
import { buildCqtKernel, cqtBinCount, cqtMagnitudes, type CqtKernel } from './cqt.ts';
import { beatSyncFrameCentres } from './frames.ts';
import { buildMelFilterbank, melPowers, type MelFilterbank } from './mel.ts';

/** Mono audio as decoded by `@a2s/dataset`'s `decodeAudioFile` (structurally the same type). */
export interface AudioInput {
  readonly sampleRate: number;
  readonly samples: Float32Array;
}

/** A song's feature matrix: `[frames = beats × framesPerBeat, bins]` float32, row-major. */
export interface SongFeatures {
  readonly frames: number;
  readonly bins: number;
  readonly data: Float32Array;
}

const kernels = new Map<string, CqtKernel | MelFilterbank>();

/** The transform's kernel (CQT) or filterbank (mel), built once per configuration and sample rate. */
export function transformKernel(t: FeatureTransform, sampleRate: number): CqtKernel | MelFilterbank {
  const key = `${sampleRate}:${stableStringify(t)}`;
  let k = kernels.get(key);
  if (!k) {
    k = t.type === 'cqt' ? buildCqtKernel(t, sampleRate) : buildMelFilterbank(t, sampleRate);
    kernels.set(key, k);
  }
  return k;
}

/**
 * Bins per frame of a configuration as batches hold them: the spectral bins, then the tempo bin when
 * `cfg.tempo`, then the song-value bin when `cfg.songValues`.
 */
export function featureBinCount(cfg: FeatureConfig): number {
  return cachedBinCount(cfg) + songValueBinCount(cfg);
}

/** Bins per frame that {@link computeSongFeatures} returns and the cache keeps: spectral, then tempo. */
export function cachedBinCount(cfg: FeatureConfig): number {
  return spectralBinCount(cfg) + tempoBinCount(cfg);
}

/** Bins a transposition leaves in place (after the spectral ones): tempo and song value. */
export function fixedBinCount(cfg: FeatureConfig): number {
  return tempoBinCount(cfg) + songValueBinCount(cfg);
}

/** The spectrogram's bins per frame (the ones a transposition shifts). */
export function spectralBinCount(cfg: FeatureConfig): number {
  return cfg.transform.type === 'cqt' ? cqtBinCount(cfg.transform) : cfg.transform.nMels;
}

/** Bins after the spectral ones: 1 with `cfg.tempo` (see {@link appendTempoBin}), else 0. */
export function tempoBinCount(cfg: FeatureConfig): number {
  return cfg.tempo ? 1 : 0;
}

/** 1 with `cfg.songValues` (see {@link appendSongValue}), else 0. */
export function songValueBinCount(cfg: FeatureConfig): number {
  return cfg.songValues ? 1 : 0;
}

/**
 * A song's features for batches: `features` (as computed or cached) with the song's value of
 * `cfg.songValues` appended to every frame; `features` itself when the configuration has no table. Throws
 * when the table has no value for the song.
 */
export function appendSongValue(features: SongFeatures, songId: string, cfg: FeatureConfig): SongFeatures {
  if (!cfg.songValues) return features;
  const value = cfg.songValues[songId];
  if (value === undefined) {
    throw new RangeError(`song ${songId}: the feature configuration's songValues has no value for it (it has ${Object.keys(cfg.songValues).length} songs)`);
  }
  const bins = features.bins + 1;
  const data = new Float32Array(features.frames * bins);
  for (let f = 0; f < features.frames; f++) {
    data.set(features.data.subarray(f * features.bins, (f + 1) * features.bins), f * bins);
    data[f * bins + features.bins] = value;
  }
  return { frames: features.frames, bins, data };
}

/** The tempo bin's value for a beat `seconds` long: log2(seconds / 0.5). */
export function tempoValue(seconds: number): number {
  return Math.log2(seconds / 0.5);
}

/** The value silence maps to after compression: `log1p` → 0, `db` → `floorDb`. Used to pad shifted bins. */
export function featureFloor(cfg: FeatureConfig): number {
  return cfg.compression.type === 'log1p' ? 0 : cfg.compression.floorDb;
}

/**
 * Beat-synchronous spectrogram of a song: `framesPerBeat` frames per beat centred between consecutive beat
 * positions (`beatSamples`, sample indices at `audio.sampleRate`, one per beat of the song; the last beat
 * reuses the previous interval), no time-stretching. The audio is resampled to `cfg.sampleRate` first when
 * the rates differ. Returns `[beatSamples.length × framesPerBeat, bins]`; with `cfg.tempo` the last bin of each
 * frame is its beat's {@link tempoValue} (the last beat reuses the previous interval, as the frames do). The
 * song-value bin of `cfg.songValues` is not included: {@link appendSongValue} adds it.
 */
export function computeSongFeatures(
  audio: AudioInput,
  beatSamples: ArrayLike<number>,
  cfg: FeatureConfig,
): SongFeatures {
  const samples = resample(audio.samples, audio.sampleRate, cfg.sampleRate);
  const centres = beatSyncFrameCentres(beatSamples, cfg.framesPerBeat, cfg.sampleRate / audio.sampleRate);
  const kernel = transformKernel(cfg.transform, cfg.sampleRate);
  const isMel = cfg.transform.type === 'mel';
  const data = isMel
    ? melPowers(samples, centres, kernel as MelFilterbank)
    : cqtMagnitudes(samples, centres, kernel as CqtKernel);
  compressInPlace(data, cfg, isMel);
  const frames = centres.length;
  if (!cfg.tempo) return { frames, bins: cachedBinCount(cfg), data };
  return { frames, bins: cachedBinCount(cfg), data: appendTempoBin(data, spectralBinCount(cfg), beatSamples, cfg.framesPerBeat, audio.sampleRate) };
}

/**
 * `[frames, bins]` → `[frames, bins + 1]`: each frame gets the {@link tempoValue} of its beat, the interval from
 * its beat position to the next (`beatSamples` at `sampleRate`; the last beat reuses the previous interval).
 */
export function appendTempoBin(data: Float32Array, bins: number, beatSamples: ArrayLike<number>, framesPerBeat: number, sampleRate: number): Float32Array {
  const frames = data.length / bins;
  const beats = beatSamples.length;
  if (frames !== beats * framesPerBeat) throw new RangeError(`appendTempoBin: ${frames} frames for ${beats} beats × ${framesPerBeat}`);
  if (beats < 2) throw new RangeError('appendTempoBin: at least 2 beats are needed for a tempo');
  const out = new Float32Array(frames * (bins + 1));
  for (let b = 0; b < beats; b++) {
    const k = Math.min(b, beats - 2);
    const seconds = (beatSamples[k + 1] - beatSamples[k]) / sampleRate;
    if (!(seconds > 0)) throw new RangeError(`appendTempoBin: beat ${k} is ${seconds} s long; beat positions must increase`);
    const v = tempoValue(seconds);
    for (let f = b * framesPerBeat; f < (b + 1) * framesPerBeat; f++) {
      out.set(data.subarray(f * bins, (f + 1) * bins), f * (bins + 1));
      out[f * (bins + 1) + bins] = v;
    }
  }
  return out;
}

/** CQT values are magnitudes and mel values powers; dB is always of power. */
function compressInPlace(data: Float32Array, cfg: FeatureConfig, isPower: boolean): void {
  const c = cfg.compression;
  if (c.type === 'log1p') {
    for (let i = 0; i < data.length; i++) data[i] = Math.log1p(c.gain * data[i]);
    return;
  }
  const dbPerUnit = isPower ? 10 : 20;
  const floor = 10 ** (c.floorDb / dbPerUnit);
  for (let i = 0; i < data.length; i++) data[i] = dbPerUnit * Math.log10(Math.max(data[i], floor));
}

/**
 * Transposes `[frames, bins]` CQT features by `semitones`: a shift of `semitones × binsPerSemitone` bins
 * towards higher bins (up) or lower (down); bins shifted in from outside are set to the floor value.
 * Exact for a log-frequency axis. Throws for mel features, whose bands are not equally spaced in pitch.
 */
export function transposeFeatures(
  data: Float32Array,
  bins: number,
  semitones: number,
  cfg: FeatureConfig,
): Float32Array {
  if (cfg.transform.type !== 'cqt') {
    throw new RangeError('transposition of audio features needs the cqt transform (mel bands are not equally spaced in pitch)');
  }
  const out = new Float32Array(data.length);
  shiftBinsInto(data, 0, out, 0, data.length / bins, bins, semitones * cfg.transform.binsPerSemitone, featureFloor(cfg), tempoBinCount(cfg));
  return out;
}

/**
 * Copies `frames` rows of `bins` from `src[srcOffset…]` to `dst[dstOffset…]`, shifting each row's first
 * `bins − fixed` bins by `shift` (the last `fixed`, e.g. the tempo bin, are copied as they are).
 */
export function shiftBinsInto(
  src: Float32Array,
  srcOffset: number,
  dst: Float32Array,
  dstOffset: number,
  frames: number,
  bins: number,
  shift: number,
  floor: number,
  fixed = 0,
): void {
  const shifted = bins - fixed;
  for (let f = 0; f < frames; f++) {
    const s = srcOffset + f * bins;
    const d = dstOffset + f * bins;
    if (shift === 0) {
      dst.set(src.subarray(s, s + bins), d);
      continue;
    }
    for (let b = 0; b < shifted; b++) {
      const from = b - shift;
      dst[d + b] = from >= 0 && from < shifted ? src[s + from] : floor;
    }
    for (let b = shifted; b < bins; b++) dst[d + b] = src[s + b];
  }
}
