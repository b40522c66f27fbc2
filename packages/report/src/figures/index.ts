export { VEGA_LITE_SCHEMA, type Figure } from './figure.ts';
export { metricBarsFigure } from './metric-bars.ts';
export { trainingCurvesFigure, downsample, CURVE_PANELS } from './training-curves.ts';
export {
  learningCurveFigure,
  validationSummary,
  bestPasses,
  autoWindow,
  LEARNING_CURVE_PANELS,
  TRAIN_SERIES,
  VALIDATION_SERIES,
} from './learning-curve.ts';
export { ablationFigure, ablationSystems } from './ablation.ts';
export { datasetFigures, datasetSplitsFigure, chordQualitiesFigure, metreFigure, noteDensityFigure } from './dataset.ts';
export { pianoRollFigure, segmentLabel, type RollSegment } from './piano-roll.ts';
export { songDistributionFigure } from './song-distribution.ts';
