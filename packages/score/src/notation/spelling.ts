import type { Key } from '../key/key-finder.ts';

export const LETTERS = ['C', 'D', 'E', 'F', 'G', 'A', 'B'] as const;
export type Letter = (typeof LETTERS)[number];
const LETTER_PC: Record<Letter, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const SHARP_ORDER: readonly Letter[] = ['F', 'C', 'G', 'D', 'A', 'E', 'B'];

/** Key-signature fifths of a major key by tonic pitch class (F#/Gb major is written Gb, -6 flats). */
const MAJOR_FIFTHS = [0, -5, 2, -3, 4, -1, -6, 1, -4, 3, -2, 5];

/** A written pitch: letter, alteration in semitones (-2..2) and octave (C4 = middle C). */
export interface SpelledPitch {
  readonly step: Letter;
  readonly alter: number;
  readonly octave: number;
}

/** Key signature of a key as a number of fifths: positive sharps, negative flats. A minor key uses its relative major's. */
export function keyFifths(key: Key): number {
  return MAJOR_FIFTHS[key.mode === 'major' ? key.tonic : (key.tonic + 3) % 12];
}

/** The alteration the key signature `fifths` gives each letter. */
export function signatureAlter(fifths: number, letter: Letter): number {
  const i = SHARP_ORDER.indexOf(letter);
  if (fifths > 0) return i < fifths ? 1 : 0;
  if (fifths < 0) return 6 - i < -fifths ? -1 : 0;
  return 0;
}

/**
 * Chromatic degrees (semitones above the tonic) and how they are written: 'lower' the letter above
 * (b2, b3, b6, b7) or 'raise' the letter below (#4, and in minor the raised 3rd, 6th and leading tone).
 */
const CHROMATIC: Readonly<Record<Key['mode'], Readonly<Record<number, 'lower' | 'raise'>>>> = {
  major: { 1: 'lower', 3: 'lower', 6: 'raise', 8: 'lower', 10: 'lower' },
  minor: { 1: 'lower', 4: 'raise', 6: 'raise', 9: 'raise', 11: 'raise' },
};

/**
 * Spells a pitch class in a key: diatonic pitch classes as the key signature has them, chromatic ones by
 * {@link CHROMATIC}, except that a double flat gives way to a spelling without a double accidental.
 */
export function spellPitchClass(pc: number, key: Key): { step: Letter; alter: number } {
  const fifths = keyFifths(key);
  const diatonicPc = (l: Letter): number => (LETTER_PC[l] + signatureAlter(fifths, l) + 12) % 12;
  const pcn = ((pc % 12) + 12) % 12;
  for (const l of LETTERS) if (diatonicPc(l) === pcn) return { step: l, alter: signatureAlter(fifths, l) };
  const rel = (pcn - key.tonic + 12) % 12;
  const spell = (how: 'raise' | 'lower'): { step: Letter; alter: number } => {
    const target = (pcn + (how === 'raise' ? -1 : 1) + 12) % 12;
    const letter = LETTERS.find((l) => diatonicPc(l) === target) as Letter;
    return { step: letter, alter: signatureAlter(fifths, letter) + (how === 'raise' ? 1 : -1) };
  };
  const how = CHROMATIC[key.mode][rel] ?? 'raise';
  const preferred = spell(how);
  // No double flat for a lowered degree when raising the degree below needs no double accidental (b2 of Ab
  // major is A, not Bbb); raised degrees keep their double sharps (the leading tone of G# minor is F##).
  if (preferred.alter > -2) return preferred;
  const other = spell('raise');
  return Math.abs(other.alter) < 2 ? other : preferred;
}

/** Spells a MIDI pitch in a key (see {@link spellPitchClass}); the octave follows the letter (B#3 = MIDI 60). */
export function spellPitch(pitch: number, key: Key): SpelledPitch {
  const { step, alter } = spellPitchClass(pitch % 12, key);
  const natural = pitch - alter;
  const octave = Math.floor((natural - LETTER_PC[step]) / 12) - 1;
  return { step, alter, octave };
}

/** MIDI pitch of a written pitch. */
export function pitchOfSpelled(p: SpelledPitch): number {
  return (p.octave + 1) * 12 + LETTER_PC[p.step] + p.alter;
}

/** Human-readable key name, e.g. "Gb major", "C# minor". */
export function keyName(key: Key): string {
  const { step, alter } = spellPitchClass(key.tonic, key);
  const acc = alter > 0 ? '#'.repeat(alter) : 'b'.repeat(-alter);
  return `${step}${acc} ${key.mode}`;
}
