import type { DecodedAudio } from '@a2s/dataset';
import { chromaPerBeat } from '@a2s/features';
import { keyFromChroma, type Key, type ScoreSource } from '@a2s/score';
import type { Arrangement } from './pipeline.ts';

/**
 * The arrangement as a score source: the same notes on the tracked beat grid (bars from the first tracked
 * downbeat, chords per beat, beat times for the tempo marks). The key is the one given (e.g. POP909's
 * `key_audio.txt`), otherwise found from the audio's beat chroma with Krumhansl–Kessler profiles.
 */
export function arrangementToScoreSource(a: Arrangement, audio: DecodedAudio, opts: { key?: Key; title?: string } = {}): ScoreSource {
  const t = a.analysis.beatTimesSec;
  const key = opts.key ?? keyFromChroma(chromaPerBeat(audio.samples, audio.sampleRate, t).chroma, t.length);
  return {
    notes: a.notes,
    beatsPerBar: a.analysis.beatsPerBar,
    firstDownbeatBeat: a.analysis.downbeatBeats[0] ?? 0,
    beatTimesSec: t,
    chords: a.analysis.chords,
    key,
    title: opts.title,
  };
}
