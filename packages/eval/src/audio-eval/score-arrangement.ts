import { resample, type Chord } from '@a2s/dataset';
import {
  beatFMeasure,
  chordAccuracy,
  chromaFrames,
  chromaPerBeat,
  decodeChords,
  onsetEnvelope,
  trackBeats,
  type BeatChroma,
  type ChromaFrames,
} from '@a2s/features';
import type { MetricInfo } from '../metrics/song-scores.ts';
import { beatChromaCosine, noteChromaPerBeat } from './chroma.ts';
import { dtwPath, optimalTransposition, poolChroma, qmax, rotateChroma, warpingPathDeviation } from './cover.ts';
import type { ArrangedNote } from './notes.ts';
import { interOnsetIntervals, ioiPatternEntropy, meanPolyphonySec, noteDensity, rhythmicGridConsistency } from './style.ts';
import { distinctOnsets, onsetHitRate, pickOnsets } from './timing.ts';

/** Every recording (and rendering) is analysed at this rate, after resampling: results do not depend on the file's rate. */
export const ANALYSIS_SAMPLE_RATE = 16000;
/** Tolerance of onset matching (s), as mir_eval's onset evaluation. */
export const ONSET_TOLERANCE_SEC = 0.05;
/** Tolerance of beat matching (s), as mir_eval's beat F-measure. */
export const BEAT_TOLERANCE_SEC = 0.07;
/** Target hop of the chroma frames aligned by DTW for WPD (the 46 ms chroma frames pooled by 2). */
const WPD_POOL = 2;

/** A metric of `a2s eval-audio`. `compared: false` marks descriptive statistics (no better direction). */
export interface AudioMetricInfo extends MetricInfo {
  readonly compared: boolean;
  /** Needs the arrangement's FluidSynth rendering. */
  readonly needsRendering: boolean;
}

/** Every metric of `a2s eval-audio`, in report order (definitions: the eval README). */
export const AUDIO_METRICS: readonly AudioMetricInfo[] = [
  { name: 'audio.chroma.notes.cosine', higherIsBetter: true, compared: true, needsRendering: false, description: 'beat chroma cosine, recording vs the arrangement’s notes' },
  { name: 'audio.chroma.render.cosine', higherIsBetter: true, compared: true, needsRendering: true, description: 'beat chroma cosine, recording vs the arrangement’s FluidSynth rendering' },
  { name: 'audio.chord.root.agree', higherIsBetter: true, compared: true, needsRendering: false, description: 'chords recognized from the recording vs from the arrangement, root level' },
  { name: 'audio.chord.majmin.agree', higherIsBetter: true, compared: true, needsRendering: false, description: 'same, majmin level' },
  { name: 'audio.onset.hit', higherIsBetter: true, compared: true, needsRendering: false, description: 'share of arrangement onsets within 50 ms of a recording onset' },
  { name: 'audio.onset.f1', higherIsBetter: true, compared: true, needsRendering: false, description: 'one-to-one onset F-measure (50 ms), recording onsets as reference' },
  { name: 'audio.beat.f', higherIsBetter: true, compared: true, needsRendering: true, description: 'beats tracked in the rendering vs the recording’s beats, F-measure (70 ms)' },
  { name: 'audio.tempo.ratio', higherIsBetter: true, compared: false, needsRendering: true, description: 'tempo of the rendering / tempo of the recording (1 = same; 2 = double time)' },
  { name: 'audio.cover.qmax', higherIsBetter: true, compared: true, needsRendering: false, description: 'Qmax (Serrà 2009) of the beat chroma cross-recurrence / shorter length' },
  { name: 'audio.cover.wpd', higherIsBetter: false, compared: true, needsRendering: false, description: 'warping-path deviation (Etude): std of DTW path residuals, seconds' },
  { name: 'style.rgc', higherIsBetter: false, compared: true, needsRendering: false, description: 'rhythmic grid consistency (Etude), 0 = one grid' },
  { name: 'style.ipe', higherIsBetter: true, compared: false, needsRendering: false, description: 'IOI pattern entropy (Etude), bits of 8-gram IOI symbols' },
  { name: 'style.density', higherIsBetter: true, compared: false, needsRendering: false, description: 'arrangement notes per second of recording' },
  { name: 'style.polyphony', higherIsBetter: true, compared: false, needsRendering: false, description: 'mean sounding notes while any note sounds' },
];

/** Mono audio at some rate. */
export interface MonoAudio {
  readonly samples: Float32Array;
  readonly sampleRate: number;
}

/** What {@link scoreArrangement} scores: an arrangement's notes against its source recording. */
export interface ArrangementScoreInput {
  readonly recording: MonoAudio;
  /** The arrangement, in seconds of the recording's timeline. */
  readonly notes: readonly ArrangedNote[];
  /** The recording's beats (s); tracked with `trackBeats` when absent. */
  readonly beatTimesSec?: Float64Array;
  /** The arrangement rendered to audio (FluidSynth); the rendering-based metrics are left out without it. */
  readonly rendering?: MonoAudio | null;
}

/** Per-song values, and what was measured on the way. */
export interface ArrangementScore {
  /** Metric name → value; a metric is absent when undefined for this song. */
  readonly metrics: Record<string, number>;
  readonly details: {
    readonly beats: number;
    readonly beatSource: 'given' | 'tracked';
    readonly recordingTempoBpm: number;
    readonly renderingTempoBpm: number | null;
    readonly recordingOnsets: number;
    readonly arrangementOnsets: number;
    readonly notes: number;
    /** Semitones the arrangement's chroma was rotated by for Qmax (optimal transposition index). */
    readonly qmaxTransposition: number;
    readonly durationSec: number;
  };
  /** The sequences the metrics were computed from (for independent checks, e.g. against mir_eval). */
  readonly trace: {
    readonly beatTimesSec: Float64Array;
    readonly audioChords: readonly Chord[];
    readonly arrangementChords: readonly Chord[];
    readonly recordingOnsetsSec: Float64Array;
    readonly arrangementOnsetsSec: Float64Array;
    /** Beats tracked in the rendering; null without one. */
    readonly renderingBeatsSec: Float64Array | null;
  };
}

/**
 * Mono audio resampled to {@link ANALYSIS_SAMPLE_RATE} and scaled to peak 1 (silence stays silence): every
 * metric is then independent of the file's rate and loudness, up to the resampler's accuracy.
 */
export function normalizeAudio(audio: MonoAudio): Float32Array {
  const x = Float32Array.from(resample(audio.samples, audio.sampleRate, ANALYSIS_SAMPLE_RATE));
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  if (peak > 0) for (let i = 0; i < x.length; i++) x[i] /= peak;
  return x;
}

function medianTempo(beats: Float64Array): number {
  if (beats.length < 2) return 0;
  const d = Array.from(beats.subarray(1), (t, i) => t - beats[i]).sort((a, b) => a - b);
  return 60 / d[d.length >> 1];
}

/** The arrangement's notes as frame chroma on a grid of `frames` frames `hopSec` apart. */
function noteFrameChroma(notes: readonly ArrangedNote[], frames: number, hopSec: number): Float32Array {
  const grid = Float64Array.from({ length: frames }, (_, i) => i * hopSec);
  return noteChromaPerBeat(notes, grid).chroma;
}

const finite = (out: Record<string, number>, name: string, v: number): void => {
  if (Number.isFinite(v)) out[name] = v;
};

/**
 * Scores one arrangement against its source recording (definitions in the eval README). Pure apart from the
 * CPU time: the rendering, when wanted, is made by the caller.
 */
export function scoreArrangement(input: ArrangementScoreInput): ArrangementScore {
  return scoreAgainstRecording(analyzeRecording(input.recording, input.beatTimesSec), input.notes, input.rendering ?? null);
}

/** What the metrics need from a recording; computed once and shared by every arrangement of it. */
export interface RecordingAnalysis {
  readonly durationSec: number;
  readonly beats: Float64Array;
  readonly beatSource: 'given' | 'tracked';
  readonly tempoBpm: number;
  readonly beatChroma: BeatChroma;
  readonly chords: readonly Chord[];
  readonly onsetsSec: Float64Array;
  readonly frames: ChromaFrames;
}

/** Analyses a recording (normalized first): beats (given or tracked), beat chroma and chords, onsets, frame chroma. */
export function analyzeRecording(recording: MonoAudio, beatTimesSec?: Float64Array): RecordingAnalysis {
  const sr = ANALYSIS_SAMPLE_RATE;
  const rec = normalizeAudio(recording);
  const track = beatTimesSec ? null : trackBeats(rec, sr);
  const beats = beatTimesSec ?? track!.beatTimesSec;
  const beatChroma = chromaPerBeat(rec, sr, beats);
  return {
    durationSec: rec.length / sr,
    beats,
    beatSource: beatTimesSec ? 'given' : 'tracked',
    tempoBpm: track ? track.tempoBpm : medianTempo(beats),
    beatChroma,
    chords: decodeChords(beatChroma),
    onsetsSec: pickOnsets(onsetEnvelope(rec, sr)),
    frames: chromaFrames(rec, sr),
  };
}

/** Scores an arrangement (and its rendering, when given) against an analysed recording. */
export function scoreAgainstRecording(analysis: RecordingAnalysis, notes: readonly ArrangedNote[], rendering: MonoAudio | null): ArrangementScore {
  const sr = ANALYSIS_SAMPLE_RATE;
  const { durationSec, beats, beatSource, beatChroma: recChroma, chords: audioChords, onsetsSec: recOnsets, frames: recFrames } = analysis;
  const recordingTempoBpm = analysis.tempoBpm;
  const m: Record<string, number> = {};

  const noteChroma = noteChromaPerBeat(notes, beats);
  finite(m, 'audio.chroma.notes.cosine', beatChromaCosine(recChroma, noteChroma));

  const arrOnsets = distinctOnsets(notes);
  m['audio.onset.hit'] = arrOnsets.length === 0 ? 0 : onsetHitRate(arrOnsets, recOnsets, ONSET_TOLERANCE_SEC);
  m['audio.onset.f1'] = beatFMeasure(arrOnsets, recOnsets, ONSET_TOLERANCE_SEC);

  let arrBeatChroma: BeatChroma = noteChroma;
  let renderingTempoBpm: number | null = null;
  let renderingBeatsSec: Float64Array | null = null;
  let arrFrameChroma: Float32Array;
  if (rendering) {
    const ren = normalizeAudio(rendering);
    const renChroma = chromaPerBeat(ren, sr, beats);
    arrBeatChroma = renChroma;
    finite(m, 'audio.chroma.render.cosine', beatChromaCosine(recChroma, renChroma));
    const renTrack = trackBeats(ren, sr);
    renderingTempoBpm = renTrack.tempoBpm;
    renderingBeatsSec = renTrack.beatTimesSec;
    m['audio.beat.f'] = beatFMeasure(renTrack.beatTimesSec, beats, BEAT_TOLERANCE_SEC);
    m['audio.tempo.ratio'] = recordingTempoBpm > 0 ? renTrack.tempoBpm / recordingTempoBpm : 0;
    const renFrames = chromaFrames(ren, sr);
    // The rendering shares the recording's timeline; its release tail past the recording's end would only
    // bend the end of the warping path.
    arrFrameChroma = renFrames.chroma.subarray(0, Math.min(renFrames.frames, recFrames.frames) * 12);
  } else {
    arrFrameChroma = noteFrameChroma(notes, recFrames.frames, recFrames.hopSec);
  }
  // Chords, Qmax (and WPD above) read the arrangement's rendering when there is one, its notes otherwise.
  const arrChords = decodeChords(arrBeatChroma);
  finite(m, 'audio.chord.root.agree', chordAccuracy(arrChords, audioChords, 'root'));
  finite(m, 'audio.chord.majmin.agree', chordAccuracy(arrChords, audioChords, 'majmin'));
  const q = qmax(recChroma.chroma, recChroma.beats, arrBeatChroma.chroma, arrBeatChroma.beats);
  finite(m, 'audio.cover.qmax', q.normalized);
  if (notes.length > 0) {
    const a = poolChroma(recFrames.chroma, recFrames.frames, WPD_POOL);
    const rows = arrFrameChroma.length / 12;
    const k = optimalTransposition(recFrames.chroma, recFrames.frames, arrFrameChroma, rows);
    const b = poolChroma(rotateChroma(arrFrameChroma, rows, k), rows, WPD_POOL);
    finite(m, 'audio.cover.wpd', warpingPathDeviation(dtwPath(a.chroma, a.rows, b.chroma, b.rows), recFrames.hopSec * WPD_POOL));
  }

  const iois = interOnsetIntervals(notes);
  finite(m, 'style.rgc', rhythmicGridConsistency(iois));
  finite(m, 'style.ipe', ioiPatternEntropy(iois));
  finite(m, 'style.density', noteDensity(notes, durationSec));
  m['style.polyphony'] = meanPolyphonySec(notes);

  return {
    metrics: m,
    details: {
      beats: beats.length,
      beatSource,
      recordingTempoBpm,
      renderingTempoBpm,
      recordingOnsets: recOnsets.length,
      arrangementOnsets: arrOnsets.length,
      notes: notes.length,
      qmaxTransposition: q.transposition,
      durationSec,
    },
    trace: {
      beatTimesSec: beats,
      audioChords,
      arrangementChords: arrChords,
      recordingOnsetsSec: recOnsets,
      arrangementOnsetsSec: arrOnsets,
      renderingBeatsSec,
    },
  };
}
