export {
  pairSegments,
  scoreSongs,
  summarizeSystem,
  type SegmentLike,
  type SystemId,
  type MetricRow,
  type SummaryRow,
  type PairingResult,
  type SummarizeOptions,
  evaluateSets,
  formatSummaryTable,
  type PredictionSet,
  type EvaluationResult,
} from './summarize.ts';
export { METRICS_TABLE_COLUMNS, metricsTableBytes, writeMetricsTable, readMetricsTable } from './metrics-table.ts';
export { PredictionMetaSchema, PREDICTION_SHARD_ROWS, writePredictionFolder, readPredictionFolder, type PredictionMeta } from './prediction-folder.ts';
export {
  evaluatePredictionFolders,
  type EvaluateFoldersOptions,
  type SummaryFile,
} from './evaluate.ts';
export {
  compareSystems,
  COMPARED_METRICS,
  comparisonMarkdown,
  parseSystemRef,
  refText,
  verdictLine,
  verdictOf,
  type CompareOptions,
  type PairedComparisonRow,
  type SystemRef,
  type Verdict,
} from './compare.ts';
