export { LEVELS, LEVEL_NAMES, LevelLimitsSchema, DIVISIONS, type LevelName, type LevelLimits } from './levels.ts';
export { spellPitch, spellPitchClass, pitchOfSpelled, keyFifths, keyName, signatureAlter, LETTERS, type Letter, type SpelledPitch } from './spelling.ts';
export { splitSpan, noteValueOf, type NoteValue, type MetreGrid } from './durations.ts';
export {
  chooseBeatFactor,
  oddSixteenthShare,
  gridTempoBpm,
  tempoMarks,
  DOUBLE_BELOW_BPM,
  DOUBLE_MIN_ODD_SHARE,
  TEMPO_CHANGE_RATIO,
  TEMPO_CHANGE_BARS,
} from './metre.ts';
export { splitHands, fitHands, snapToGrid, SPLIT_PITCH, type TimedNote, type HandNote, type FitChanges } from './hands.ts';
export { assignVoices, FIRST_VOICE } from './voices.ts';
export { buildScore, type BuildScoreOptions } from './build.ts';
