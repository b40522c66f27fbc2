import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegmentRow } from '@a2s/dataset';
import { leakageMarkdownRow, measureLeakage } from '../../src/leakage/leakage.ts';
import { ACCOMPANIMENT_TRACKS } from '../../src/metrics/song-scores.ts';
import { buildFixtureDataset } from '../helpers/fixture-dataset.ts';

describe('leakage figure', () => {
  let root: string;
  let manifest: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'a2s-leakage-'));
    manifest = await buildFixtureDataset(join(root, 'ds'), 2);
  }, 120_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const target = async (rows: readonly SegmentRow[]): Promise<SegmentRow[]> =>
    rows.map((r) => ({ ...r, notes: r.notes.filter((n) => ACCOMPANIMENT_TRACKS.includes(n.track)).map((n) => ({ ...n, track: 'PIANO' as const })) }));
  const silence = async (rows: readonly SegmentRow[]): Promise<SegmentRow[]> => rows.map((r) => ({ ...r, notes: [] }));

  it('scores a transcription that is the target at 1, silence at 0, and the chord chart in between, per song and on average', async () => {
    const perfect = await measureLeakage({ manifestPath: manifest, split: 'test', transcribe: target });
    expect(perfect.songs.length).toBe(2);
    expect(perfect.transcriptionF1).toBe(1);
    for (const s of perfect.songs) {
      expect(s.transcription.matched).toBe(s.transcription.reference);
      expect(s.chordChart.f1).toBeGreaterThan(0.1);
      expect(s.chordChart.f1).toBeLessThan(0.6);
    }
    expect(perfect.chordChartF1).toBeCloseTo((perfect.songs[0].chordChart.f1 + perfect.songs[1].chordChart.f1) / 2, 12);
    expect(perfect.audio.type).toBe('synth');
    expect(perfect.manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    const none = await measureLeakage({ manifestPath: manifest, split: 'test', transcribe: silence });
    expect(none.transcriptionF1).toBe(0);
    expect(none.chordChartF1).toBe(perfect.chordChartF1);
    expect(leakageMarkdownRow(perfect)).toMatch(/^\| synth \| \d+, \d+ \| 1\.000 \| 0\.\d{3} \|$/);
  }, 60_000);

  it('takes a fixed sample: the given song ids, or the first N of the split; an unknown song is an error naming it', async () => {
    const all = await measureLeakage({ manifestPath: manifest, split: 'test', transcribe: silence });
    const ids = all.songs.map((s) => s.song);
    const one = await measureLeakage({ manifestPath: manifest, split: 'test', songs: [ids[1]], transcribe: silence });
    expect(one.songs.map((s) => s.song)).toEqual([ids[1]]);
    const first = await measureLeakage({ manifestPath: manifest, split: 'test', limitSongs: 1, transcribe: silence });
    expect(first.songs.map((s) => s.song)).toEqual([ids[0]]);
    await expect(measureLeakage({ manifestPath: manifest, split: 'test', songs: ['999'], transcribe: silence })).rejects.toThrow(/999 have no segment in split test/);
    // A window of segments from the middle of each song.
    const seen: number[][] = [];
    const window = await measureLeakage({ manifestPath: manifest, split: 'test', segmentsPerSong: 4, transcribe: async (rows) => (seen.push(rows.map((r) => r.startBeat)), silence(rows)) });
    expect(window.segmentsPerSong).toBe(4);
    expect(window.songs.map((s) => s.segments)).toEqual([4, 4]);
    for (const [i, beats] of seen.entries()) {
      expect(beats.length).toBe(4);
      expect(beats[0]).toBeGreaterThan(0);
      expect(all.songs[i]!.segments).toBeGreaterThan(8);
    }
  }, 60_000);
});
