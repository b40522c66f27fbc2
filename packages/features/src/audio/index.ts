export {
  FEATURE_SCHEMA_VERSION,
  FeatureConfigSchema,
  SongValuesSchema,
  CqtTransformSchema,
  MelTransformSchema,
  TransformSchema,
  CompressionSchema,
  resolveFeatureConfig,
  type FeatureConfig,
  type FeatureConfigInput,
  type CqtTransform,
  type MelTransform,
  type FeatureTransform,
  type FeatureCompression,
} from './config.ts';
export { beatSyncFrameCentres, hannWindow } from './frames.ts';
export { buildCqtKernel, cqtBinCount, cqtBinOfMidi, cqtMagnitudes, midiToHz, type CqtKernel } from './cqt.ts';
export { buildMelFilterbank, hzToMelHtk, melToHzHtk, melPowers, type MelFilterbank } from './mel.ts';
export {
  computeSongFeatures,
  featureBinCount,
  cachedBinCount,
  fixedBinCount,
  spectralBinCount,
  tempoBinCount,
  songValueBinCount,
  appendSongValue,
  tempoValue,
  appendTempoBin,
  featureFloor,
  transposeFeatures,
  shiftBinsInto,
  transformKernel,
  type AudioInput,
  type SongFeatures,
} from './song-features.ts';
