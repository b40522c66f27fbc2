export { ModelConfigSchema, VariantSchema, ScheduleSchema, scheduleValue, scheduleProgress, isRelativeSchedule, type ModelConfig, type ModelConfigInput, type Variant, type Schedule } from './config/model-config.ts';
export { MODEL_PRESETS, PRESET_NAMES, type PresetName } from './config/presets.ts';
export {
  TrainConfigSchema,
  StageConfigSchema,
  StageNameSchema,
  STAGE_NAMES,
  resolveTrainConfig,
  referenceStages,
  defaultStages,
  checkStageGraph,
  stageParent,
  stageLineage,
  stageLength,
  trainedModeOf,
  modesFor,
  INFERENCE_MODES,
  type InferenceMode,
  type TrainedMode,
  type ResolvedTrainConfig,
  type StageConfig,
  type StageName,
  type TrainConfigInput,
} from './config/train-config.ts';
export { selectBackend, ensureTfRuntime, type BackendInfo, type BackendName } from './tf/backend.ts';
export { buildModel, forwardLoss, infer, type A2SModel, type TrainKnobs, type InferOptions } from './net/model.ts';
export { encodeAudio } from './net/encoders.ts';
export type { EosThreshold } from './net/pianotree.ts';
export { batchToInputs, disposeInputs, type ModelInputs } from './net/inputs.ts';
export { Adam } from './train/adam.ts';
export { trainStep, type StepResult, type LossValues } from './train/step.ts';
export { train, learningRate, NonFiniteLossError, type BatchSource, type TrainOptions, type TrainResult, type TrainLogEntry } from './train/trainer.ts';
export { DataParallel, type ParallelOptions } from './train/parallel/data-parallel.ts';
export { WorkerFailedError } from './train/parallel/pool.ts';
export { saveCheckpoint, loadCheckpoint, restoreInto, type Checkpoint, type CheckpointHeader, type TrainPosition } from './train/checkpoint.ts';
export { exportWeights, setModelDecoding, type ExportedModelInfo, type ModelCard } from './train/export.ts';
export type { ModelDecoding } from './train/checkpoint.ts';
export { resolveDecoding, describeDecoding, parseEosThreshold, type ResolvedDecoding } from './infer/decoding.ts';
export { loadTrainedModel, arrangeSegments, arrangeAutoregressive, predictSplit, type TrainedModel, type ArrangeOptions, type PredictSplitOptions, type WindowInput } from './infer/predict.ts';
export { resolveInferenceMode, decodeInOrder, previousWindows, readTextureReference, textureRoll, type TextureReference } from './infer/modes.ts';
export { findStageEnd, findStageCheckpoint, checkpointTrainedMode } from './train/checkpoint.ts';
export { stitchSegments, type SegmentNotes } from './infer/stitch.ts';
export { writeMidi, type MidiTiming } from './infer/midi.ts';
export { predictionToNotes } from './infer/tree-notes.ts';
export { syntheticBatch, syntheticSource, syntheticNotes, type SyntheticOptions } from './testing/synthetic.ts';
export * from './arrange/index.ts';
