import {
  InputError,
  chordsPerBeat,
  readBeatAudio,
  readChordFile,
  type DecodedAudio,
} from '@a2s/dataset';
import { chromaFrames, recognizeChords, trackBeats } from '@a2s/features';
import type { ArrangeHooks, SongAnalysis } from './types.ts';

/** Beats needed from the first downbeat on: one 2-bar window of 4/4. */
export const MIN_ARRANGE_BEATS = 8;
/** Peak amplitude under which the input counts as silent (-60 dBFS). */
export const SILENCE_PEAK = 1e-3;

/**
 * The music check: median over the audible frames (energy within 20 dB of the loudest) of the chroma peak
 * ratio, the strongest pitch class over the mean of the 12. Audio under {@link MIN_TONAL_PEAK} has no tonal
 * content and is refused; under {@link WEAK_TONAL_PEAK} a warning says chords and notes may be unreliable.
 * Measured (30 s, 16 kHz): white, pink and brown noise 1.06–1.16, a click track 1.15; FluidSynth renders of the
 * four fixture songs 2.02–3.44, and 1.39–1.85 with white noise added at about 0 dB SNR; a 440 Hz sine 5.7.
 */
export const MIN_TONAL_PEAK = 1.25;
export const WEAK_TONAL_PEAK = 1.5;

/** The chroma peak ratio of {@link MIN_TONAL_PEAK} (0 when no frame is audible). */
export function tonalPeak(audio: DecodedAudio): number {
  const cf = chromaFrames(audio.samples, audio.sampleRate);
  let maxEnergy = 0;
  for (let t = 0; t < cf.frames; t++) maxEnergy = Math.max(maxEnergy, cf.energy[t]);
  const ratios: number[] = [];
  for (let t = 0; t < cf.frames; t++) {
    if (cf.energy[t] < 0.01 * maxEnergy) continue;
    let peak = 0;
    let sum = 0;
    for (let c = 0; c < 12; c++) {
      peak = Math.max(peak, cf.chroma[t * 12 + c]);
      sum += cf.chroma[t * 12 + c];
    }
    if (sum > 0) ratios.push(peak / (sum / 12));
  }
  if (ratios.length === 0) return 0;
  ratios.sort((a, b) => a - b);
  return ratios[ratios.length >> 1];
}

function checkTonal(audio: DecodedAudio, file: string, hooks: ArrangeHooks | undefined): void {
  const r = tonalPeak(audio);
  const what = `the strongest pitch class is ${r.toFixed(2)}× the mean of the 12 (median over frames; music ≥ 2, noise 1.06–1.16)`;
  if (r < MIN_TONAL_PEAK) {
    throw new InputError({
      file,
      message: `no tonal content, not arranged: ${what}, under ${MIN_TONAL_PEAK}: noise or percussion only? (--skip-music-check arranges it anyway)`,
    });
  }
  if (r < WEAK_TONAL_PEAK) hooks?.onWarning?.(`weakly tonal audio: ${what}, under ${WEAK_TONAL_PEAK}: noisy input, chords and notes may be unreliable`);
}

/** Options of {@link analyzeSong}. */
export interface AnalyzeOptions {
  /** The audio file's path, for error messages. */
  readonly audioPath: string;
  /** POP909 `beat_audio.txt`-format file (`time<TAB>beat_in_bar`); tracked from the audio when absent. */
  readonly beatsPath?: string;
  /** POP909 `chord_audio.txt`-format file (`start<TAB>end<TAB>label`); recognised when absent. */
  readonly chordsPath?: string;
  readonly hooks?: ArrangeHooks;
  /** Skip the music check ({@link MIN_TONAL_PEAK}); default false. */
  readonly skipMusicCheck?: boolean;
}

function checkAudible(audio: DecodedAudio, file: string): void {
  let peak = 0;
  for (let i = 0; i < audio.samples.length; i++) peak = Math.max(peak, Math.abs(audio.samples[i]));
  if (audio.samples.length === 0) throw new InputError({ file, message: 'the audio is empty' });
  if (peak < SILENCE_PEAK) {
    throw new InputError({ file, message: `the audio is silent (peak ${(20 * Math.log10(peak || 1e-12)).toFixed(0)} dBFS)` });
  }
}

/** The beats of a `beat_audio.txt`-format file, with bars from its beat-in-bar column. */
async function beatsFromFile(path: string): Promise<Pick<SongAnalysis, 'beatTimesSec' | 'downbeatBeats' | 'beatsPerBar' | 'tempoBpm'>> {
  const beats = await readBeatAudio(path);
  const downbeatBeats: number[] = [];
  let beatsPerBar = 0;
  for (let i = 0; i < beats.beatInBar.length; i++) {
    if (beats.beatInBar[i] === 1) downbeatBeats.push(i);
    beatsPerBar = Math.max(beatsPerBar, beats.beatInBar[i]);
  }
  const t = beats.timesSec;
  const tempoBpm = t.length > 1 ? (60 * (t.length - 1)) / (t[t.length - 1] - t[0]) : 0;
  return { beatTimesSec: t, downbeatBeats, beatsPerBar, tempoBpm };
}

/**
 * Beats, bars and per-beat chords of a recording, from annotation files when given, otherwise from
 * `trackBeats` / `recognizeChords`. Throws {@link InputError} for silent audio, audio without tonal content
 * (noise; see {@link MIN_TONAL_PEAK}), triple metre (the model is trained on 2-bar windows of 4/4) and input
 * shorter than two bars.
 */
export async function analyzeSong(audio: DecodedAudio, opts: AnalyzeOptions): Promise<SongAnalysis> {
  const file = opts.audioPath;
  checkAudible(audio, file);
  if (!opts.skipMusicCheck) checkTonal(audio, file, opts.hooks);
  opts.hooks?.onStage?.('beats', opts.beatsPath ? `reading ${opts.beatsPath}` : 'tracking beats');
  const beats = opts.beatsPath
    ? await beatsFromFile(opts.beatsPath)
    : trackBeats(audio.samples, audio.sampleRate);
  const beatFile = opts.beatsPath ?? file;
  const first = beats.downbeatBeats[0] ?? 0;
  if (beats.beatTimesSec.length - first < MIN_ARRANGE_BEATS) {
    throw new InputError({
      file: beatFile,
      message: `too short: ${Math.max(0, beats.beatTimesSec.length - first)} beats from the first downbeat, at least 2 bars (${MIN_ARRANGE_BEATS} beats) are needed`,
    });
  }
  if (beats.beatsPerBar !== 4) {
    throw new InputError({
      file: beatFile,
      message: `${beats.beatsPerBar}/4 metre is not supported: the model arranges 2-bar windows of 4/4 (pass --beats with a 4/4 beat grid to override)`,
    });
  }
  opts.hooks?.onStage?.('chords', opts.chordsPath ? `reading ${opts.chordsPath}` : 'recognising chords');
  const chords = opts.chordsPath
    ? chordsPerBeat(await readChordFile(opts.chordsPath), beats.beatTimesSec)
    : recognizeChords(audio.samples, audio.sampleRate, beats.beatTimesSec);
  return {
    ...beats,
    chords,
    beatSource: opts.beatsPath ? 'file' : 'tracked',
    chordSource: opts.chordsPath ? 'file' : 'recognized',
  };
}
