import tonejsMidi from '@tonejs/midi';
import { STEPS_PER_BEAT, encodeSmf, type Note } from '@a2s/dataset';

// @tonejs/midi is CommonJS: under Node's ESM loader only its default export is importable.
const { Midi } = tonejsMidi;

/** Input of {@link notesToMidi}. */
export interface NotesToMidiInput {
  /** Notes with `onsetStep` absolute from beat 0 of `beatTimesSec` (4 steps per beat). */
  readonly notes: readonly Note[];
  /** Beat times of the recording in seconds, increasing; at least 2. */
  readonly beatTimesSec: Float64Array;
  /** Indices of the bar-starting beats (used for the pickup, the time signature and the pedal). */
  readonly downbeatBeats: readonly number[];
  /** Beats per bar. Default 4. */
  readonly beatsPerBar?: number;
  /** General MIDI program (0 = acoustic grand piano). Default 0. */
  readonly program?: number;
  /** Sustain pedal (CC64) pressed at each bar start and released just before the next. Default true. */
  readonly sustainPerBar?: boolean;
  /** Velocity for every note, overriding the notes' own. */
  readonly fixedVelocity?: number;
  /** Track name. Default 'PIANO'. */
  readonly trackName?: string;
}

/** Pulses per quarter note of the files we write. */
export const ARRANGE_PPQ = 480;
/** Gap (in beats) between a pedal release and the next press, so that players re-catch the pedal. */
const PEDAL_GAP_BEATS = 1 / 16;

/**
 * Number of beats the MIDI file places before the recording's first beat: the pickup is padded so that the
 * first downbeat falls on a bar line, and a whole bar of lead-in is added when the first beat comes late
 * enough for it to matter.
 */
export function leadInBeats(beatTimesSec: Float64Array, downbeatBeats: readonly number[], beatsPerBar: number): number {
  const first = downbeatBeats.length > 0 ? downbeatBeats[0] % beatsPerBar : 0;
  const pad = (beatsPerBar - first) % beatsPerBar;
  return pad === 0 && beatTimesSec[0] > 0.001 ? beatsPerBar : pad;
}

/** Absolute grid step (4 per beat from beat 0) → seconds on the recording's time line, linear within a beat. */
export function stepToSeconds(step: number, beatTimesSec: Float64Array): number {
  const n = beatTimesSec.length;
  const beat = step / STEPS_PER_BEAT;
  const i = Math.min(Math.max(0, Math.floor(beat)), n - 2);
  return beatTimesSec[i] + (beat - i) * (beatTimesSec[i + 1] - beatTimesSec[i]);
}

/**
 * Writes notes as a one-track piano MIDI file whose tempo map follows the recording: one tempo event per
 * beat, so that beat `b` of `beatTimesSec` sounds exactly at `beatTimesSec[b]` and the score lines up with
 * the audio (the time before the first beat is a lead-in, see {@link leadInBeats}). Returns the file bytes.
 */
export function notesToMidi(input: NotesToMidiInput): Uint8Array {
  const { notes, beatTimesSec, downbeatBeats } = input;
  const bpb = input.beatsPerBar ?? 4;
  if (beatTimesSec.length < 2) throw new RangeError('notesToMidi: at least 2 beats are needed for a tempo map');
  const lead = leadInBeats(beatTimesSec, downbeatBeats, bpb);
  const midi = new Midi();
  const tempos: { ticks: number; bpm: number }[] = [];
  if (lead > 0) tempos.push({ ticks: 0, bpm: (60 * lead) / beatTimesSec[0] });
  for (let b = 0; b + 1 < beatTimesSec.length; b++) {
    tempos.push({ ticks: (lead + b) * ARRANGE_PPQ, bpm: 60 / (beatTimesSec[b + 1] - beatTimesSec[b]) });
  }
  midi.header.tempos = tempos;
  midi.header.timeSignatures = [{ ticks: 0, timeSignature: [bpb, 4], measures: 0 }];
  midi.header.update();
  const track = midi.addTrack();
  track.name = input.trackName ?? 'PIANO';
  track.instrument.number = input.program ?? 0;
  track.channel = 0;
  const tickOf = (step: number): number => Math.round((lead + step / STEPS_PER_BEAT) * ARRANGE_PPQ);
  let lastTick = 0;
  for (const n of notes) {
    const ticks = tickOf(n.onsetStep);
    const durationTicks = Math.max(1, tickOf(n.onsetStep + n.durationSteps) - ticks);
    const velocity = Math.min(127, Math.max(1, Math.round(input.fixedVelocity ?? n.velocity)));
    track.addNote({ midi: n.pitch, ticks, durationTicks, velocity: velocity / 127 });
    lastTick = Math.max(lastTick, ticks + durationTicks);
  }
  if (input.sustainPerBar ?? true) {
    const gap = Math.round(PEDAL_GAP_BEATS * ARRANGE_PPQ);
    const bars = [...downbeatBeats].sort((a, b) => a - b).map((b) => (lead + b) * ARRANGE_PPQ);
    for (let i = 0; i < bars.length; i++) {
      if (bars[i] >= lastTick) break;
      const next = i + 1 < bars.length ? bars[i + 1] : bars[i] + bpb * ARRANGE_PPQ;
      track.addCC({ number: 64, value: 1, ticks: bars[i] + gap });
      track.addCC({ number: 64, value: 0, ticks: Math.max(bars[i] + 2 * gap, Math.min(next, lastTick + gap) - gap) });
    }
  }
  // encodeSmf, not midi.toArray(): the latter is quadratic in the file's size
  return encodeSmf(midi, [{ track, channel: 0, program: track.instrument.number }]);
}
