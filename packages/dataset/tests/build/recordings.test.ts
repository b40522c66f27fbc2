import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/build/build.ts';
import { readSegments } from '../../src/build/manifest.ts';
import { decodeAudioFile, writeWav } from '../../src/audio/index.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../data/fixtures/pop909');
const root = await mkdtemp(join(tmpdir(), 'a2s-rec-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** Song 098 with a "recording": the beats are 1.25 s later than in the MIDI and the file is 22.05 kHz. */
async function setup(opts: { dropBeats: number; extraBeats?: number }): Promise<{ input: string; audioDir: string; midiTimes: number[] }> {
  const input = join(root, `in-${opts.dropBeats}`);
  const audioDir = join(root, `rec-${opts.dropBeats}`);
  await cp(join(FIXTURES, '098'), join(input, '098'), { recursive: true });
  const midiTimes = (await readFile(join(input, '098', 'beat_midi.txt'), 'utf8')).trim().split('\n').map((l) => Number(l.split(' ')[0]));
  const audioTimes = midiTimes.slice(0, midiTimes.length - opts.dropBeats).map((t) => t + 1.25);
  await writeFile(join(input, '098', 'beat_audio.txt'), audioTimes.map((t, i) => `${t.toFixed(3)}\t${(i % 4) + 1}.0`).join('\n') + '\n');
  const rate = 22050;
  const seconds = audioTimes[audioTimes.length - 1] + 1;
  const samples = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate);
  await mkdir(audioDir, { recursive: true });
  await writeWav(join(audioDir, '098.wav'), samples, rate);
  return { input, audioDir, midiTimes };
}

describe('user recordings', () => {
  it('pairs beat k of beat_midi.txt with beat k of beat_audio.txt and resamples the audio', async () => {
    const { input, audioDir, midiTimes } = await setup({ dropBeats: 2 });
    const out = join(root, 'out-ok');
    const manifest = await buildDataset({ pop909Dir: input, outDir: out, audio: { type: 'recordings', dir: audioDir } });
    const song = manifest.songs[0];
    expect(song.status).toBe('built');
    const beats = song.beatSamples as number[];
    expect(beats.length).toBe(midiTimes.length);
    expect(beats[0]).toBe(Math.round((Number((midiTimes[0] + 1.25).toFixed(3))) * 16000));
    // The last two score beats have no partner in beat_audio.txt.
    expect(beats.slice(-2)).toEqual([-1, -1]);
    const audio = await decodeAudioFile(join(out, song.audioPath as string));
    expect(audio.sampleRate).toBe(16000);
    const rows = await readSegments(join(out, 'manifest.json'));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.beatSamples.every((s) => s >= 0 && s <= audio.samples.length)).toBe(true);
      expect(r.startBeat + 8).toBeLessThan(midiTimes.length - 2);
    }
  });

  it('fails the song when the beat counts cannot be paired', async () => {
    const { input, audioDir } = await setup({ dropBeats: 20 });
    const manifest = await buildDataset({ pop909Dir: input, outDir: join(root, 'out-bad'), audio: { type: 'recordings', dir: audioDir } });
    expect(manifest.songs[0].status).toBe('failed');
    expect(manifest.songs[0].reason).toMatch(/beat_audio\.txt: 35 beats here vs 55 in beat_midi\.txt/);
  });

  it('fails the song when the recording is shorter than its beats, or missing', async () => {
    const { input, audioDir } = await setup({ dropBeats: 0 });
    await writeWav(join(audioDir, '098.wav'), new Float32Array(16000 * 10), 16000);
    const short = await buildDataset({ pop909Dir: input, outDir: join(root, 'out-short'), audio: { type: 'recordings', dir: audioDir } });
    expect(short.songs[0].reason).toMatch(/^song 098: .*098\.wav: audio is 10\.00 s long but beat \d+ of beat_audio\.txt is at [\d.]+ s: audio shorter than its beats/);
    await writeFile(join(audioDir, '098.wav'), 'RIFF garbage');
    const corrupt = await buildDataset({ pop909Dir: input, outDir: join(root, 'out-corrupt'), audio: { type: 'recordings', dir: audioDir } });
    expect(corrupt.songs[0].reason).toMatch(/^song 098: .*098\.wav: not a readable WAV file/);
    const missing = await buildDataset({ pop909Dir: input, outDir: join(root, 'out-missing'), audio: { type: 'recordings', dir: join(root, 'empty') } });
    expect(missing.songs[0].reason).toMatch(/no recording for song 098/);
  });
});
