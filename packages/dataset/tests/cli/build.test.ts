import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { registerDatasetCommands } from '../../src/cli/index.ts';
import { readManifest } from '../../src/build/manifest.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../data/fixtures/pop909');
const root = await mkdtemp(join(tmpdir(), 'a2s-cli-'));
afterAll(() => rm(root, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

function program(): Command {
  const p = new Command('a2s').exitOverride();
  registerDatasetCommands(p);
  return p;
}

function capture(): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  return { out: () => out, err: () => err };
}

describe('a2s data build', () => {
  it('documents its options in --help', async () => {
    const p = program();
    let help = '';
    p.commands[0].commands[0].configureOutput({ writeOut: (s) => (help += s) });
    await expect(p.parseAsync(['node', 'a2s', 'data', 'build', '--help'])).rejects.toThrow();
    for (const flag of ['--pop909', '--out', '--songs', '--limit', '--jobs', '--force', '--seed', '--audio-dir', '--sample-rate', '--render-melody', '--on-error', '--config', '--splits-from']) {
      expect(help).toContain(flag);
    }
  });

  it('builds from flags + config file, prints a summary, and exits 1 when a song failed', async () => {
    const input = join(root, 'in');
    await cp(join(FIXTURES, '624'), join(input, '624'), { recursive: true });
    await cp(join(FIXTURES, '764'), join(input, '764'), { recursive: true });
    await writeFile(join(input, '764', 'chord_midi.txt'), '0.1\t0.5\tQ:weird\n');
    const configFile = join(root, 'config.json');
    await writeFile(configFile, JSON.stringify({ seed: 42, split: { train: 0.5, valid: 0.5, test: 0 } }));
    const out = join(root, 'out');
    const io = capture();
    await program().parseAsync(['node', 'a2s', 'data', 'build', '--pop909', input, '--out', out, '--config', configFile, '--jobs', '1', '--sample-rate', '22050', '--no-progress']);
    expect(process.exitCode).toBe(1);
    expect(io.out()).toContain('0 songs built, 1 excluded, 1 failed');
    expect(io.err()).toMatch(/failed: song 764: .*chord_midi\.txt:1/);
    const manifest = await readManifest(join(out, 'manifest.json'));
    expect(manifest.config.seed).toBe(42);
    expect(manifest.config.sampleRate).toBe(22050);
    expect(manifest.config.split).toEqual({ train: 0.5, valid: 0.5, test: 0 });
    expect(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')).songs).toHaveLength(2);
  });

  it('rejects bad flag values and bad config files with clear messages', async () => {
    const io = capture();
    await expect(program().parseAsync(['node', 'a2s', 'data', 'build', '--on-error', 'maybe'])).rejects.toThrow();
    expect(io.err()).toMatch(/--on-error.*maybe.*(skip|fail)/s);
    await expect(program().parseAsync(['node', 'a2s', 'data', 'build', '--jobs', '0'])).rejects.toThrow();
    const bad = join(root, 'bad.json');
    await writeFile(bad, JSON.stringify({ sampleRate: 'fast' }));
    await expect(program().parseAsync(['node', 'a2s', 'data', 'build', '--config', bad])).rejects.toThrow(/invalid dataset config: sampleRate/);
    await expect(program().parseAsync(['node', 'a2s', 'data', 'build', '--audio-dir', root, '--render-melody'])).rejects.toThrow(/--render-melody/);
  });
});
