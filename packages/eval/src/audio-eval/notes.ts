import tonejsMidi from '@tonejs/midi';
import { InputError, SEGMENT_STEPS, STEPS_PER_BEAT, type Note } from '@a2s/dataset';

const { Midi } = tonejsMidi;

/** A note in seconds of the recording's timeline (what an arrangement is, once its tempo map is applied). */
export interface ArrangedNote {
  readonly onsetSec: number;
  readonly offsetSec: number;
  /** MIDI pitch 0–127. */
  readonly pitch: number;
  /** MIDI velocity 1–127. */
  readonly velocity: number;
}

/** MIDI channel 10 (index 9) is percussion in General MIDI: its notes are not pitches. */
const DRUM_CHANNEL = 9;

/**
 * Notes of every non-percussion track of a Standard MIDI File, in seconds (the file's own tempo map), sorted
 * by onset then pitch. `file` names the source in errors.
 */
export function notesFromMidiBytes(bytes: Uint8Array, file: string): ArrangedNote[] {
  let midi: InstanceType<typeof Midi>;
  try {
    midi = new Midi(bytes);
  } catch (err) {
    throw new InputError({ file, message: `not a readable MIDI file (${err instanceof Error ? err.message : String(err)})`, cause: err });
  }
  const out: ArrangedNote[] = [];
  for (const t of midi.tracks) {
    if (t.channel === DRUM_CHANNEL || t.instrument.percussion) continue;
    for (const n of t.notes) {
      out.push({
        onsetSec: n.time,
        offsetSec: n.time + Math.max(n.duration, 1e-3),
        pitch: n.midi,
        velocity: Math.min(127, Math.max(1, Math.round(n.velocity * 127))),
      });
    }
  }
  return sortNotes(out);
}

export function sortNotes(notes: ArrangedNote[]): ArrangedNote[] {
  return notes.sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
}

/** Ticks per quarter note of {@link notesToMidiBytes}; with 120 BPM one tick is 1 ms. */
const PPQ = 500;

function vlq(out: number[], value: number): void {
  const bytes = [value & 0x7f];
  for (let v = value >> 7; v > 0; v >>= 7) bytes.unshift((v & 0x7f) | 0x80);
  out.push(...bytes);
}

/**
 * A format-0 Standard MIDI File of `notes` on channel 1 with GM `program` (default 0, acoustic grand piano):
 * tempo 120 BPM and 500 ticks per quarter, so one tick is one millisecond and onsets keep their seconds.
 * Used to render an arrangement with FluidSynth whatever its source (MIDI file or prediction rows).
 */
export function notesToMidiBytes(notes: readonly ArrangedNote[], program = 0): Uint8Array {
  const events: { tick: number; order: number; bytes: number[] }[] = [];
  for (const n of notes) {
    const on = Math.max(0, Math.round(n.onsetSec * 1000));
    const off = Math.max(on + 1, Math.round(n.offsetSec * 1000));
    events.push({ tick: on, order: 1, bytes: [0x90, n.pitch & 127, Math.max(1, Math.min(127, Math.round(n.velocity)))] });
    events.push({ tick: off, order: 0, bytes: [0x80, n.pitch & 127, 64] });
  }
  events.sort((a, b) => a.tick - b.tick || a.order - b.order);
  const track: number[] = [0, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20, 0, 0xc0, program & 127];
  let last = 0;
  for (const e of events) {
    vlq(track, e.tick - last);
    track.push(...e.bytes);
    last = e.tick;
  }
  track.push(0, 0xff, 0x2f, 0);
  const header = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, (PPQ >> 8) & 255, PPQ & 255];
  const len = track.length;
  const chunk = [0x4d, 0x54, 0x72, 0x6b, (len >>> 24) & 255, (len >> 16) & 255, (len >> 8) & 255, len & 255];
  return Uint8Array.from([...header, ...chunk, ...track]);
}

/**
 * Time in seconds of grid step `step` (4 per beat) on a beat grid: linear between beats, the last interval
 * extended past the end (and the first before the start).
 */
export function stepToSec(step: number, beatTimesSec: ArrayLike<number>): number {
  const n = beatTimesSec.length;
  if (n === 0) throw new RangeError('empty beat grid');
  if (n === 1) return beatTimesSec[0] + (step / STEPS_PER_BEAT) * 0.5;
  const beat = step / STEPS_PER_BEAT;
  const i = Math.min(n - 2, Math.max(0, Math.floor(beat)));
  return beatTimesSec[i] + (beat - i) * (beatTimesSec[i + 1] - beatTimesSec[i]);
}

/** Notes on the step grid (absolute onsets) placed on a beat grid in seconds. */
export function stepNotesToTimed(notes: readonly Note[], beatTimesSec: ArrayLike<number>): ArrangedNote[] {
  return sortNotes(
    notes.map((n) => ({
      onsetSec: stepToSec(n.onsetStep, beatTimesSec),
      offsetSec: stepToSec(n.onsetStep + n.durationSteps, beatTimesSec),
      pitch: n.pitch,
      velocity: n.velocity,
    })),
  );
}

/**
 * Joins a song's overlapping 8-beat windows (hop 4 beats) into one part with absolute onsets: each window
 * gives the notes whose onset lies before the next window's start (the last window: all of its 32 steps),
 * so every beat comes from exactly one window. The same rule as the model's stitching, restated here
 * because eval never imports the model.
 */
export function stitchWindows(windows: readonly { readonly startBeat: number; readonly notes: readonly Note[] }[]): Note[] {
  const sorted = [...windows].sort((a, b) => a.startBeat - b.startBeat);
  const out: Note[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i + 1 < sorted.length && sorted[i + 1].startBeat === sorted[i].startBeat) continue;
    const start = sorted[i].startBeat * STEPS_PER_BEAT;
    const next = i + 1 < sorted.length ? sorted[i + 1].startBeat * STEPS_PER_BEAT : Infinity;
    const end = Math.min(start + SEGMENT_STEPS, next);
    for (const n of sorted[i].notes) {
      const onset = start + n.onsetStep;
      if (onset < end) out.push({ ...n, onsetStep: onset });
    }
  }
  return out.sort((a, b) => a.onsetStep - b.onsetStep || a.pitch - b.pitch);
}
