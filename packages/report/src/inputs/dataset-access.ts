import { readManifest, readSegments, readSegmentShard, type Chord, type Note, type SegmentRow, type SongRecord } from '@a2s/dataset';

/** The fields of a dataset SegmentRow that the report reads (tests inject plain arrays and strings). */
export type SegmentRowLike = Readonly<Pick<SegmentRow, 'songId' | 'startBeat'>> & {
  readonly split: string;
  readonly notes: readonly Note[];
  readonly chords: readonly Chord[];
  readonly beatSamples?: ArrayLike<number>;
  readonly sampleRate?: number;
};

/** The fields of a dataset SongRecord that the report reads. */
export type SongRecordLike = Readonly<Pick<SongRecord, 'songId' | 'metre' | 'segments'>> & {
  readonly split: string;
  readonly status: string;
};

export interface ManifestLike {
  readonly songs: readonly SongRecordLike[];
}

export type ReadShard = (path: string) => Promise<SegmentRowLike[]>;
export type ReadManifest = (path: string) => Promise<ManifestLike>;
export type ReadSegments = (manifestPath: string, opts?: { split?: 'train' | 'valid' | 'test' }) => Promise<SegmentRowLike[]>;

/** The @a2s/dataset readers, as the defaults of the injectable readers above (tests replace them). */
export const readSegmentShardFromDataset: ReadShard = readSegmentShard;
export const readManifestFromDataset: ReadManifest = readManifest;
export const readSegmentsFromDataset: ReadSegments = readSegments;
