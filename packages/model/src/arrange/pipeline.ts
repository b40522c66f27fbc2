import { STEPS_PER_BEAT, type DecodedAudio, type Note } from '@a2s/dataset';
import { computeSongFeatures } from '@a2s/features';
import { analyzeSong } from './analyze.ts';
import { notesToMidi, stepToSeconds } from './midi-writer.ts';
import type { ArrangeHooks, ArrangeModel, SongAnalysis } from './types.ts';
import { stitchWindows, windowInputs, windowStarts } from './windows.ts';

/** Options of {@link arrangeAudio}. */
export interface ArrangeAudioOptions {
  readonly audio: DecodedAudio;
  /** The audio file's path, for messages. */
  readonly audioPath: string;
  readonly model: ArrangeModel;
  readonly beatsPath?: string;
  readonly chordsPath?: string;
  /** Windows per arranger call. Default 16. */
  readonly batchSize?: number;
  /** Replaces the default first-bar stitch. */
  readonly stitch?: (starts: readonly number[], windows: readonly (readonly Note[])[]) => Note[];
  readonly hooks?: ArrangeHooks;
  /** Arrange audio that fails the music check (no tonal content) anyway. */
  readonly skipMusicCheck?: boolean;
}

/** Result of {@link arrangeAudio}. */
export interface Arrangement {
  readonly analysis: SongAnalysis;
  /** Piano notes, `onsetStep` absolute from beat 0 of `analysis.beatTimesSec`. */
  readonly notes: Note[];
  /** First beat of every arranged window. */
  readonly windowStarts: number[];
}

/**
 * The arrange pipeline up to the notes: analysis (beats, bars, chords), beat-synchronous features,
 * the model over 2-bar windows at every downbeat, stitching.
 */
export async function arrangeAudio(opts: ArrangeAudioOptions): Promise<Arrangement> {
  const { audio, model, hooks } = opts;
  const analysis = await analyzeSong(audio, {
    audioPath: opts.audioPath,
    beatsPath: opts.beatsPath,
    chordsPath: opts.chordsPath,
    hooks,
    skipMusicCheck: opts.skipMusicCheck,
  });
  const beats = analysis.beatTimesSec.length;
  hooks?.onStage?.('features', `${beats} beats × ${model.features.framesPerBeat} frames`);
  const beatSamples = Array.from(analysis.beatTimesSec, (t) => Math.round(t * audio.sampleRate));
  const features = computeSongFeatures(audio, beatSamples, model.features);
  const starts = windowStarts(analysis.downbeatBeats, beats);
  const inputs = windowInputs(features, model.features.framesPerBeat, analysis.chords, starts);
  hooks?.onStage?.('arrange', `${starts.length} windows of 2 bars`);
  const batchSize = Math.max(1, opts.batchSize ?? 16);
  const perWindow: Note[][] = [];
  if (model.arranger.arrangeSong) {
    const out = await model.arranger.arrangeSong(inputs, starts, (done) => hooks?.onSegments?.(done, inputs.length));
    if (out.length !== inputs.length) throw new Error(`arranger returned ${out.length} windows for ${inputs.length} inputs`);
    perWindow.push(...out);
  }
  for (let i = perWindow.length; i < inputs.length; i += batchSize) {
    const batch = inputs.slice(i, i + batchSize);
    const out = await model.arranger.arrange(batch);
    if (out.length !== batch.length) {
      throw new Error(`arranger returned ${out.length} windows for ${batch.length} inputs`);
    }
    perWindow.push(...out);
    hooks?.onSegments?.(perWindow.length, inputs.length);
  }
  const notes = (opts.stitch ?? stitchWindows)(starts, perWindow);
  return { analysis, notes, windowStarts: starts };
}

/** The arrangement as a piano MIDI file whose tempo map follows the recording's beats. */
export function arrangementToMidi(a: Arrangement, opts: { fixedVelocity?: number; sustainPerBar?: boolean } = {}): Uint8Array {
  return notesToMidi({
    notes: a.notes,
    beatTimesSec: a.analysis.beatTimesSec,
    downbeatBeats: a.analysis.downbeatBeats,
    beatsPerBar: a.analysis.beatsPerBar,
    program: 0,
    ...opts,
  });
}

/** JSON summary for `--emit-json`: beats, bars, chords per beat and notes (with their times in the recording). */
export function arrangementToJson(a: Arrangement, meta: Record<string, unknown> = {}): Record<string, unknown> {
  const t = a.analysis.beatTimesSec;
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    ...meta,
    tempoBpm: round(a.analysis.tempoBpm),
    beatsPerBar: a.analysis.beatsPerBar,
    beatSource: a.analysis.beatSource,
    chordSource: a.analysis.chordSource,
    beatTimesSec: Array.from(t, round),
    downbeatBeats: a.analysis.downbeatBeats,
    chords: a.analysis.chords.map((c) => c.label),
    windowStarts: a.windowStarts,
    stepsPerBeat: STEPS_PER_BEAT,
    notes: a.notes.map((n) => ({
      onsetStep: n.onsetStep,
      durationSteps: n.durationSteps,
      pitch: n.pitch,
      velocity: n.velocity,
      startSec: round(stepToSeconds(n.onsetStep, t)),
      endSec: round(stepToSeconds(n.onsetStep + n.durationSteps, t)),
    })),
  };
}
