export {
  readEvalSummary,
  readMetricsArrow,
  readEvalDir,
  DEFAULT_VARIANT,
  type SummaryRow,
  type EvalSummary,
  type MetricRow,
  type MetricInfo,
  type EvalResults,
} from './eval-results.ts';
export { readTrainingLog, readTrainingRun, type TrainingLogEntry, type TrainingRun } from './training-log.ts';
export { readValidationLog, type ValidationEntry, type ValidationLog } from './validation-log.ts';
export {
  readPredictionFolder,
  toSegmentNotes,
  segmentKey,
  compareSegments,
  predictionLabel,
  type SegmentNotes,
  type PredictionSet,
} from './predictions.ts';
export {
  computeDatasetStats,
  datasetStatsFromRows,
  readDatasetStatsJson,
  isDatasetStatsJson,
  chordQuality,
  DatasetStatsSchema,
  DENSITY_BIN_WIDTH,
  type DatasetStats,
} from './dataset-stats.ts';
export type { SegmentRowLike, SongRecordLike, ManifestLike, ReadShard, ReadManifest, ReadSegments } from './dataset-access.ts';
export { resolveMetricInfo } from './metric-info.ts';
