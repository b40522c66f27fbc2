import { describe, expect, it } from 'vitest';
import { keyFifths, keyName, pitchOfSpelled, signatureAlter, spellPitch, spellPitchClass, type Key } from '../src/index.ts';

const ALL_KEYS: Key[] = [];
for (let tonic = 0; tonic < 12; tonic++) for (const mode of ['major', 'minor'] as const) ALL_KEYS.push({ tonic, mode });

describe('pitch spelling', () => {
  it('spells every pitch in every key as a written pitch that sounds the same', () => {
    for (const key of ALL_KEYS) for (let p = 21; p <= 108; p++) expect(pitchOfSpelled(spellPitch(p, key))).toBe(p);
  });

  it('writes the seven scale degrees with the key signature and distinct letters', () => {
    const majorSteps = [0, 2, 4, 5, 7, 9, 11];
    const minorSteps = [0, 2, 3, 5, 7, 8, 10];
    for (const key of ALL_KEYS) {
      const fifths = keyFifths(key);
      const steps = (key.mode === 'major' ? majorSteps : minorSteps).map((s) => spellPitchClass(key.tonic + s, key));
      expect(new Set(steps.map((s) => s.step)).size).toBe(7);
      for (const s of steps) expect(s.alter).toBe(signatureAlter(fifths, s.step));
    }
  });

  it('uses the usual key signatures and chromatic spellings', () => {
    expect(keyFifths({ tonic: 8, mode: 'major' })).toBe(-4);
    expect(keyFifths({ tonic: 9, mode: 'minor' })).toBe(0);
    expect(keyFifths({ tonic: 1, mode: 'minor' })).toBe(4);
    expect(keyName({ tonic: 6, mode: 'major' })).toBe('Gb major');
    expect(keyName({ tonic: 1, mode: 'minor' })).toBe('C# minor');
    // C major: b7 is Bb, #4 is F#; A minor: the leading tone is G#; Gb major: the 4th is Cb.
    expect(spellPitch(70, { tonic: 0, mode: 'major' })).toEqual({ step: 'B', alter: -1, octave: 4 });
    expect(spellPitch(66, { tonic: 0, mode: 'major' })).toEqual({ step: 'F', alter: 1, octave: 4 });
    expect(spellPitch(68, { tonic: 9, mode: 'minor' })).toEqual({ step: 'G', alter: 1, octave: 4 });
    expect(spellPitch(71, { tonic: 6, mode: 'major' })).toEqual({ step: 'C', alter: -1, octave: 5 });
    // No double flat where a natural will do: the chromatic step above Ab is A natural, not Bbb.
    expect(spellPitch(57, { tonic: 8, mode: 'major' })).toEqual({ step: 'A', alter: 0, octave: 3 });
    // Raised degrees keep their double sharp: the leading tone of G# minor is F##.
    expect(spellPitch(67, { tonic: 8, mode: 'minor' })).toEqual({ step: 'F', alter: 2, octave: 4 });
  });
});
