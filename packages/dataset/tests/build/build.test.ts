import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import tonejsMidi from '@tonejs/midi';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/build/build.ts';
import { readManifest, readSegments } from '../../src/build/manifest.ts';
import { decodeAudioFile } from '../../src/audio/index.ts';
import { InputError } from '../../src/util/errors.ts';
import { sha256File } from '../../src/util/fs.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../data/fixtures/pop909');
const SONGS = ['098', '331', '624', '764'];
const root = await mkdtemp(join(tmpdir(), 'a2s-build-'));
afterAll(() => rm(root, { recursive: true, force: true }));

async function shardBytes(outDir: string): Promise<Record<string, string>> {
  const names = (await readdir(join(outDir, 'shards'))).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await sha256File(join(outDir, 'shards', n))] as const)));
}

const cleanOut = join(root, 'clean');

describe('buildDataset on fixture songs (FluidSynth)', () => {
  it('builds duple songs, excludes the triple one, and writes shards that read back', async () => {
    const manifest = await buildDataset({ pop909Dir: FIXTURES, outDir: cleanOut, songs: SONGS, seed: 3 }, { jobs: 2 });
    expect(manifest.summary).toMatchObject({ built: 3, excluded: 1, failed: 0 });
    const excluded = manifest.songs.find((s) => s.songId === '624');
    expect(excluded?.status).toBe('excluded');
    expect(excluded?.reason).toMatch(/not in duple metre/);
    // 3 built songs: one per split.
    expect(new Set(manifest.songs.filter((s) => s.status === 'built').map((s) => s.split))).toEqual(new Set(['train', 'valid', 'test']));
    expect(await readManifest(join(cleanOut, 'manifest.json'))).toEqual(manifest);

    const rows = await readSegments(join(cleanOut, 'manifest.json'));
    const total = manifest.songs.reduce((n, s) => n + (s.segments ?? 0), 0);
    expect(rows.length).toBe(total);
    expect(rows.length).toBeGreaterThan(20);
    const test = await readSegments(join(cleanOut, 'manifest.json'), { split: 'test' });
    expect(test.length).toBe(manifest.summary.segments.test);
    expect(test.every((r) => r.split === 'test')).toBe(true);

    for (const song of manifest.songs.filter((s) => s.status === 'built')) {
      const audioPath = join(cleanOut, song.audioPath as string);
      expect(await sha256File(audioPath)).toBe(song.audioSha256);
      const audio = await decodeAudioFile(audioPath);
      expect(audio.sampleRate).toBe(16000);
      const beats = song.beatSamples as number[];
      expect(beats.length).toBe(song.beatTimesSec?.length);
      expect(beats.at(-1)).toBeLessThanOrEqual(audio.samples.length);
      // The audio keeps the MIDI timeline: silence before the first accompaniment note, sound right after it.
      const midi = new tonejsMidi.Midi(await readFile(join(FIXTURES, song.songId, `${song.songId}.mid`)));
      const first = Math.min(...midi.tracks.filter((t) => /PIANO|BRIDGE/i.test(t.name)).flatMap((t) => t.notes.map((n) => n.time)));
      const rms = (fromSec: number, toSec: number): number => {
        let e = 0;
        const a = Math.max(0, Math.round(fromSec * 16000));
        const b = Math.round(toSec * 16000);
        for (let i = a; i < b; i++) e += audio.samples[i] ** 2;
        return Math.sqrt(e / Math.max(1, b - a));
      };
      if (first > 0.1) expect(rms(0, first - 0.03)).toBeLessThan(1e-3);
      expect(rms(first, first + 0.2)).toBeGreaterThan(3e-3);
    }
    for (const r of rows) {
      expect(r.beatSamples.length).toBe(9);
      expect(r.chords.length).toBe(8);
      const song = manifest.songs.find((s) => s.songId === r.songId);
      expect(Array.from(r.beatSamples)).toEqual(song?.beatSamples?.slice(r.startBeat, r.startBeat + 9));
      expect(r.audioPath).toBe(join(cleanOut, 'audio', `${r.songId}.wav`));
      expect(r.notes.every((n) => n.onsetStep >= 0 && n.onsetStep < 32)).toBe(true);
    }
  });

  it('reuses the per-song cache when nothing changed, giving byte-identical shards', async () => {
    const before = await shardBytes(cleanOut);
    const cached: boolean[] = [];
    await buildDataset({ pop909Dir: FIXTURES, outDir: cleanOut, songs: SONGS, seed: 3 }, { jobs: 2, onSong: (_, i) => cached.push(i.cached) });
    expect(cached).toEqual([true, true, true, true]);
    expect(await shardBytes(cleanOut)).toEqual(before);
  });

  it('resumes an interrupted build to byte-identical shards and leaves no half-written file', async () => {
    const out = join(root, 'interrupted');
    const controller = new AbortController();
    const run = buildDataset(
      { pop909Dir: FIXTURES, outDir: out, songs: SONGS, seed: 3 },
      { jobs: 1, signal: controller.signal, onSong: (r) => { if (r.status === 'built') controller.abort(new Error('interrupted')); } },
    );
    await expect(run).rejects.toThrow('interrupted');
    await expect(stat(join(out, 'manifest.json'))).rejects.toThrow();
    await expect(stat(join(out, 'shards'))).rejects.toThrow();
    const leftovers = (await readdir(out, { recursive: true })).filter((n) => String(n).includes('.tmp-'));
    expect(leftovers).toEqual([]);

    const cached: string[] = [];
    const manifest = await buildDataset({ pop909Dir: FIXTURES, outDir: out, songs: SONGS, seed: 3 }, { jobs: 2, onSong: (r, i) => { if (i.cached) cached.push(r.songId); } });
    expect(cached).toContain('098');
    expect(manifest.summary.built).toBe(3);
    expect(await shardBytes(out)).toEqual(await shardBytes(cleanOut));
  });
});

describe('bad input', () => {
  const input = join(root, 'broken-input');
  const out = join(root, 'broken-out');

  it('--on-error skip records the broken song (file and line) and builds the others; fail throws', async () => {
    for (const id of ['098', '764']) await cp(join(FIXTURES, id), join(input, id), { recursive: true });
    const beatFile = join(input, '764', 'beat_midi.txt');
    const lines = (await readFile(beatFile, 'utf8')).split('\n');
    lines[4] = 'not a number 1.0 0.0';
    await writeFile(beatFile, lines.join('\n'));

    const warnings: string[] = [];
    const manifest = await buildDataset({ pop909Dir: input, outDir: out }, { jobs: 1, onError: 'skip', onWarning: (w) => warnings.push(w) });
    expect(manifest.summary).toMatchObject({ built: 1, failed: 1 });
    // Only built songs take split slots; the splits left without a song are named.
    expect(manifest.songs.find((s) => s.songId === '098')?.split).toBe('train');
    expect(warnings).toEqual([
      'split "valid" is empty: 1 song(s) built for 3 split(s) with a positive ratio',
      'split "test" is empty: 1 song(s) built for 3 split(s) with a positive ratio',
    ]);
    const failed = manifest.songs.find((s) => s.songId === '764');
    expect(failed?.status).toBe('failed');
    expect(failed?.reason).toContain('song 764');
    expect(failed?.reason).toContain(`${beatFile}:5`);
    expect(manifest.shards.reduce((n, s) => n + s.rows, 0)).toBe(manifest.songs.find((s) => s.songId === '098')?.segments);

    const err = await buildDataset({ pop909Dir: input, outDir: out }, { jobs: 1, onError: 'fail' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe(beatFile);
    expect((err as InputError).line).toBe(5);
  });

  it('fails clearly on a missing FluidSynth, soundfont or song, and on an empty input folder', async () => {
    await expect(buildDataset({ pop909Dir: input, outDir: out, audio: { type: 'synth', fluidsynth: '/nonexistent/fluidsynth' } })).rejects.toThrow(/FluidSynth not found/);
    await expect(buildDataset({ pop909Dir: input, outDir: out, audio: { type: 'synth', soundfont: join(root, 'none.sf2') } })).rejects.toThrow(/soundfont not found/);
    await expect(buildDataset({ pop909Dir: input, outDir: out, songs: ['999'] })).rejects.toThrow(/no such song folder\(s\): 999/);
    await expect(buildDataset({ pop909Dir: join(root, 'nothing-here'), outDir: out })).rejects.toBeInstanceOf(InputError);
  });

  it('fails only the song with an unreadable input file (dangling link), building the others', async () => {
    const linked = join(root, 'linked-input');
    for (const id of ['098', '764']) await cp(join(FIXTURES, id), join(linked, id), { recursive: true });
    await symlink(join(root, 'does-not-exist.txt'), join(linked, '764', 'notes.txt'));
    const manifest = await buildDataset({ pop909Dir: linked, outDir: join(root, 'linked-out') }, { jobs: 1 });
    expect(manifest.summary).toMatchObject({ built: 1, failed: 1 });
    expect(manifest.songs.find((s) => s.songId === '764')?.reason).toBe(`song 764: ${join(linked, '764', 'notes.txt')}: cannot read file (ENOENT)`);
  });

  it('removes what a killed build left (scratch folder, temporary files) before building', async () => {
    const dead = join(root, 'leftovers');
    await mkdir(join(dead, 'tmp', 'a2s-synth-dead'), { recursive: true });
    await writeFile(join(dead, 'tmp', 'a2s-synth-dead', 'out.wav'), 'half a wav');
    await mkdir(join(dead, 'audio'), { recursive: true });
    await writeFile(join(dead, 'audio', '098.wav.tmp-123-abcd'), 'half');
    await mkdir(join(dead, 'cache', 'songs'), { recursive: true });
    await writeFile(join(dead, 'cache', 'songs', '098.arrow.tmp-123-abcd'), 'half');
    await writeFile(join(dead, 'manifest.json.tmp-123-abcd'), '{');
    await buildDataset({ pop909Dir: input, outDir: dead, songs: ['098'] });
    const names = (await readdir(dead, { recursive: true })).map(String);
    expect(names.filter((n) => n.includes('.tmp-') || n.startsWith('tmp'))).toEqual([]);
  });

  it('stores paths relative to the manifest: a copied dataset rebuilt in place has the same manifest', async () => {
    const first = join(root, 'movable');
    const manifest = await buildDataset({ pop909Dir: input, outDir: first, songs: ['098'] });
    expect(manifest.config.outDir).toBe('.');
    const copy = join(root, 'moved', 'elsewhere');
    await cp(first, copy, { recursive: true });
    await buildDataset({ pop909Dir: input, outDir: copy, songs: ['098'] });
    expect(await readFile(join(copy, 'manifest.json'), 'utf8')).toBe(await readFile(join(first, 'manifest.json'), 'utf8'));
  });

  it('--force re-renders a song to the same audio', async () => {
    const before = await buildDataset({ pop909Dir: input, outDir: out, songs: ['098'] });
    const cached: boolean[] = [];
    const after = await buildDataset({ pop909Dir: input, outDir: out, songs: ['098'] }, { force: true, onSong: (_, i) => cached.push(i.cached) });
    expect(cached).toEqual([false]);
    expect(after.songs[0].audioSha256).toBe(before.songs[0].audioSha256);
    expect(after.shards).toEqual(before.shards);
  });
});
