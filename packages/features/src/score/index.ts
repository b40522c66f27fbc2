export { MAX_DURATION_STEPS, PIANOTREE_NOTES_PER_STEP, DECODED_VELOCITY, ACCOMPANIMENT_TRACKS } from './constants.ts';
export { accompanimentNotes, melodyNotes, scoreInputNotes, auxSources, ScoreTargetSchema, type ScoreTarget } from './tracks.ts';
export { encodeChord, encodeChords } from './chord.ts';
export {
  notesToPianoRoll,
  pianoRollToNotes,
  emptyPianoRollStats,
  type PianoRollStats,
  type PianoRollOptions,
} from './piano-roll.ts';
export {
  notesToPianoTree,
  pianoTreeToNotes,
  emptyPianoTreeStats,
  PIANOTREE_SIZE,
  type PianoTreeStats,
  type PianoTreeOptions,
} from './piano-tree.ts';
export { auxTargets, BASS_SURE_PITCH, BASS_NONE_PITCH, INTENSITY_NORM } from './aux-targets.ts';
export {
  TransposeSchema,
  type TransposeConfig,
  sampleTranspose,
  transposeNotes,
  transposeChord,
  transposePianoRoll,
  rotatePcMask,
  TRANSPOSE_MIN,
  TRANSPOSE_MAX,
  REFERENCE_TRANSPOSE_WEIGHTS,
} from './transpose.ts';
