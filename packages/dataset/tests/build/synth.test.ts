import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import tonejsMidi from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { DatasetConfigSchema, type SynthAudioConfig } from '../../src/build/config.ts';
import { drawPrograms, fluidsynthVersion, midiWithPrograms, removeDeadSynthDirs } from '../../src/build/synth.ts';
import { InputError } from '../../src/util/errors.ts';
import { createRng } from '../../src/util/rng.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../data/fixtures/pop909');
const synth = DatasetConfigSchema.parse({}).audio as SynthAudioConfig;

describe('synthesis MIDI', () => {
  it('draws programs per song deterministically from the pool; MELODY only when rendered', () => {
    const a = drawPrograms(synth, createRng(5).fork('programs/001'));
    const b = drawPrograms(synth, createRng(5).fork('programs/001'));
    expect(a).toEqual(b);
    expect(a.MELODY).toBeUndefined();
    expect(synth.accompanimentPrograms).toContain(a.PIANO);
    expect(synth.accompanimentPrograms).toContain(a.BRIDGE);
    const withMelody = drawPrograms({ ...synth, renderMelody: true }, createRng(5).fork('programs/001'));
    expect(withMelody.PIANO).toBe(a.PIANO);
    expect(synth.melodyPrograms).toContain(withMelody.MELODY);
    const songs = Array.from({ length: 40 }, (_, i) => drawPrograms(synth, createRng(5).fork(`programs/${i}`)).PIANO);
    expect(new Set(songs).size).toBeGreaterThan(5);
  });

  it('keeps only the rendered tracks, with their programs, on the original timeline', async () => {
    const path = `${FIXTURES}/098/098.mid`;
    const bytes = await readFile(path);
    const out = new tonejsMidi.Midi(midiWithPrograms(bytes, { PIANO: 48, BRIDGE: 25 }, path));
    const orig = new tonejsMidi.Midi(bytes);
    expect(out.tracks.map((t) => t.name.toUpperCase()).sort()).toEqual(['BRIDGE', 'PIANO']);
    for (const t of out.tracks) {
      const name = t.name.toUpperCase();
      expect(t.instrument.number).toBe(name === 'PIANO' ? 48 : 25);
      expect(t.channel).not.toBe(9);
      const o = orig.tracks.find((x) => x.name.toUpperCase() === name);
      expect(t.notes.length).toBe(o?.notes.length);
      t.notes.forEach((n, i) => {
        expect(n.time).toBeCloseTo(o?.notes[i].time ?? -1, 6);
        expect(n.duration).toBeCloseTo(o?.notes[i].duration ?? -1, 6);
        expect(n.midi).toBe(o?.notes[i].midi);
        expect(n.velocity).toBeCloseTo(o?.notes[i].velocity ?? -1, 6);
      });
      for (const [cc, changes] of Object.entries(o?.controlChanges ?? {})) {
        expect(t.controlChanges[Number(cc)]?.map((c) => [c.ticks, c.value])).toEqual(changes.map((c) => [c.ticks, c.value]));
      }
    }
  });

  it('rejects an unreadable MIDI file and reports a missing FluidSynth clearly', async () => {
    expect(() => midiWithPrograms(new Uint8Array([1, 2, 3]), { PIANO: 0 }, 'x.mid', '001')).toThrow(InputError);
    await expect(fluidsynthVersion('/nonexistent/fluidsynth')).rejects.toThrow(/FluidSynth not found/);
    await expect(fluidsynthVersion('fluidsynth')).resolves.toMatch(/FluidSynth/i);
  });
});

describe('scratch folders of killed renders', () => {
  it('removes a2s-synth-<pid>-* folders of dead processes, keeps live and unknown ones', async () => {
    const root = await mkdtemp(join(tmpdir(), 'a2s-synth-root-'));
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    for (const name of [`a2s-synth-${dead}-aaaa`, `a2s-synth-${process.pid}-bbbb`, 'a2s-synth-cccc', 'other']) await mkdir(join(root, name, 'x'), { recursive: true });
    await removeDeadSynthDirs(root);
    expect((await readdir(root)).sort()).toEqual([`a2s-synth-${process.pid}-bbbb`, 'a2s-synth-cccc', 'other']);
    await rm(root, { recursive: true, force: true });
  });
});
