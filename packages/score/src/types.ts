import type { Chord, Note } from '@a2s/dataset';
import type { Key } from './key/key-finder.ts';
import type { LevelLimits, LevelName } from './notation/levels.ts';

/**
 * What a score is made from: quantized notes on the beat grid of a recording or a MIDI file
 * (`onsetStep` absolute, {@link STEPS_PER_BEAT} steps per beat of that grid).
 */
export interface ScoreSource {
  readonly notes: readonly Note[];
  /** Beats per bar of the grid (4 for the arranger's 4/4). */
  readonly beatsPerBar: number;
  /** A beat index of the grid that starts a bar; bars are regular from it, in both directions. */
  readonly firstDownbeatBeat: number;
  /** Time of each grid beat in seconds (tempo marks follow it); when absent, {@link tempoBpm} is used. */
  readonly beatTimesSec?: Float64Array;
  /** Tempo of the grid beat when there are no beat times. */
  readonly tempoBpm?: number;
  /** One chord per grid beat (chord symbols above the staff). */
  readonly chords?: readonly Chord[];
  /** The key; found from the notes when absent. */
  readonly key?: Key;
  readonly title?: string;
}

/** A note of the written score, in divisions (4 per quarter) from the start of the first measure. */
export interface ScoreNote {
  readonly onsetDiv: number;
  readonly durDiv: number;
  readonly pitch: number;
  /** 1 = treble staff (right hand), 2 = bass staff (left hand). */
  readonly staff: 1 | 2;
  /** MusicXML voice: 1–2 on staff 1, 5–6 on staff 2. */
  readonly voice: number;
}

/** One measure of the written score. */
export interface ScoreMeasure {
  /** MusicXML measure number: 0 for a pickup, then 1, 2, … */
  readonly number: number;
  readonly startDiv: number;
  readonly lengthDiv: number;
  /** A pickup (anacrusis) shorter than the time signature. */
  readonly pickup: boolean;
}

/** The notated view of a {@link ScoreSource} at one difficulty level; written out by `writeMusicXml`. */
export interface ScoreModel {
  readonly title: string;
  readonly key: Key;
  /** Quarter-note beats per measure (the time signature is `<beatsPerBar>/4`). */
  readonly beatsPerBar: number;
  /** Written quarter notes per grid beat: 1, or 2 when the grid beat was a half note (see `chooseBeatFactor`). */
  readonly beatFactor: number;
  readonly measures: readonly ScoreMeasure[];
  readonly notes: readonly ScoreNote[];
  /** Tempo marks (quarter = bpm) at measure starts. */
  readonly tempos: readonly { readonly div: number; readonly bpm: number }[];
  readonly harmonies: readonly { readonly div: number; readonly chord: Chord }[];
  /** Grid step of the source at division 0. */
  readonly originStep: number;
  readonly level: LevelName;
  readonly limits: LevelLimits;
  /** How the level changed the source notes: notes left out, notes shortened, notes moved onto the level's grid. */
  readonly changes: { readonly dropped: number; readonly shortened: number; readonly moved: number };
}
