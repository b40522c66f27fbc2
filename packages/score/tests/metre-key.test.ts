import { describe, expect, it } from 'vitest';
import type { Note } from '@a2s/dataset';
import {
  buildScore,
  chooseBeatFactor,
  keyFromChroma,
  keyFromHistogram,
  keyFromSpans,
  parseKeyLabel,
  tempoMarks,
} from '../src/index.ts';

const note = (onsetStep: number, pitch = 60, durationSteps = 1): Note => ({ onsetStep, durationSteps, pitch, velocity: 80, track: 'PIANO' });

describe('readable tempo and metre', () => {
  const eighthsOnGridSixteenths = Array.from({ length: 64 }, (_, i) => note(i));
  const quarterAndEighths = Array.from({ length: 32 }, (_, i) => note(i * 2));

  it('writes a slow grid beat with onsets on its sixteenths as two quarters (doubled tempo)', () => {
    expect(chooseBeatFactor(67, eighthsOnGridSixteenths)).toBe(2);
    expect(chooseBeatFactor(67, quarterAndEighths)).toBe(1);
    expect(chooseBeatFactor(120, eighthsOnGridSixteenths)).toBe(1);
  });

  it('a doubled grid gives twice the bars of 4/4 and twice the tempo', () => {
    const beatTimesSec = Float64Array.from({ length: 20 }, (_, b) => (b * 60) / 67);
    const score = buildScore({ notes: eighthsOnGridSixteenths, beatsPerBar: 4, firstDownbeatBeat: 0, beatTimesSec });
    expect(score.beatFactor).toBe(2);
    expect(score.beatsPerBar).toBe(4);
    expect(score.measures.length).toBe(8);
    expect(score.tempos).toEqual([{ div: 0, bpm: 134 }]);
    expect(score.notes.every((n) => n.durDiv === 2)).toBe(true);
  });

  it('marks the tempo once for a wobbly steady song, again only for a lasting change', () => {
    const wobble = Array.from({ length: 40 }, (_, i) => 90 + (i % 3) - 1);
    expect(tempoMarks(wobble)).toEqual([{ measure: 0, bpm: 90 }]);
    const change = [...wobble.slice(0, 20), ...Array.from({ length: 20 }, () => 120)];
    expect(tempoMarks(change)).toEqual([
      { measure: 0, bpm: 90 },
      { measure: 20, bpm: 120 },
    ]);
    expect(tempoMarks([...wobble.slice(0, 20), 120, 120, 120, ...wobble.slice(0, 17)])).toHaveLength(1);
  });

  it('starts with a pickup measure when the music starts before a bar line', () => {
    const score = buildScore({ notes: [note(12), note(16, 62, 16)], beatsPerBar: 4, firstDownbeatBeat: 4, tempoBpm: 100 }, { beatFactor: 1 });
    expect(score.measures[0]).toEqual({ number: 0, startDiv: 0, lengthDiv: 4, pickup: true });
    expect(score.measures[1].number).toBe(1);
  });
});

describe('key finding', () => {
  it('finds the key of a scale-weighted histogram (tonic triad heavier)', () => {
    const h = new Array(12).fill(0);
    for (const pc of [7, 9, 11, 0, 2, 4, 6]) h[pc] = 1;
    for (const pc of [7, 11, 2]) h[pc] += 1;
    expect(keyFromHistogram(h)).toEqual({ tonic: 7, mode: 'major' });
    const m = new Array(12).fill(0);
    for (const pc of [9, 11, 0, 2, 4, 5, 8]) m[pc] = 1;
    for (const pc of [9, 0, 4]) m[pc] += 1.5;
    expect(keyFromHistogram(m)).toEqual({ tonic: 9, mode: 'minor' });
  });

  it('sums beat chroma rows', () => {
    const chroma = new Float32Array(2 * 12);
    for (const pc of [2, 6, 9]) chroma[pc] = 1;
    for (const pc of [7, 11, 2, 4]) chroma[12 + pc] = 0.5;
    expect(keyFromChroma(chroma, 2)).toEqual({ tonic: 2, mode: 'major' });
  });

  it('reads POP909 key labels and picks the longest annotated key', () => {
    expect(parseKeyLabel('Gb:maj')).toEqual({ tonic: 6, mode: 'major' });
    expect(parseKeyLabel('C#:min')).toEqual({ tonic: 1, mode: 'minor' });
    expect(parseKeyLabel('H:maj')).toBeUndefined();
    expect(
      keyFromSpans([
        { startSec: 0, endSec: 10, key: 'C:maj' },
        { startSec: 10, endSec: 100, key: 'D:maj' },
        { startSec: 100, endSec: 120, key: 'C:maj' },
      ]),
    ).toEqual({ tonic: 2, mode: 'major' });
  });
});
