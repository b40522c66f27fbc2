import { dirname, resolve } from 'node:path';
import { decodeAudioFile, readManifest, readSegments, type Chord, type Note, type SegmentRow, type SongRecord } from '@a2s/dataset';
import type { AudioDecoder } from './feature-cache.ts';

/**
 * The parts of `@a2s/dataset`'s manifest and shard API this package reads: read-only picks of its
 * `SongRecord`, `Manifest` and `SegmentRow`, so that tests and benchmarks can inject their own
 * (with plain arrays for the beat samples, and any split/status strings).
 */
export type SongRecordLike = Readonly<Pick<SongRecord, 'songId' | 'audioPath' | 'audioSha256' | 'sampleRate'>> & {
  readonly split: string;
  readonly status: string;
  readonly beatSamples?: readonly number[];
};

export interface ManifestLike {
  readonly songs: readonly SongRecordLike[];
}

export type SegmentRowLike = Readonly<Pick<SegmentRow, 'songId' | 'startBeat' | 'audioPath' | 'audioSha256' | 'sampleRate'>> & {
  readonly split: string;
  readonly notes: readonly Note[];
  readonly chords: readonly Chord[];
  readonly beatSamples: Int32Array | readonly number[];
};

export interface DatasetIo {
  readManifest(path: string): Promise<ManifestLike>;
  readSegments(manifestPath: string, opts?: { split?: 'train' | 'valid' | 'test' }): Promise<readonly SegmentRowLike[]>;
  decodeAudioFile: AudioDecoder;
}

/** The dataset package's readers. */
export function datasetIo(): DatasetIo {
  return { readManifest, readSegments, decodeAudioFile };
}

/** A song record's audio path resolved against the manifest's folder (absolute paths stay as they are). */
export function resolveSongAudioPath(manifestPath: string, audioPath: string): string {
  return resolve(dirname(manifestPath), audioPath);
}
