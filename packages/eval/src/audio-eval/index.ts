export { notesFromMidiBytes, notesToMidiBytes, stepNotesToTimed, stepToSec, stitchWindows, sortNotes, type ArrangedNote } from './notes.ts';
export { noteChromaPerBeat, beatChromaCosine, beatEnd, SILENT_REL_ENERGY } from './chroma.ts';
export { pickOnsets, distinctOnsets, onsetHitRate, type OnsetPickOptions } from './timing.ts';
export {
  optimalTransposition,
  rotateChroma,
  qmax,
  poolChroma,
  dtwPath,
  warpingPathDeviation,
  type QmaxOptions,
  type QmaxResult,
} from './cover.ts';
export {
  interOnsetIntervals,
  rhythmicGridConsistency,
  ioiPatternEntropy,
  kMeans1d,
  noteDensity,
  meanPolyphonySec,
  type RgcOptions,
  type IpeOptions,
} from './style.ts';
export {
  ANALYSIS_SAMPLE_RATE,
  ONSET_TOLERANCE_SEC,
  BEAT_TOLERANCE_SEC,
  AUDIO_METRICS,
  normalizeAudio,
  scoreArrangement,
  analyzeRecording,
  scoreAgainstRecording,
  type RecordingAnalysis,
  type AudioMetricInfo,
  type MonoAudio,
  type ArrangementScoreInput,
  type ArrangementScore,
} from './score-arrangement.ts';
export { singlePair, folderPairs, predictionPairs, referencePairs, readMidiArrangement, type AudioEvalPair } from './pairs.ts';
export {
  evaluateAudioPairs,
  summarizeAudioScores,
  type RenderSettings,
  type AudioEvalSystem,
  type EvaluateAudioOptions,
  type AudioSongEntry,
  type AudioSummaryFile,
  type AudioEvaluationResult,
} from './evaluate-audio.ts';
