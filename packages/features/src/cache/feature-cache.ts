import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256, sha256File, stableStringify, writeFileAtomic } from '@a2s/dataset';
import type { FeatureConfig } from '../audio/config.ts';
import { computeSongFeatures, type AudioInput, type SongFeatures } from '../audio/song-features.ts';
import { CorruptCacheFileError, decodeFeatureFile, encodeFeatureFile, FEATURE_FILE_VERSION } from './format.ts';

/** Default cache folder, relative to the working directory (the CLI resolves it). */
export const DEFAULT_FEATURE_CACHE_DIR = 'data/cache/features';

/** Decodes an audio file to mono samples (the dataset package's `decodeAudioFile` fits). */
export type AudioDecoder = (path: string) => Promise<AudioInput>;

export interface SongFeatureRequest {
  /** Audio file, absolute or relative to the working directory. */
  readonly audioPath: string;
  /** SHA-256 of the audio file (hex), e.g. from the manifest; hashed from the file when absent. */
  readonly audioSha256?: string;
  /** Sample index (at the audio file's rate) of every beat of the song. */
  readonly beatSamples: readonly number[];
  readonly config: FeatureConfig;
}

/**
 * Cache key: SHA-256 of the stable JSON of the audio's hash, the beat positions, the resolved feature
 * config and the file format version. Anything that changes the cached features changes the key; the
 * config's `songValues` table does not (the cache never holds its bin: see `appendSongValue`).
 */
export function featureCacheKey(audioSha256: string, beatSamples: readonly number[], cfg: FeatureConfig): string {
  const { songValues: _appendedOnLoad, ...cached } = cfg;
  return sha256(
    stableStringify({ format: FEATURE_FILE_VERSION, audioSha256, beats: sha256(beatSamples.join(',')), features: cached }),
  );
}

/** Where a key's file lives: `<cacheDir>/<key[0..2]>/<key>.a2sf`. */
export function featureCachePath(cacheDir: string, key: string): string {
  return join(cacheDir, key.slice(0, 2), `${key}.a2sf`);
}

/** Outcome of a lookup: `hit` (read and verified), `computed` (no file) or `recomputed` (file was corrupt). */
export type CacheOutcome = 'hit' | 'computed' | 'recomputed';

export interface SongFeatureResult {
  readonly features: SongFeatures;
  readonly outcome: CacheOutcome;
  readonly key: string;
  readonly path: string;
  /** Why the old file was rejected, for `recomputed`. */
  readonly rejected?: string;
  /** Seconds of audio analysed (0 for a hit). */
  readonly audioSec: number;
}

/**
 * Reads a song's features from the cache, or computes and writes them (atomically). A file that fails
 * verification (truncated, checksum, key) is recomputed and replaced, never used.
 */
export async function loadOrComputeSongFeatures(
  req: SongFeatureRequest,
  opts: { cacheDir: string; decode: AudioDecoder },
): Promise<SongFeatureResult> {
  const audioSha = req.audioSha256 ?? (await sha256File(req.audioPath));
  const key = featureCacheKey(audioSha, req.beatSamples, req.config);
  const path = featureCachePath(opts.cacheDir, key);
  let rejected: string | undefined;
  try {
    const features = decodeFeatureFile(await readFile(path), key);
    return { features, outcome: 'hit', key, path, audioSec: 0 };
  } catch (err) {
    if (err instanceof CorruptCacheFileError) rejected = err.message;
    else if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const audio = await opts.decode(req.audioPath);
  const features = computeSongFeatures(audio, req.beatSamples, req.config);
  await writeFileAtomic(path, encodeFeatureFile(features, key));
  const audioSec = audio.samples.length / audio.sampleRate;
  return rejected === undefined
    ? { features, outcome: 'computed', key, path, audioSec }
    : { features, outcome: 'recomputed', key, path, rejected, audioSec };
}

/** Reads and verifies a cached file; `undefined` when absent or corrupt (the caller recomputes). */
export async function readCachedSongFeatures(
  cacheDir: string,
  key: string,
): Promise<SongFeatures | undefined> {
  try {
    return decodeFeatureFile(await readFile(featureCachePath(cacheDir, key)), key);
  } catch (err) {
    if (err instanceof CorruptCacheFileError || (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
