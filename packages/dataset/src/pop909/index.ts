export {
  readBeatMidi,
  readBeatAudio,
  readChordFile,
  readKeyFile,
  type BeatGrid,
  type AudioBeats,
  type ChordSpan,
  type KeySpan,
} from './annotations.ts';
export { parseChordLabel, chordPitchClasses, NO_CHORD, UNKNOWN_CHORD, CHORD_SHORTHANDS } from './chord-label.ts';
export { chordsPerBeat, CHORD_LOOKUP_EPSILON_SEC } from './chords-per-beat.ts';
export { detectMetre, REGULAR_BAR_SHARE, type MetreInfo } from './metre.ts';
export { readPop909Midi, checkSmfStructure, type RawNote } from './midi.ts';
export { quantizeNotes, secondsToBeatPosition, secondsToStep } from './quantize.ts';
export { completeSegmentStarts, segmentSong, type SegmentSpec } from './segment.ts';
export { loadPop909Song, listPop909Songs, POP909_FILES, MIN_NOTE_SPAN_SHARE, MIN_CHORD_SPAN_SHARE, MIN_CHORD_LABEL_SHARE, type Pop909Song } from './song.ts';
