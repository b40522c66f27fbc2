import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChordLabel, writeSegmentShard, type Note, type SegmentRow } from '@a2s/dataset';
import { buildScore, readPredictionScoreSources } from '../src/index.ts';

const SR = 16000;
const BEAT_SEC = 0.75;
let dir: string;

/** Window at `startBeat`: one note per beat, pitch = 60 + absolute beat (so stitching is checkable). */
function row(songId: string, startBeat: number): SegmentRow {
  const notes: Note[] = Array.from({ length: 8 }, (_, b) => ({ onsetStep: b * 4, durationSteps: 4, pitch: 40 + startBeat + b, velocity: 80, track: 'PIANO' }));
  return {
    songId,
    split: 'test',
    startBeat,
    notes,
    chords: Array.from({ length: 8 }, (_, b) => (startBeat + b < 8 ? parseChordLabel('C:maj') : parseChordLabel('A:min'))),
    beatSamples: Int32Array.from({ length: 9 }, (_, k) => Math.round((startBeat + k) * BEAT_SEC * SR)),
    audioPath: path.join(dir, `${songId}.wav`),
    audioSha256: '0'.repeat(64),
    sampleRate: SR,
  };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-score-pred-'));
  await writeSegmentShard(path.join(dir, 'pred', 'shards', 'pred-00000.arrow'), [row('002', 4), row('001', 0), row('001', 4), row('001', 8)]);
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('prediction folder as score sources', () => {
  it('stitches overlapping 2-bar windows: each window up to the next, the last one whole', async () => {
    const songs = await readPredictionScoreSources(path.join(dir, 'pred'));
    expect([...songs.keys()]).toEqual(['001', '002']);
    const s = songs.get('001')!;
    // Windows at beats 0, 4, 8: beats 0–3 from the first, 4–7 from the second, 8–15 from the last.
    expect(s.notes.map((n) => n.onsetStep / 4)).toEqual(Array.from({ length: 16 }, (_, b) => b));
    expect(s.notes.map((n) => n.pitch)).toEqual(Array.from({ length: 16 }, (_, b) => 40 + b));
    expect(s.beatTimesSec![10]).toBeCloseTo(10 * BEAT_SEC, 6);
    expect(s.chords![0].label).toBe('C:maj');
    expect(s.chords![9].label).toBe('A:min');
    // Song 002 starts at its first window; the beats before it are extrapolated.
    const t = songs.get('002')!;
    expect(t.firstDownbeatBeat).toBe(4);
    expect(t.beatTimesSec![0]).toBeCloseTo(0, 6);
    const score = buildScore(s);
    expect(score.tempos).toEqual([{ div: 0, bpm: 80 }]);
    expect(score.harmonies.map((h) => h.chord.label)).toEqual(['C:maj', 'A:min']);
  });

  it('names the folder when it is not a prediction folder', async () => {
    await expect(readPredictionScoreSources(path.join(dir, 'nope'))).rejects.toThrow(/nope.*not a prediction folder/);
  });
});
