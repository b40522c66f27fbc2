import { describe, expect, it } from 'vitest';
import { InputError, type Chord, type Note } from '@a2s/dataset';
import { encodeChords } from '@a2s/features';
import { applyChordBass, chordBassPerBeat, parseChordBassRule } from '../../src/infer/chord-bass.ts';

const note = (onsetStep: number, pitch: number, durationSteps = 4): Note => ({ onsetStep, pitch, durationSteps, velocity: 80, track: 'PIANO' });
const chord = (root: number, pcs: number[], bass = root): Chord => ({ root, bass, pcMask: pcs.reduce((m, p) => m | (1 << p), 0), label: 'x' });
const C = chord(0, [0, 4, 7]);
const C_E = chord(0, [0, 4, 7], 4); // C/E
const F = chord(5, [5, 9, 0]);
const N: Chord = { root: -1, bass: -1, pcMask: 0, label: 'N' };
const bassOf = (chords: Chord[]) => chordBassPerBeat(encodeChords(chords));
/** The notes that sound in beat `b`. */
const soundingIn = (notes: Note[], b: number) => notes.filter((n) => n.onsetStep < (b + 1) * 4 && n.onsetStep + n.durationSteps > b * 4);
const sorted = (notes: Note[]) => notes.map((n) => [n.onsetStep, n.pitch, n.durationSteps]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);

describe('chordBassPerBeat', () => {
  it('reads the bass one-hot of each beat, -1 for N', () => {
    expect(Array.from(bassOf([C, C_E, F, N, C, C, C, C]))).toEqual([0, 4, 5, -1, 0, 0, 0, 0]);
  });

  it('refuses an encoding of the wrong size', () => {
    expect(() => chordBassPerBeat(new Float32Array(35))).toThrow(RangeError);
  });
});

describe('applyChordBass', () => {
  it('release: ends a lower note held over from the previous chord where the beat starts', () => {
    // C2 (36) held from beat 0 over beat 1 (F), where F2 (41) starts: C2 ends at step 4
    const notes = [note(0, 36, 8), note(4, 41, 4), note(4, 60, 4)];
    const out = applyChordBass(notes, bassOf([C, F, F, F, F, F, F, F]), 'release');
    expect(sorted(out)).toEqual([
      [0, 36, 4],
      [4, 41, 4],
      [4, 60, 4],
    ]);
    expect(notes[0].durationSteps).toBe(8); // the input is not changed
  });

  it('voice: moves a root under an inversion up to just above the bass; release leaves it', () => {
    // C/E on beat 0: C2 (36) under E2 (40) → C3 (48); G2 (43) is above the bass and stays
    const notes = [note(0, 36), note(0, 40), note(0, 43)];
    const bass = bassOf([C_E, C, C, C, C, C, C, C]);
    expect(sorted(applyChordBass(notes, bass, 'voice'))).toEqual([
      [0, 40, 4],
      [0, 43, 4],
      [0, 48, 4],
    ]);
    expect(sorted(applyChordBass(notes, bass, 'release'))).toEqual(sorted(notes));
  });

  it('voice: drops the moved note where the same pitch already starts there', () => {
    const notes = [note(0, 36), note(0, 40), note(0, 48)];
    expect(sorted(applyChordBass(notes, bassOf([C_E, C, C, C, C, C, C, C]), 'voice'))).toEqual([
      [0, 40, 4],
      [0, 48, 4],
    ]);
  });

  it('leaves beats without the bass pitch class, beats without a chord, and off alone', () => {
    const notes = [note(0, 36), note(0, 43), note(4, 36), note(4, 40)];
    // beat 0 (C/E): no E sounds; beat 1 (N): no chord
    const bass = bassOf([C_E, N, C, C, C, C, C, C]);
    expect(sorted(applyChordBass(notes, bass, 'voice'))).toEqual(sorted(notes));
    expect(sorted(applyChordBass(notes, bassOf([C_E, C_E, C, C, C, C, C, C]), 'off'))).toEqual(sorted(notes));
  });

  it('after voice, every beat that sounds its chord bass has it lowest', () => {
    // a window with held notes and inversions on every beat
    const chords = [C_E, F, C, C_E, F, C_E, C, F];
    const notes: Note[] = [];
    for (let b = 0; b < 8; b++) notes.push(note(b * 4, 36 + ((b * 5) % 12), 6), note(b * 4 + 1, 40 + (b % 3) * 5, 3), note(b * 4, 52, 2));
    const bass = bassOf(chords);
    const out = applyChordBass(notes, bass, 'voice');
    for (let b = 0; b < 8; b++) {
      const sounding = soundingIn(out, b);
      const withBass = sounding.filter((n) => n.pitch % 12 === bass[b]);
      if (withBass.length === 0) continue;
      expect(Math.min(...sounding.map((n) => n.pitch)) % 12).toBe(bass[b]);
    }
    expect(out.length).toBeLessThanOrEqual(notes.length);
  });
});

describe('applyChordBass fill', () => {
  it('adds the chord bass on the beat, one beat long, under the lowest note, where nothing of it sounds', () => {
    // beat 0 (C): G2 (43) and E3 (52) only → C2 (36) added at step 0 with G2's velocity; beat 1 (F) has F2 (41)
    const notes = [{ ...note(0, 43), velocity: 64 }, note(1, 52, 3), note(4, 41), note(4, 57)];
    const out = applyChordBass(notes, bassOf([C, F, N, N, N, N, N, N]), 'fill');
    expect(sorted(out)).toEqual([
      [0, 36, 4],
      [0, 43, 4],
      [1, 52, 3],
      [4, 41, 4],
      [4, 57, 4],
    ]);
    expect(out.find((n) => n.pitch === 36)).toMatchObject({ velocity: 64, track: 'PIANO' });
    expect(out.map((n) => n.onsetStep)).toEqual([...out.map((n) => n.onsetStep)].sort((a, b) => a - b)); // kept in onset order
    expect(applyChordBass(notes, bassOf([C, F, N, N, N, N, N, N]), 'voice')).toHaveLength(4); // voice adds nothing
  });

  it('holds on a bass note that ends where the beat starts, under the same chord bass, instead of adding one', () => {
    // C2 (36) on beat 0 ends at step 4; beat 1 (still C) plays only E3 (52) and G3 (55): C2 is held to step 8
    const notes = [note(0, 36), note(0, 48), note(4, 52), note(4, 55)];
    const out = applyChordBass(notes, bassOf([C, C, C, N, N, N, N, N]), 'fill');
    expect(sorted(out)).toEqual([
      [0, 36, 8],
      [0, 48, 4],
      [4, 52, 4],
      [4, 55, 4],
    ]);
    expect(notes[0].durationSteps).toBe(4); // the input is not changed
    // under a new chord bass (F on beat 1) C2 is not held: F2 (41) starts on the beat under E3
    expect(sorted(applyChordBass(notes, bassOf([C, F, C, N, N, N, N, N]), 'fill'))).toEqual([
      [0, 36, 4],
      [0, 48, 4],
      [4, 41, 4],
      [4, 52, 4],
      [4, 55, 4],
    ]);
    // a hold that ended earlier (a rest between) gets a new note instead
    const gap = [note(0, 36, 2), note(4, 52), note(4, 55)];
    expect(sorted(applyChordBass(gap, bassOf([C, C, N, N, N, N, N, N]), 'fill'))).toEqual([
      [0, 36, 2],
      [4, 48, 4],
      [4, 52, 4],
      [4, 55, 4],
    ]);
  });

  it('leaves silent beats, beats without a chord and pitches below A0 alone', () => {
    const notes = [note(8, 52), note(12, 22)];
    // beat 0 and 1 silent; beat 2 N; beat 3 (C): the C under A#0 (22) would be C0 (12) < 21
    expect(sorted(applyChordBass(notes, bassOf([C, C, N, C, N, N, N, N]), 'fill'))).toEqual(sorted(notes));
  });

  it('after fill, every beat with a chord that sounds anything has its chord bass lowest', () => {
    const chords = [C_E, F, C, C_E, F, C_E, C, F];
    const notes: Note[] = [];
    for (let b = 0; b < 8; b++) notes.push(note(b * 4 + 1, 43 + ((b * 7) % 12), 3), note(b * 4, 55 + (b % 4), 2));
    const bass = bassOf(chords);
    const out = applyChordBass(notes, bass, 'fill');
    for (let b = 0; b < 8; b++) {
      expect(Math.min(...soundingIn(out, b).map((n) => n.pitch)) % 12).toBe(bass[b]);
    }
    expect(out.length).toBeLessThanOrEqual(notes.length + 8);
  });
});

describe('parseChordBassRule', () => {
  it('takes the four rules and refuses anything else with an InputError', () => {
    expect(parseChordBassRule('voice')).toBe('voice');
    expect(parseChordBassRule('fill')).toBe('fill');
    expect(parseChordBassRule(undefined)).toBeUndefined();
    expect(() => parseChordBassRule('bass')).toThrow(InputError);
  });
});
