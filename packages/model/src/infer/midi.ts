import tonejsMidi from '@tonejs/midi';
import { STEPS_PER_BEAT, encodeSmf, writeFileAtomic, type Note } from '@a2s/dataset';

export interface MidiTiming {
  /** Time of every beat of the song (seconds); steps between beats are interpolated linearly. */
  beatTimesSec?: readonly number[];
  /** Used when no beat times are given (and past the last beat). Default 120. */
  bpm?: number;
}

function stepToSec(step: number, t: MidiTiming): number {
  const bpm = t.bpm ?? 120;
  const beat = step / STEPS_PER_BEAT;
  const bt = t.beatTimesSec;
  if (!bt || bt.length < 2) return (beat * 60) / bpm;
  const i = Math.floor(beat);
  if (i < bt.length - 1) return bt[i] + (beat - i) * (bt[i + 1] - bt[i]);
  const last = bt.length - 1;
  return bt[last] + (beat - last) * (bt[last] - bt[last - 1]);
}

/** A one-track piano MIDI file of `notes` (absolute onset steps). */
export function notesToMidi(notes: readonly Note[], timing: MidiTiming = {}): Uint8Array {
  const midi = new tonejsMidi.Midi();
  midi.header.setTempo(timing.bpm ?? 120);
  const track = midi.addTrack();
  track.name = 'Piano';
  track.instrument.number = 0;
  for (const n of notes) {
    const time = stepToSec(n.onsetStep, timing);
    track.addNote({ midi: n.pitch, time, duration: Math.max(1e-3, stepToSec(n.onsetStep + n.durationSteps, timing) - time), velocity: n.velocity / 127 });
  }
  // encodeSmf, not midi.toArray(): the latter is quadratic (3 of a 24-song prediction's 4 minutes)
  return encodeSmf(midi, [{ track, channel: 0, program: 0 }]);
}

export async function writeMidi(path: string, notes: readonly Note[], timing: MidiTiming = {}): Promise<void> {
  await writeFileAtomic(path, notesToMidi(notes, timing));
}
