import { SEGMENT_BEATS, SEGMENT_STEPS, type Rng } from '@a2s/dataset';
import type { FeatureConfig } from '../audio/config.ts';
import { featureBinCount, featureFloor, fixedBinCount, shiftBinsInto } from '../audio/song-features.ts';
import type { SegmentRowLike } from '../cache/dataset-io.ts';
import { applyCorruption } from '../corruption/apply.ts';
import type { CorruptionConfig } from '../corruption/schema.ts';
import { auxTargets } from '../score/aux-targets.ts';
import { encodeChords } from '../score/chord.ts';
import { notesToPianoRoll } from '../score/piano-roll.ts';
import { notesToPianoTree, PIANOTREE_SIZE } from '../score/piano-tree.ts';
import { accompanimentNotes, auxSources, scoreInputNotes, type ScoreTarget } from '../score/tracks.ts';
import { sampleTranspose, transposeChord, transposeNotes, type TransposeConfig } from '../score/transpose.ts';
import { AUX_DIMS, CHORD_DIMS, PITCHES, type Batch } from './types.ts';
import type { SongFeatureStore } from './song-store.ts';

export interface AssembleContext {
  readonly features: FeatureConfig;
  readonly corruption: CorruptionConfig;
  readonly transpose: TransposeConfig;
  /** Symbolic-input tracks and auxiliary-target sources ({@link ScoreTarget}). */
  readonly score: ScoreTarget;
  readonly store: SongFeatureStore;
  /** The segment 4 beats earlier in the same song, for `previousSegment` corruption. */
  readonly previousOf: (row: SegmentRowLike) => SegmentRowLike | undefined;
}

/** True when the corruption (or one item of a list) needs the previous segment's roll. */
export function needsPreviousRoll(cfg: CorruptionConfig): boolean {
  return cfg.type === 'previousSegment' || (cfg.type === 'list' && cfg.items.some((c) => c.type === 'previousSegment'));
}

/**
 * Builds one batch from `rows`, drawing transpositions and corruptions from `rng` in row order (so a batch
 * depends only on its rows and its rng). Transposition by t semitones is applied consistently: CQT bins
 * shifted by t·binsPerSemitone (floor-padded), chords rotated, notes moved.
 */
export async function assembleBatch(rows: readonly SegmentRowLike[], rng: Rng, ctx: AssembleContext): Promise<Batch> {
  const size = rows.length;
  const framesPerBeat = ctx.features.framesPerBeat;
  const audioFrames = SEGMENT_BEATS * framesPerBeat;
  const audioBins = featureBinCount(ctx.features);
  const floor = featureFloor(ctx.features);
  const binsPerSemitone = ctx.features.transform.type === 'cqt' ? ctx.features.transform.binsPerSemitone : 0;
  const fixedBins = fixedBinCount(ctx.features);
  const audio = new Float32Array(size * audioFrames * audioBins);
  const chords = new Float32Array(size * SEGMENT_BEATS * CHORD_DIMS);
  const pianoRoll = new Float32Array(size * SEGMENT_STEPS * PITCHES);
  const pianoTree = new Int32Array(size * PIANOTREE_SIZE);
  const aux = new Float32Array(size * SEGMENT_STEPS * AUX_DIMS);
  const startBeats = new Int32Array(size);
  const transpose = new Int8Array(size);
  const withPrevious = needsPreviousRoll(ctx.corruption);
  const songs = await Promise.all(rows.map((r) => ctx.store.get(r.songId)));
  for (let j = 0; j < size; j++) {
    const row = rows[j];
    const song = songs[j];
    const t = sampleTranspose(rng, ctx.transpose);
    transpose[j] = t;
    startBeats[j] = row.startBeat;
    const firstFrame = row.startBeat * framesPerBeat;
    if (song.bins !== audioBins || firstFrame + audioFrames > song.frames) {
      throw new RangeError(
        `song ${row.songId}: segment at beat ${row.startBeat} needs frames ${firstFrame}–${firstFrame + audioFrames} of ${song.frames}`,
      );
    }
    shiftBinsInto(song.data, firstFrame * audioBins, audio, j * audioFrames * audioBins, audioFrames, audioBins, t * binsPerSemitone, floor, fixedBins);
    encodeChords(t === 0 ? row.chords : row.chords.map((c) => transposeChord(c, t)), chords, j * SEGMENT_BEATS * CHORD_DIMS);
    const notes = t === 0 ? row.notes : transposeNotes(row.notes, t);
    const acc = accompanimentNotes(notes);
    const clean = notesToPianoRoll(scoreInputNotes(notes, ctx.score));
    let previousRoll: Float32Array | undefined;
    if (withPrevious) {
      const prev = ctx.previousOf(row);
      if (prev) previousRoll = notesToPianoRoll(accompanimentNotes(t === 0 ? prev.notes : transposeNotes(prev.notes, t)));
    }
    pianoRoll.set(applyCorruption(clean, ctx.corruption, rng, { previousRoll }), j * SEGMENT_STEPS * PITCHES);
    notesToPianoTree(acc, { out: pianoTree, offset: j * PIANOTREE_SIZE });
    const src = auxSources(notes, ctx.score);
    aux.set(auxTargets(src.accompaniment, src.onsets), j * SEGMENT_STEPS * AUX_DIMS);
  }
  return {
    size,
    audioFrames,
    audioBins,
    audio,
    chords,
    pianoRoll,
    pianoTree,
    aux,
    songIds: rows.map((r) => r.songId),
    startBeats,
    transpose,
  };
}
