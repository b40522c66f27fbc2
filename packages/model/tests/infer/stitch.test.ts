import { describe, expect, it } from 'vitest';
import tonejsMidi from '@tonejs/midi';
import type { Note } from '@a2s/dataset';
import { stitchSegments } from '../../src/infer/stitch.ts';
import { notesToMidi } from '../../src/infer/midi.ts';
import { predictionToNotes } from '../../src/infer/tree-notes.ts';

const note = (onsetStep: number, pitch: number, durationSteps = 2): Note => ({ onsetStep, pitch, durationSteps, velocity: 80, track: 'PIANO' });

describe('stitchSegments', () => {
  it('keeps the first bar of every window and both bars of the last (hop 1 bar)', () => {
    // window w plays pitch 60+w in its first bar and 70+w in its second bar
    const windows = [0, 4, 8, 12].map((startBeat, w) => ({ startBeat, notes: [note(0, 60 + w), note(8, 60 + w), note(16, 70 + w), note(24, 70 + w)] }));
    const out = stitchSegments(windows);
    expect(out.map((n) => [n.onsetStep, n.pitch])).toEqual([
      [0, 60],
      [8, 60],
      [16, 61],
      [24, 61],
      [32, 62],
      [40, 62],
      [48, 63],
      [56, 63],
      [64, 73],
      [72, 73],
    ]);
  });

  it('takes every window when windows do not overlap, and orders unsorted input', () => {
    const out = stitchSegments([
      { startBeat: 8, notes: [note(31, 50)] },
      { startBeat: 0, notes: [note(0, 40), note(31, 41)] },
    ]);
    expect(out.map((n) => [n.onsetStep, n.pitch])).toEqual([
      [0, 40],
      [31, 41],
      [63, 50],
    ]);
  });
});

describe('predictionToNotes and MIDI', () => {
  it('reads slots until EOS, decodes duration bits, drops repeats, and writes a readable MIDI file', () => {
    const slots = 15;
    const pitch = new Int32Array(32 * slots).fill(129);
    const bits = new Int32Array(32 * slots * 5);
    pitch[0] = 60; // step 0: 60 (dur 4 = bits 00011), 64, 60 again (dropped), EOS
    bits.set([0, 0, 0, 1, 1], 0);
    pitch[1] = 64;
    pitch[2] = 60;
    pitch[3] = 129;
    pitch[4] = 70; // after EOS: ignored
    const notes = predictionToNotes(pitch, bits, slots);
    expect(notes.map((n) => [n.onsetStep, n.pitch, n.durationSteps])).toEqual([
      [0, 60, 4],
      [0, 64, 1],
    ]);
    const midi = new tonejsMidi.Midi(notesToMidi(notes, { beatTimesSec: [0, 0.5, 1, 1.5] }));
    expect(midi.tracks[0].notes.map((n) => [n.midi, Number(n.time.toFixed(3)), Number(n.duration.toFixed(3))])).toEqual([
      [60, 0, 0.5],
      [64, 0, 0.125],
    ]);
  });
  it('writes a song-length file whose every note reads back with its pitch, time, length and velocity', () => {
    const notes: Note[] = Array.from({ length: 3000 }, (_, i) => ({ onsetStep: 2 * i, pitch: 36 + (i % 50), durationSteps: 1 + (i % 7), velocity: 20 + (i % 100), track: 'PIANO' }));
    const midi = new tonejsMidi.Midi(notesToMidi(notes, { bpm: 100 }));
    const got = midi.tracks.flatMap((t) => t.notes).sort((a, b) => a.ticks - b.ticks || a.midi - b.midi);
    expect(got).toHaveLength(notes.length);
    const stepSec = 60 / 100 / 4;
    const ms = (sec: number): number => Math.round(sec * 1000);
    expect(got.map((n) => [n.midi, ms(n.time), ms(n.duration), Math.round(n.velocity * 127)])).toEqual(
      notes.map((n) => [n.pitch, ms(n.onsetStep * stepSec), ms(n.durationSteps * stepSec), n.velocity]),
    );
  });
});
