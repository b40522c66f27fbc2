import { describe, expect, it } from 'vitest';
import { createRng, type Note } from '@a2s/dataset';
import { onsetEnvelope } from '@a2s/features';
import { beatChromaCosine, noteChromaPerBeat } from '../../src/audio-eval/chroma.ts';
import { dtwPath, optimalTransposition, qmax, rotateChroma, warpingPathDeviation } from '../../src/audio-eval/cover.ts';
import { notesFromMidiBytes, notesToMidiBytes, stepNotesToTimed, stitchWindows, type ArrangedNote } from '../../src/audio-eval/notes.ts';
import { interOnsetIntervals, ioiPatternEntropy, meanPolyphonySec, noteDensity, rhythmicGridConsistency } from '../../src/audio-eval/style.ts';
import { distinctOnsets, onsetHitRate, pickOnsets } from '../../src/audio-eval/timing.ts';

const n = (onsetSec: number, offsetSec: number, pitch: number, velocity = 100): ArrangedNote => ({ onsetSec, offsetSec, pitch, velocity });
const grid = (beats: number, sec = 0.5): Float64Array => Float64Array.from({ length: beats }, (_, i) => i * sec);

describe('notes', () => {
  it('MIDI written by notesToMidiBytes reads back with the same seconds, pitches and velocities', () => {
    const notes = [n(0, 0.5, 60, 90), n(0, 1, 64), n(0.75, 1.25, 67, 30), n(2.001, 2.5, 36)];
    const back = notesFromMidiBytes(notesToMidiBytes(notes), 'x.mid');
    expect(back).toHaveLength(4);
    back.forEach((b, i) => {
      expect(b.onsetSec).toBeCloseTo(notes[i].onsetSec, 3);
      expect(b.offsetSec).toBeCloseTo(notes[i].offsetSec, 3);
      expect(b.pitch).toBe(notes[i].pitch);
      expect(b.velocity).toBe(notes[i].velocity);
    });
  });

  it('a file that is not MIDI is an error naming the file', () => {
    expect(() => notesFromMidiBytes(new Uint8Array([1, 2, 3]), 'bad.mid')).toThrow(/bad\.mid/);
  });

  it('stitching keeps each beat from one window and places steps on the beat grid', () => {
    const note = (onsetStep: number, pitch: number): Note => ({ onsetStep, durationSteps: 2, pitch, velocity: 80, track: 'PIANO' });
    const stitched = stitchWindows([
      { startBeat: 4, notes: [note(0, 62), note(20, 63)] },
      { startBeat: 0, notes: [note(0, 60), note(15, 61), note(16, 99)] },
    ]);
    // Window 0 gives steps 0–15 (window 1 starts at beat 4 = step 16): its note at step 16 is dropped.
    expect(stitched.map((x) => [x.onsetStep, x.pitch])).toEqual([[0, 60], [15, 61], [16, 62], [36, 63]]);
    const timed = stepNotesToTimed(stitched, Float64Array.from([0, 0.5, 1.0, 2.0, 3.0, 3.5, 4, 4.5, 5, 5.5, 6, 6.5]));
    expect(timed[1].onsetSec).toBeCloseTo(2.75, 9); // step 15 = beat 3.75: beat 3 at 2.0 s, beat 4 at 3.0 s
  });
});

describe('chroma', () => {
  it('note chroma peaks on the sounding pitch classes, silent beats have zero energy', () => {
    const c = noteChromaPerBeat([n(0, 0.5, 60), n(0, 0.5, 64), n(0, 0.5, 67)], grid(3));
    const row0 = Array.from(c.chroma.subarray(0, 12));
    for (const pc of [0, 4, 7]) expect(row0[pc]).toBeCloseTo(1 / Math.sqrt(3), 5);
    expect(row0[2]).toBe(0);
    expect(c.relEnergy[0]).toBe(1);
    expect(c.relEnergy[1]).toBe(0);
  });

  it('cosine is 1 against itself, 0 for an empty arrangement, and skips silent recording beats', () => {
    const notes = [n(0, 0.5, 60), n(0.5, 1, 62), n(1, 1.5, 65)];
    const a = noteChromaPerBeat(notes, grid(4));
    expect(beatChromaCosine(a, a)).toBeCloseTo(1, 9);
    expect(beatChromaCosine(a, noteChromaPerBeat([], grid(4)))).toBe(0);
    const other = noteChromaPerBeat([n(0, 0.5, 60), n(0.5, 1, 66), n(1, 1.5, 65), n(1.5, 2, 70)], grid(4));
    // Beat 3 is silent in `a` and not counted; beats 0 and 2 agree, beat 1 does not: 2/3.
    expect(beatChromaCosine(a, other)).toBeCloseTo(2 / 3, 9);
  });
});

describe('timing', () => {
  it('chord notes merge into one onset; hit rate counts arrangement onsets near any audio onset', () => {
    const on = distinctOnsets([n(1, 2, 60), n(1.01, 2, 64), n(2, 3, 60), n(3, 4, 60)]);
    expect(Array.from(on)).toEqual([1, 2, 3]);
    expect(onsetHitRate(on, Float64Array.from([0.96, 2.06, 5]), 0.05)).toBeCloseTo(1 / 3, 9);
    expect(onsetHitRate(new Float64Array(0), on)).toBeNaN();
  });

  it('picks the clicks of a click track within 20 ms', () => {
    const sr = 16000;
    const x = new Float32Array(sr * 4);
    const clicks = [0.5, 1.0, 1.5, 2.25, 3.0];
    for (const t of clicks) for (let i = 0; i < 200; i++) x[Math.round(t * sr) + i] = Math.sin((2 * Math.PI * 1000 * i) / sr) * Math.exp(-i / 60);
    const picked = pickOnsets(onsetEnvelope(x, sr));
    expect(picked.length).toBe(clicks.length);
    picked.forEach((t, i) => expect(Math.abs(t - clicks[i])).toBeLessThan(0.02));
  });
});

function randomChroma(rows: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(rows * 12);
  for (let r = 0; r < rows; r++) {
    // A random triad-like profile: three strong classes, unit norm.
    const root = rng.int(12);
    for (const iv of [0, rng.next() < 0.5 ? 3 : 4, 7]) x[r * 12 + ((root + iv) % 12)] = 1 / Math.sqrt(3);
  }
  return x;
}

describe('cover similarity', () => {
  it('Qmax: 1 for a sequence against itself (also transposed), low for an unrelated one', () => {
    const a = randomChroma(80, 1);
    expect(qmax(a, 80, a, 80).normalized).toBe(1);
    const up3 = rotateChroma(a, 80, 3);
    expect(optimalTransposition(a, 80, up3, 80)).toBe(9);
    const t = qmax(a, 80, up3, 80);
    expect(t.normalized).toBe(1);
    expect(t.transposition).toBe(9);
    expect(qmax(a, 80, randomChroma(80, 2), 80).normalized).toBeLessThan(0.5);
    expect(qmax(a, 80, new Float32Array(80 * 12), 80).normalized).toBe(0);
    expect(qmax(a, 9, a, 9).normalized).toBeNaN(); // shorter than the embedding (10 rows)
  });

  it('DTW of a sequence with itself is the diagonal; WPD is 0 for a straight path and grows with a bend', () => {
    const a = randomChroma(40, 3);
    const p = dtwPath(a, 40, a, 40);
    expect(Array.from(p.i)).toEqual(Array.from({ length: 40 }, (_, k) => k));
    expect(Array.from(p.j)).toEqual(Array.from(p.i));
    expect(warpingPathDeviation(p, 0.1)).toBe(0);
    // A steady tempo ratio (b twice as slow) is a straight line too.
    const slow = { i: Int32Array.from({ length: 40 }, (_, k) => k), j: Int32Array.from({ length: 40 }, (_, k) => 2 * k) };
    expect(warpingPathDeviation(slow, 0.1)).toBeCloseTo(0, 9);
    // A bump of +1 s in the middle third: residuals of a line fitted to a step function.
    const bump = { i: Int32Array.from({ length: 30 }, (_, k) => k + (k >= 10 && k < 20 ? 10 : 0)), j: Int32Array.from({ length: 30 }, (_, k) => k) };
    expect(warpingPathDeviation(bump, 0.1)).toBeGreaterThan(0.4);
  });
});

describe('style (Etude definitions)', () => {
  it('RGC is 0 on one grid, larger for irregular onsets; NaN with fewer than 8 IOIs', () => {
    const onGrid = [0.25, 0.5, 0.25, 0.75, 0.5, 0.25, 1, 0.25, 0.5, 0.25, 0.75, 0.25];
    expect(rhythmicGridConsistency(onGrid)).toBeCloseTo(0, 9);
    const rng = createRng(4);
    const irregular = Array.from({ length: 40 }, () => 0.1 + rng.next());
    expect(rhythmicGridConsistency(irregular)).toBeGreaterThan(0.1);
    expect(rhythmicGridConsistency([0.25, 0.5, 0.25])).toBeNaN();
    // Hand-computed: top IOIs {0.5 (×3), 0.3 (×2)}; τ = 0.5 → |0.6 − 1| = 0.4 → mean 0.2; τ = 0.3 → |1.667 − 2| = 0.333 → 0.1667.
    expect(rhythmicGridConsistency([0.5, 0.3, 0.5, 0.3, 0.5, 0.5, 0.3, 0.5], { topK: 2 })).toBeCloseTo(1 / 6, 4);
  });

  it('IPE: an alternating two-symbol rhythm has two distinct 8-grams (1 bit); one IOI value is NaN', () => {
    const alternating = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 0.25 : 0.5));
    expect(ioiPatternEntropy(alternating)).toBeCloseTo(1, 2);
    expect(ioiPatternEntropy(Array(20).fill(0.5))).toBeNaN();
    const rng = createRng(5);
    expect(ioiPatternEntropy(Array.from({ length: 200 }, () => 0.1 + rng.next()))).toBeGreaterThan(5);
  });

  it('IOIs, density and polyphony', () => {
    const notes = [n(0, 1, 60), n(0, 1, 64), n(0.5, 1.5, 67), n(2, 2.5, 60)];
    expect(Array.from(interOnsetIntervals(notes))).toEqual([0.5, 1.5]);
    expect(noteDensity(notes, 4)).toBe(1);
    // 0–0.5: 2 notes, 0.5–1: 3, 1–1.5: 1, 2–2.5: 1 → (1 + 1.5 + 0.5 + 0.5) / 2 s = 1.75.
    expect(meanPolyphonySec(notes)).toBeCloseTo(1.75, 9);
    expect(meanPolyphonySec([])).toBe(0);
  });
});
