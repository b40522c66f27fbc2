export {
  DatasetConfigSchema,
  SynthAudioSchema,
  RecordingsAudioSchema,
  BandAudioSchema,
  DEFAULT_BAND_LEAK,
  AudioSourceSchema,
  SplitRatiosSchema,
  DATASET_CONFIG_VERSION,
  DEFAULT_SOUNDFONT,
  DEFAULT_ACCOMPANIMENT_PROGRAMS,
  DEFAULT_MELODY_PROGRAMS,
  type DatasetConfig,
  type DatasetConfigInput,
  type SynthAudioConfig,
  type RecordingsAudioConfig,
  type BandAudioConfig,
} from './config.ts';
export { buildDataset, buildSongCaches, selectSongs, BUILD_VERSION, type BuildOptions } from './build.ts';
export {
  readManifest,
  readSegments,
  ManifestSchema,
  SongRecordSchema,
  BandRecordSchema,
  MANIFEST_SCHEMA_VERSION,
  type Manifest,
  type SongRecord,
  type BandRecord,
  type ShardEntry,
} from './manifest.ts';
export { assignSplits, splitCounts, hashedSplit, type SplitRatios } from './split.ts';
export { drawPrograms, midiWithPrograms, renderMidi, fluidsynthVersion, type TrackPrograms } from './synth.ts';
export type { SongResult } from './song.ts';
export * from '../audio/index.ts';
export * from '../shards/index.ts';
export {
  generateBand,
  encodeBandMidi,
  barsOf,
  BAND_GENERATOR_VERSION,
  BAND_PPQ,
  COMP_STYLES,
  type BandArrangement,
  type BandOptions,
  type BandPart,
  type BandNote,
  type BandNoteRole,
  type BandSection,
  type Bar,
  type CompStyle,
  type PartKind,
} from './band.ts';
export { encodeSmf } from './midi-writer.ts';
