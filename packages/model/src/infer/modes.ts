/**
 * Inference modes (README "Inference modes"): which z_sym each window gets, and whether the mode matches what
 * the checkpoint was trained for.
 *
 * - `independent` (the reference's 3a, drop-score): every window on its own, z_sym = the prior mean (0);
 * - `autoregressive` (3b): windows in order, window k's z_sym encodes the notes predicted for the window
 *   before it (4 beats earlier, as the `previousSegment` training input; an empty roll when there is none);
 * - `texture`: z_sym encodes a reference piano score (another song's accompaniment, one's own playing).
 */
import { readFile } from 'node:fs/promises';
import tonejsMidi from '@tonejs/midi';
import { InputError, SEGMENT_BEATS, SEGMENT_STEPS, STEPS_PER_BEAT, type Note } from '@a2s/dataset';
import { notesToPianoRoll } from '@a2s/features';
import { INFERENCE_MODES, modesFor, type InferenceMode, type TrainedMode } from '../config/train-config.ts';

const { Midi } = tonejsMidi;

const PITCHES = 128;

const TRAINED_FOR: Record<TrainedMode, string> = {
  independent: 'independent windows with z_sym from the prior (drop-score, 3a) or without a score latent',
  autoregressive: "windows in order, each given the previous window's score (autoregressive, 3b)",
  score: "a score of the same segment as input (warm-up / pre-training): it can only be decoded with a reference score (--texture)",
};

/**
 * The inference mode to use: `requested`, or the checkpoint's own when none is asked for. A mode the checkpoint
 * was not trained for is refused with a message naming both, unless `force`.
 */
export function resolveInferenceMode(a: {
  trainedFor: TrainedMode;
  requested?: string;
  texture?: boolean;
  force?: boolean;
  what: string;
}): InferenceMode {
  if (a.requested !== undefined && !(INFERENCE_MODES as readonly string[]).includes(a.requested)) {
    throw new InputError({ file: '--mode', message: `unknown inference mode ${a.requested} (${INFERENCE_MODES.join(', ')})` });
  }
  if (a.texture && a.requested !== undefined && a.requested !== 'texture') {
    throw new InputError({ file: '--mode', message: `--texture decodes with z_sym from the reference score; it cannot be combined with --mode ${a.requested}` });
  }
  if (!a.texture && a.requested === 'texture') throw new InputError({ file: '--mode', message: '--mode texture needs --texture <reference.mid>' });
  const fits = modesFor(a.trainedFor);
  const mode: InferenceMode = a.texture ? 'texture' : ((a.requested as InferenceMode | undefined) ?? (a.trainedFor === 'score' ? 'independent' : fits[0]));
  if (!fits.includes(mode) && !a.force) {
    throw new InputError({
      file: a.what,
      message:
        `this checkpoint was trained for ${TRAINED_FOR[a.trainedFor]}; decoding it in ${mode} mode is a mismatch. ` +
        `Use ${fits.map((m) => (m === 'texture' ? '--texture <reference.mid>' : `--mode ${m}`)).join(' or ')}, ` +
        `pick another stage's checkpoint (--stage), or pass --force to decode it ${mode === 'independent' ? 'independently' : `in ${mode} mode`} anyway`,
    });
  }
  return mode;
}

/**
 * Decodes windows in dependency order: `prev[i]` is the window whose prediction window i encodes as z_sym
 * (-1: none, an empty roll). `step` gets every window whose predecessor is done, with its roll, and returns
 * their notes in the same order. Windows of different songs (independent chains) share a call.
 */
export async function decodeInOrder(
  prev: readonly number[],
  step: (items: { index: number; roll: Float32Array }[]) => Promise<Note[][]>,
): Promise<Note[][]> {
  const out: (Note[] | undefined)[] = new Array(prev.length);
  let left = prev.length;
  while (left > 0) {
    const ready: { index: number; roll: Float32Array }[] = [];
    for (let i = 0; i < prev.length; i++) {
      if (out[i] !== undefined) continue;
      const p = prev[i];
      if (p < 0) ready.push({ index: i, roll: new Float32Array(SEGMENT_STEPS * PITCHES) });
      else if (out[p] !== undefined) ready.push({ index: i, roll: notesToPianoRoll(out[p]!) });
    }
    if (ready.length === 0) throw new RangeError('decodeInOrder: the windows’ predecessors form a cycle');
    const notes = await step(ready);
    if (notes.length !== ready.length) throw new Error(`decodeInOrder: step returned ${notes.length} windows for ${ready.length}`);
    ready.forEach((r, k) => (out[r.index] = notes[k]));
    left -= ready.length;
  }
  return out as Note[][];
}

/** The predecessor of each window for 3b: the window starting 4 beats earlier in the same song, else -1. */
export function previousWindows(windows: readonly { song: string; startBeat: number }[], hopBeats = 4): number[] {
  const at = new Map(windows.map((w, i) => [`${w.song}@${w.startBeat}`, i]));
  return windows.map((w) => at.get(`${w.song}@${w.startBeat - hopBeats}`) ?? -1);
}

/** A reference score for texture control: its notes on a 16th-note grid from beat 0 and its length in beats. */
export interface TextureReference {
  file: string;
  notes: Note[];
  beats: number;
}

/**
 * Reads a reference piano score (MIDI): every note of every non-drum track, quantised to 16th notes by the
 * file's ticks (4 steps per quarter note), from the first note's bar. At least 2 bars long.
 */
export async function readTextureReference(file: string): Promise<TextureReference> {
  let midi: InstanceType<typeof Midi>;
  try {
    midi = new Midi(await readFile(file));
  } catch (err) {
    throw new InputError({ file, message: `cannot read the texture reference as MIDI: ${(err as Error).message ?? String(err)}`, cause: err });
  }
  const ticksPerStep = midi.header.ppq / STEPS_PER_BEAT;
  const raw = midi.tracks.filter((t) => !t.instrument.percussion).flatMap((t) => t.notes);
  if (raw.length === 0) throw new InputError({ file, message: 'the texture reference has no notes' });
  const firstStep = Math.min(...raw.map((n) => Math.round(n.ticks / ticksPerStep)));
  const barSteps = 4 * STEPS_PER_BEAT;
  const origin = Math.floor(firstStep / barSteps) * barSteps;
  const notes: Note[] = raw
    .map((n) => ({
      onsetStep: Math.round(n.ticks / ticksPerStep) - origin,
      durationSteps: Math.max(1, Math.round(n.durationTicks / ticksPerStep)),
      pitch: n.midi,
      velocity: Math.max(1, Math.min(127, Math.round(n.velocity * 127))),
      track: 'PIANO' as const,
    }))
    .sort((a, b) => a.onsetStep - b.onsetStep || a.pitch - b.pitch);
  const lastStep = Math.max(...notes.map((n) => n.onsetStep)) + 1;
  const beats = Math.ceil(lastStep / barSteps) * 4;
  if (beats < SEGMENT_BEATS) throw new InputError({ file, message: `the texture reference is ${beats / 4} bar(s) long; it needs at least 2` });
  return { file, notes, beats };
}

/**
 * The reference's piano-roll `[32, 128]` for a window starting at `startBeat` of the song: the reference's
 * 8 beats from `startBeat` modulo its length (it loops), notes relative to the window.
 */
export function textureRoll(ref: TextureReference, startBeat: number): Float32Array {
  const total = ref.beats * STEPS_PER_BEAT;
  const from = ((startBeat * STEPS_PER_BEAT) % total + total) % total;
  const notes: Note[] = [];
  for (const n of ref.notes) {
    for (const shift of [0, total]) {
      const on = n.onsetStep + shift - from;
      if (on >= 0 && on < SEGMENT_STEPS) notes.push({ ...n, onsetStep: on });
    }
  }
  return notesToPianoRoll(notes);
}
