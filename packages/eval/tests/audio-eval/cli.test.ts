import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '@a2s/dataset';
import { notesToMidiBytes } from '../../src/audio-eval/notes.ts';
import { AUDIO_METRICS } from '../../src/audio-eval/score-arrangement.ts';
import { compareSystems, readMetricsTable } from '../../src/scoring/index.ts';
import type { AudioSummaryFile } from '../../src/audio-eval/evaluate-audio.ts';
import { loadAudioFixtureSong } from '../helpers/audio-fixture.ts';
import { a2s } from '../helpers/eval-cli.ts';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'a2s-eval-audio-cli-'));
  // Two pairs: each fixture song's accompaniment (24 beats) as MIDI, its rendering as the recording; and a
  // second system folder whose arrangements are those of the other song.
  const songs = [await loadAudioFixtureSong('098', 24), await loadAudioFixtureSong('447', 24)];
  for (const [i, s] of songs.entries()) {
    await writeWav(join(dir, 'own', `${s.id}.wav`), s.recording.samples, s.recording.sampleRate);
    await writeFile(join(dir, 'own', `${s.id}.mid`), notesToMidiBytes(s.notes));
    await writeWav(join(dir, 'swapped', `${s.id}.wav`), s.recording.samples, s.recording.sampleRate);
    await writeFile(join(dir, 'swapped', `${s.id}.mid`), notesToMidiBytes(songs[1 - i].notes));
  }
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a2s eval-audio', () => {
  it('scores one MIDI arrangement against its recording and prints every metric', async () => {
    const out = await a2s('eval-audio', '--arrangement', join(dir, 'own', '098.mid'), '--recording', join(dir, 'own', '098.wav'), '-q');
    expect(out).toContain('098:');
    for (const m of AUDIO_METRICS) expect(out, m.name).toContain(m.name);
  }, 300_000);

  it('scores folders of pairs into metrics.arrow + summary.json that a2s compare reads', async () => {
    await a2s('eval-audio', '--pairs', join(dir, 'own'), '--system', 'own', '--out', join(dir, 'out-own'), '-q', '--resamples', '200');
    await a2s('eval-audio', '--pairs', join(dir, 'swapped'), '--system', 'swapped', '--out', join(dir, 'out-swapped'), '-q', '--resamples', '200');
    const own = await readMetricsTable(join(dir, 'out-own', 'metrics.arrow'));
    const swapped = await readMetricsTable(join(dir, 'out-swapped', 'metrics.arrow'));
    expect(new Set(own.map((r) => r.song))).toEqual(new Set(['098', '447']));
    const summary = JSON.parse(await readFile(join(dir, 'out-own', 'summary.json'), 'utf8')) as AudioSummaryFile;
    expect(summary.config.kind).toBe('eval-audio');
    expect(summary.config.arrangementChroma).toBe('fluidsynth-rendering');
    expect(summary.metrics.map((m) => m.name)).toEqual(AUDIO_METRICS.map((m) => m.name));
    expect(summary.inputs.systems[0].songs).toHaveLength(2);
    const row = summary.rows.find((r) => r.metric === 'audio.chroma.render.cosine')!;
    expect(row.nSongs).toBe(2);
    expect(row.ciLow).toBeLessThanOrEqual(row.mean);
    // The paired comparison sees the swapped arrangements as worse on harmony.
    const cmp = compareSystems([...own, ...swapped], { system: 'own', variant: 'default' }, { system: 'swapped', variant: 'default' }, { seed: 0, margin: 0.02, resamples: 200 });
    const chroma = cmp.find((r) => r.metric === 'audio.chroma.render.cosine')!;
    expect(chroma.diff).toBeLessThan(-0.1);
    expect(cmp.some((r) => r.metric === 'style.ipe')).toBe(false); // descriptive statistics are not compared
  }, 120_000);

  it('--no-render leaves out the rendering-based metrics and says what the chords were read from', async () => {
    await a2s('eval-audio', '--pairs', join(dir, 'own'), '--no-render', '--out', join(dir, 'out-notes'), '-q', '--resamples', '50');
    const summary = JSON.parse(await readFile(join(dir, 'out-notes', 'summary.json'), 'utf8')) as AudioSummaryFile;
    expect(summary.config.arrangementChroma).toBe('notes');
    const metrics = new Set(summary.rows.map((r) => r.metric));
    for (const m of AUDIO_METRICS) expect(metrics.has(m.name), m.name).toBe(!m.needsRendering);
  }, 300_000);

  it('bad input is a clear error naming the file or the missing option', async () => {
    await expect(a2s('eval-audio', '--arrangement', join(dir, 'own', '098.mid'))).rejects.toThrow(/--recording/);
    await expect(a2s('eval-audio', '--pairs', join(dir, 'nope'))).rejects.toThrow(/nope/);
    await expect(a2s('eval-audio', '--arrangement', join(dir, 'own', '098.wav'), '--recording', join(dir, 'own', '098.wav'))).rejects.toThrow(/098\.wav.*MIDI/);
    await expect(a2s('eval-audio', '--pairs', join(dir, 'own'), '--arrangement', 'x.mid')).rejects.toThrow(/exactly one/);
  });
});
