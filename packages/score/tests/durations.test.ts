import { describe, expect, it } from 'vitest';
import { noteValueOf, splitSpan } from '../src/index.ts';

const four = { beatsPerBar: 4 };
const show = (start: number, end: number, metre = four): string =>
  splitSpan(start, end, metre)
    .map((v) => `${v.type}${'.'.repeat(v.dots)}`)
    .join('+');

describe('written values', () => {
  it('knows plain, dotted and double-dotted values on the sixteenth grid', () => {
    expect(noteValueOf(16)).toEqual({ divisions: 16, type: 'whole', dots: 0 });
    expect(noteValueOf(6)).toEqual({ divisions: 6, type: 'quarter', dots: 1 });
    expect(noteValueOf(7)).toEqual({ divisions: 7, type: 'quarter', dots: 2 });
    expect(noteValueOf(5)).toBeUndefined();
  });

  it('splits spans as engravers do: beats shown, the middle of a 4/4 bar shown', () => {
    expect(show(0, 16)).toBe('whole');
    expect(show(0, 12)).toBe('half.');
    expect(show(4, 12)).toBe('quarter+quarter');
    expect(show(8, 16)).toBe('half');
    expect(show(2, 6)).toBe('eighth+eighth');
    expect(show(1, 4)).toBe('eighth.');
    expect(show(0, 5)).toBe('quarter+16th');
    expect(show(3, 13)).toBe('16th+quarter+quarter+16th');
    expect(show(0, 12, { beatsPerBar: 3 })).toBe('half.');
  });

  it('always covers the span exactly', () => {
    for (let s = 0; s < 16; s++) {
      for (let e = s + 1; e <= 16; e++) {
        const vs = splitSpan(s, e, four);
        expect(vs.reduce((a, v) => a + v.divisions, 0)).toBe(e - s);
        expect(vs.every((v) => noteValueOf(v.divisions) !== undefined)).toBe(true);
      }
    }
  });
});
