import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/build/build.ts';
import { DatasetConfigSchema } from '../../src/build/config.ts';
import { readManifest, readSegments } from '../../src/build/manifest.ts';
import { parseSplitsFrom } from '../../src/cli/build.ts';
import { InputError } from '../../src/util/errors.ts';
import { sha256File } from '../../src/util/fs.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../data/fixtures/pop909');
const root = await mkdtemp(join(tmpdir(), 'a2s-splits-from-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const first = join(root, 'first');
const firstManifest = join(first, 'manifest.json');
const built = (m: { songs: { songId: string; status: string; split: string }[] }, split: string): string[] =>
  m.songs.filter((s) => s.status === 'built' && s.split === split).map((s) => s.songId).sort();

describe('splitsFrom: the songs and splits of another dataset', () => {
  it('builds exactly the test songs of a first build, all in test, with the source recorded', async () => {
    const a = await buildDataset({ pop909Dir: FIXTURES, outDir: first, songs: ['098', '331', '764'], seed: 3 }, { jobs: 2 });
    expect(a.summary.built).toBe(3);
    const testIds = built(a, 'test');
    expect(testIds).toHaveLength(1);

    // A relative manifest path resolves against the working directory; a different seed renders other audio.
    const rel = relative(process.cwd(), firstManifest);
    const warnings: string[] = [];
    const b = await buildDataset(
      { pop909Dir: FIXTURES, outDir: join(root, 'heldout'), seed: 11, splitsFrom: { manifest: rel, splits: ['test'] } },
      { jobs: 2, onWarning: (w) => warnings.push(w) },
    );
    expect(warnings).toEqual([]);
    expect(b.songs.map((s) => s.songId)).toEqual(testIds);
    expect(b.songs.every((s) => s.split === 'test' && s.status === 'built')).toBe(true);
    expect(built(b, 'train')).toEqual([]);
    expect(built(b, 'valid')).toEqual([]);
    expect(b.summary.segments.train + b.summary.segments.valid).toBe(0);
    expect(b.summary.segments.test).toBeGreaterThan(0);
    const rows = await readSegments(join(root, 'heldout', 'manifest.json'));
    expect(new Set(rows.map((r) => r.songId))).toEqual(new Set(testIds));
    expect(rows.every((r) => r.split === 'test')).toBe(true);
    // Same song, other rendering: the audio differs from the first build's.
    expect(b.songs[0].audioSha256).not.toBe(a.songs.find((s) => s.songId === testIds[0])?.audioSha256);
    // Recorded: the config (absolute manifest path, as other input paths) and the source manifest's SHA-256.
    expect(b.config.splitsFrom).toEqual({ manifest: firstManifest, splits: ['test'] });
    expect(b.inputs.splitsFrom).toEqual({ path: firstManifest, sha256: await sha256File(firstManifest) });
    expect(await readManifest(join(root, 'heldout', 'manifest.json'))).toEqual(b);
  });

  it('takes several splits, each song in its own split; songs/limit narrow the selection', async () => {
    const a = await readManifest(firstManifest);
    const splitsFrom = { manifest: firstManifest, splits: ['valid', 'test'] as ('valid' | 'test')[] };
    const b = await buildDataset({ pop909Dir: FIXTURES, outDir: join(root, 'two'), seed: 3, splitsFrom }, { jobs: 2 });
    expect(built(b, 'valid')).toEqual(built(a, 'valid'));
    expect(built(b, 'test')).toEqual(built(a, 'test'));
    expect(built(b, 'train')).toEqual([]);

    const one = built(a, 'valid')[0];
    const narrowed = await buildDataset({ pop909Dir: FIXTURES, outDir: join(root, 'two'), seed: 3, splitsFrom, songs: [one] }, { jobs: 1 });
    expect(narrowed.songs.map((s) => [s.songId, s.split])).toEqual([[one, 'valid']]);
    const limited = await buildDataset({ pop909Dir: FIXTURES, outDir: join(root, 'two'), seed: 3, splitsFrom, limit: 1 }, { jobs: 1 });
    expect(limited.songs.map((s) => s.songId)).toEqual([[...built(a, 'valid'), ...built(a, 'test')].sort()[0]]);
    // A song outside the selection is refused, naming the manifest.
    const trainId = built(a, 'train')[0];
    const err = await buildDataset({ pop909Dir: FIXTURES, outDir: join(root, 'two'), splitsFrom, songs: [trainId] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe(firstManifest);
    expect((err as Error).message).toContain(`songs ${trainId} are not built in split(s) valid, test`);
  });

  it('records a song that fails here as failed, in the split it has there', async () => {
    const a = await readManifest(firstManifest);
    const testId = built(a, 'test')[0];
    const input = join(root, 'broken-input');
    for (const s of a.songs) await cp(join(FIXTURES, s.songId), join(input, s.songId), { recursive: true });
    await writeFile(join(input, testId, 'chord_midi.txt'), '0.1\t0.5\tQ:weird\n');
    const warnings: string[] = [];
    const b = await buildDataset(
      { pop909Dir: input, outDir: join(root, 'broken-out'), splitsFrom: { manifest: firstManifest, splits: ['valid', 'test'] } },
      { jobs: 1, onWarning: (w) => warnings.push(w) },
    );
    expect(b.summary).toMatchObject({ built: 1, failed: 1 });
    expect(b.songs.find((s) => s.songId === testId)).toMatchObject({ status: 'failed', split: 'test' });
    expect(warnings).toEqual([`split "test" is empty: none of its songs in ${firstManifest} was built here (1 song(s) built)`]);
  });

  it('fails clearly on a missing or invalid manifest, on splits without a built song, and on missing song folders', async () => {
    const out = join(root, 'bad');
    const missing = join(root, 'nope', 'manifest.json');
    const e1 = await buildDataset({ pop909Dir: FIXTURES, outDir: out, splitsFrom: { manifest: missing, splits: ['test'] } }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(InputError);
    expect((e1 as InputError).file).toBe(missing);
    expect((e1 as Error).message).toMatch(/cannot read manifest/);

    const notManifest = join(root, 'not-a-manifest.json');
    await writeFile(notManifest, '{"kind": "something else"}');
    await expect(buildDataset({ pop909Dir: FIXTURES, outDir: out, splitsFrom: { manifest: notManifest, splits: ['test'] } })).rejects.toThrow(/not-a-manifest\.json: not a dataset manifest/);

    // Every song moved to train: no built song in test.
    const a = JSON.parse(await readFile(firstManifest, 'utf8')) as { songs: { split: string }[] };
    for (const s of a.songs) s.split = 'train';
    const allTrain = join(root, 'all-train.json');
    await writeFile(allTrain, JSON.stringify(a));
    const e2 = await buildDataset({ pop909Dir: FIXTURES, outDir: out, splitsFrom: { manifest: allTrain, splits: ['test'] } }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(InputError);
    expect((e2 as Error).message).toBe(`${allTrain}: splitsFrom: no built song in split(s) test of this manifest`);

    // The source's songs must exist in this build's input folder.
    const src = await readManifest(firstManifest);
    const testId = built(src, 'test')[0];
    const partial = join(root, 'without-test-song');
    for (const s of src.songs.filter((x) => x.songId !== testId)) await cp(join(FIXTURES, s.songId), join(partial, s.songId), { recursive: true });
    await expect(buildDataset({ pop909Dir: partial, outDir: out, splitsFrom: { manifest: firstManifest, splits: ['test'] } })).rejects.toThrow(`no such song folder(s): ${testId}`);
  });

  it('validates the config strictly and parses --splits-from', () => {
    expect(DatasetConfigSchema.parse({ splitsFrom: { manifest: 'm.json' } }).splitsFrom).toEqual({ manifest: 'm.json', splits: ['test'] });
    expect(DatasetConfigSchema.safeParse({ splitsFrom: { manifest: 'm.json', splits: ['tset'] } }).success).toBe(false);
    expect(DatasetConfigSchema.safeParse({ splitsFrom: { manifest: 'm.json', splits: [] } }).success).toBe(false);
    expect(DatasetConfigSchema.safeParse({ splitsFrom: { manifest: 'm.json', extra: 1 } }).success).toBe(false);
    expect(parseSplitsFrom('data/x/manifest.json')).toEqual({ manifest: 'data/x/manifest.json', splits: ['test'] });
    expect(parseSplitsFrom('data/x/manifest.json:valid,test')).toEqual({ manifest: 'data/x/manifest.json', splits: ['valid', 'test'] });
    expect(parseSplitsFrom('C:/x/manifest.json')).toEqual({ manifest: 'C:/x/manifest.json', splits: ['test'] });
    expect(() => parseSplitsFrom('m.json:tset')).toThrow(/splits of train, valid, test \(got tset\)/);
    expect(() => parseSplitsFrom(':test')).toThrow(/expected <manifest.json>/);
  });
});
