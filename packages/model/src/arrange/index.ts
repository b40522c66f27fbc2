export { registerArrangeCommand, resolveModel, BUNDLED_MODEL_DIR, SMALL_MODEL_DIR, type ArrangeCommandDeps } from './cli.ts';
export { arrangeAudio, arrangementToMidi, arrangementToJson, type ArrangeAudioOptions, type Arrangement } from './pipeline.ts';
export { analyzeSong, MIN_ARRANGE_BEATS, type AnalyzeOptions } from './analyze.ts';
export { notesToMidi, leadInBeats, stepToSeconds, ARRANGE_PPQ, type NotesToMidiInput } from './midi-writer.ts';
export { windowStarts, windowInputs, stitchWindows } from './windows.ts';
export { loadTrainedArrangeModel } from './trained-model.ts';
export { arrangementToScoreSource } from './score-output.ts';
export type {
  SegmentArranger,
  SegmentInput,
  ArrangeModel,
  ModelSource,
  ModelLoader,
  SongAnalysis,
  ArrangeStage,
  ArrangeHooks,
} from './types.ts';
