import { InputError, SEGMENT_BEATS, STEPS_PER_BEAT, type Note } from '@a2s/dataset';
import { CHORD_DIMS } from '@a2s/features';

/**
 * The chord-bass rule: a decoding post-process that keeps a window's lowest note on the bass of the chord
 * the model was given, where the model already plays that bass but puts something under it.
 *
 * Why: the chord input carries its bass (an inversion's bass, e.g. E of C/E), and a pianist's lowest note is
 * that bass on about 91 % of POP909 beats. The band-audio model plays the chord's bass pitch class in such
 * beats but adds a lower note on about 14 % of them: a note held over from the previous chord, or the chord's
 * root under an inversion (experiments/decode-calibration, "Where bass agreement is lost").
 *
 * Rules (per beat with a chord, in order; notes of other beats are seen as the earlier beats left them):
 * - `off`: nothing changes.
 * - `release`: a note held over from an earlier beat that sounds under the lowest note of the chord's bass
 *   pitch class in this beat ends where the beat starts.
 * - `voice`: `release`, and a note that starts within the beat under that bass note moves up by whole octaves
 *   to just above it (a duplicate of a note already there, same onset and pitch, is dropped).
 * - `fill`: `voice`, and on a beat where something sounds but nothing of the chord's bass pitch class, the
 *   chord's bass is supplied under the beat's lowest note: a note of that pitch class that ends where the beat
 *   starts, under a previous beat with the same chord bass, and lies under the beat's lowest note is held on to
 *   the beat's end (no new onset); otherwise a note of that pitch class starts on the beat, one beat long, at the
 *   highest such pitch under the beat's lowest note (its velocity and track), unless that is below A0 (21).
 * A beat without a chord (N) is left alone, and so, except under `fill`, is a beat where nothing of the chord's
 * bass pitch class sounds. `off`, `release` and `voice` never add a note, never remove a pitch class from a beat,
 * and change no onset; `fill` adds at most one note per beat and never removes one.
 */
export type ChordBassRule = 'off' | 'release' | 'voice' | 'fill';

export const CHORD_BASS_RULES: readonly ChordBassRule[] = ['off', 'release', 'voice', 'fill'];

/** The lowest MIDI pitch `fill` writes (A0, the piano's lowest key). */
export const FILL_LOWEST_PITCH = 21;

/** The bass pitch class of each beat of a window from its chord encoding `[8·36]` (bass one-hot at 24–35); −1 for N. */
export function chordBassPerBeat(chords: ArrayLike<number>): Int8Array {
  if (chords.length !== SEGMENT_BEATS * CHORD_DIMS) throw new RangeError(`chordBassPerBeat: expected ${SEGMENT_BEATS}×${CHORD_DIMS} values, got ${chords.length}`);
  const out = new Int8Array(SEGMENT_BEATS).fill(-1);
  for (let b = 0; b < SEGMENT_BEATS; b++) {
    for (let pc = 0; pc < 12; pc++) if (chords[b * CHORD_DIMS + 24 + pc] > 0.5) out[b] = pc;
  }
  return out;
}

/** The notes of one window under `rule`, given the bass pitch class of each beat ({@link chordBassPerBeat}); the input is not changed. */
export function applyChordBass(notes: readonly Note[], bass: ArrayLike<number>, rule: ChordBassRule): Note[] {
  if (rule === 'off') return notes.slice();
  const out: Note[] = notes.map((n) => ({ ...n }));
  const dropped = new Set<Note>();
  for (let b = 0; b < bass.length; b++) {
    const pc = bass[b];
    if (pc < 0) continue;
    const start = b * STEPS_PER_BEAT;
    const end = start + STEPS_PER_BEAT;
    const sounding = out.filter((n) => !dropped.has(n) && n.onsetStep < end && n.onsetStep + Math.max(1, n.durationSteps) > start);
    let anchor = 128;
    for (const n of sounding) if (n.pitch % 12 === pc && n.pitch < anchor) anchor = n.pitch;
    if (anchor === 128) {
      if (rule === 'fill' && sounding.length > 0) fillBass(out, dropped, sounding, bass, b, pc);
      continue;
    }
    for (const n of sounding) {
      if (n.pitch >= anchor) continue;
      const m = n as { -readonly [K in keyof Note]: Note[K] };
      if (n.onsetStep < start) {
        m.durationSteps = start - n.onsetStep;
      } else if (rule === 'voice' || rule === 'fill') {
        const raised = n.pitch + 12 * (Math.floor((anchor - n.pitch) / 12) + 1);
        if (raised > 127) continue;
        if (out.some((o) => o !== n && !dropped.has(o) && o.onsetStep === n.onsetStep && o.pitch === raised)) dropped.add(n);
        else m.pitch = raised;
      }
    }
  }
  return out.filter((n) => !dropped.has(n));
}

/** `fill` on beat `b`, where `sounding` (not empty) holds nothing of pitch class `pc`: holds a note on or adds one to `out`. */
function fillBass(out: Note[], dropped: ReadonlySet<Note>, sounding: readonly Note[], bass: ArrayLike<number>, b: number, pc: number): void {
  const start = b * STEPS_PER_BEAT;
  const end = start + STEPS_PER_BEAT;
  const lowest = sounding.reduce((m, n) => (n.pitch < m.pitch ? n : m));
  let held: Note | undefined;
  if (b > 0 && bass[b - 1] === pc) {
    for (const n of out) {
      if (dropped.has(n) || n.pitch % 12 !== pc || n.pitch >= lowest.pitch) continue;
      if (n.onsetStep + Math.max(1, n.durationSteps) === start && (!held || n.pitch < held.pitch)) held = n;
    }
  }
  if (held) {
    (held as { durationSteps: number }).durationSteps = end - held.onsetStep;
    return;
  }
  const pitch = lowest.pitch - ((((lowest.pitch - pc) % 12) + 12) % 12);
  if (pitch < FILL_LOWEST_PITCH) return;
  const at = out.findIndex((n) => n.onsetStep > start);
  out.splice(at < 0 ? out.length : at, 0, { onsetStep: start, durationSteps: STEPS_PER_BEAT, pitch, velocity: lowest.velocity, track: lowest.track });
}

/** Parses `--chord-bass` (off, release, voice, fill). */
export function parseChordBassRule(text: string | undefined, flag = '--chord-bass'): ChordBassRule | undefined {
  if (text === undefined) return undefined;
  if (!(CHORD_BASS_RULES as readonly string[]).includes(text)) {
    throw new InputError({ file: flag, message: `expected one of ${CHORD_BASS_RULES.join(', ')}; got "${text}"` });
  }
  return text as ChordBassRule;
}
