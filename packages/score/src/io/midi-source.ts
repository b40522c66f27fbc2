import { readFile } from 'node:fs/promises';
import tonejsMidi from '@tonejs/midi';
import { InputError, STEPS_PER_BEAT, type Note } from '@a2s/dataset';
import type { ScoreSource } from '../types.ts';

// @tonejs/midi is CommonJS: under Node's ESM loader only its default export is importable.
const { Midi } = tonejsMidi;

/** Options of {@link midiToScoreSource}. */
export interface MidiSourceOptions {
  /** Only the tracks with this name (case-insensitive), e.g. 'PIANO' of a POP909 file. Default: every track. */
  readonly track?: string;
  readonly title?: string;
}

/**
 * A MIDI file as a score source: notes on its quarter-note grid (sixteenths, rounded), bars from its first
 * time signature (bar lines from tick 0), beat times from its tempo map (for tempo marks). Drum tracks
 * (channel 10) are left out.
 * @throws InputError when the file cannot be read or parsed, has a time signature that is not in quarter or
 * eighth beats, or has no notes.
 */
export async function readMidiScoreSource(file: string, opts: MidiSourceOptions = {}): Promise<ScoreSource> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new InputError({ file, message: 'cannot read the MIDI file', cause: err });
  }
  return midiToScoreSource(bytes, file, opts);
}

/** {@link readMidiScoreSource} on bytes; `file` names the input in errors. */
export function midiToScoreSource(bytes: Uint8Array, file: string, opts: MidiSourceOptions = {}): ScoreSource {
  let midi: InstanceType<typeof Midi>;
  try {
    midi = new Midi(bytes);
  } catch (err) {
    throw new InputError({ file, message: `not a readable MIDI file (${err instanceof Error ? err.message : String(err)})`, cause: err });
  }
  const ppq = midi.header.ppq;
  const ts = midi.header.timeSignatures[0]?.timeSignature ?? [4, 4];
  const beatsPerBar = (ts[0] * 4) / ts[1];
  if (!Number.isInteger(beatsPerBar) || beatsPerBar < 1) {
    throw new InputError({ file, message: `time signature ${ts[0]}/${ts[1]} is not a whole number of quarter notes per bar` });
  }
  const tracks = midi.tracks.filter(
    (t) => t.channel !== 9 && (opts.track === undefined || t.name.trim().toLowerCase() === opts.track.toLowerCase()),
  );
  const stepTicks = ppq / STEPS_PER_BEAT;
  const notes: Note[] = [];
  let lastTick = 0;
  for (const t of tracks) {
    for (const n of t.notes) {
      const onsetStep = Math.round(n.ticks / stepTicks);
      const endStep = Math.max(onsetStep + 1, Math.round((n.ticks + n.durationTicks) / stepTicks));
      notes.push({ onsetStep, durationSteps: endStep - onsetStep, pitch: n.midi, velocity: Math.max(1, Math.round(n.velocity * 127)), track: 'PIANO' });
      lastTick = Math.max(lastTick, n.ticks + n.durationTicks);
    }
  }
  if (notes.length === 0) {
    throw new InputError({ file, message: opts.track ? `no notes in a track named "${opts.track}"` : 'the MIDI file has no notes' });
  }
  const beats = Math.ceil(lastTick / ppq) + 2;
  const beatTimesSec = Float64Array.from({ length: beats }, (_, b) => midi.header.ticksToSeconds(b * ppq));
  notes.sort((a, b) => a.onsetStep - b.onsetStep || a.pitch - b.pitch);
  return { notes, beatsPerBar, firstDownbeatBeat: 0, beatTimesSec, title: opts.title ?? (midi.name || undefined) };
}
