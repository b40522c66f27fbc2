import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { a2s, a2sOk, FIXTURE_POP909, requireCluster } from './helpers.ts';

// Five fixture songs built through the real Slurm cluster of deploy/slurm (3 array tasks + the dependent
// assembly job) and locally, into the same folder one after the other: the outputs are byte-identical.
let dir = '';

beforeAll(async () => {
  await requireCluster();
  dir = await mkdtemp(join(tmpdir(), 'a2s-slurm-build-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * sha256 of every file under `root` by relative path, except the Slurm logs and scripts and the per-song
 * cache records (`cache/songs/<id>.json`), which hold the modification time of the song's audio file and so
 * differ between any two builds, local ones included.
 */
async function hashes(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (relative(root, p) !== 'slurm') await walk(p);
      } else if (!/^cache\/songs\/[^/]+\.json$/.test(relative(root, p))) out[relative(root, p)] = createHash('sha256').update(await readFile(p)).digest('hex');
    }
  };
  await walk(root);
  return out;
}

describe('a2s data build --executor slurm', () => {
  it('fans 5 songs out over array tasks, assembles after them, and matches a local build byte for byte', async () => {
    const args = ['data', 'build', '--pop909', FIXTURE_POP909, '--out', 'ds', '--limit', '5', '--no-progress'];
    const local = await a2sOk([...args, '--jobs', '1'], dir);
    expect(local.stdout).toMatch(/^4 songs built, 1 excluded, 0 failed/); // one fixture song is not in duple metre
    await rename(join(dir, 'ds'), join(dir, 'ds-local'));

    const r = await a2sOk([...args, '--executor', 'slurm', '--array-tasks', '3', '--wait', '--poll', '1'], dir);
    expect(r.stderr).toMatch(/submitted job array \d+ \(3 tasks filling the per-song cache of 5 songs\) and job \d+ \(shards \+ manifest, after \d+ succeeds\)/);
    expect(r.stdout).toBe(local.stdout);
    // Every song was processed by exactly one array task (its log says so).
    const logs = join(dir, 'ds', 'slurm', 'logs');
    const parts = (await readdir(logs)).filter((n) => n.startsWith('part-')).sort();
    expect(parts).toEqual(['part-000', 'part-001', 'part-002']);
    const built = await Promise.all(parts.map(async (p) => {
      const files = await readdir(join(logs, p));
      return (await readFile(join(logs, p, files[0]), 'utf8')).match(/^\d{3}: (built|excluded)/gm) ?? [];
    }));
    expect(built.flat().length).toBe(5);

    const localFiles = await hashes(join(dir, 'ds-local'));
    const slurmBuilt = await hashes(join(dir, 'ds'));
    for (const kind of ['manifest.json', 'shards/', 'audio/', 'cache/songs/']) expect(Object.keys(localFiles).some((p) => p.startsWith(kind))).toBe(true);
    expect(slurmBuilt).toEqual(localFiles);
    expect((await stat(join(dir, 'ds', 'manifest.json'))).size).toBeGreaterThan(0);
  }, 1_800_000);

  it('an unknown partition names the build and submits nothing', async () => {
    const r = await a2s(['data', 'build', '--pop909', FIXTURE_POP909, '--out', 'ds2', '--limit', '2', '--executor', 'slurm', '--partition', 'nope'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/partition 'nope' does not exist .*nothing submitted for dataset .*ds2 \(2 songs in 2 tasks\)/);
  }, 300_000);
});
