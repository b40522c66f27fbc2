import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Midi } from '@tonejs/midi';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, writeWav } from '@a2s/dataset';
import { BUNDLED_MODEL_DIR, registerArrangeCommand } from '../../src/arrange/index.ts';
import type { ModelSource } from '../../src/arrange/types.ts';
import { synthSong } from './synth-song.ts';
import { testModel } from './test-arranger.ts';

const SR = 22050;
let dir: string;
let wav: string;
let runDir: string;
let beats: Float64Array;

async function arrange(args: string[], withModel = true): Promise<void> {
  const program = new Command('a2s').exitOverride();
  registerArrangeCommand(program, withModel ? { loadModel: async () => testModel(), defaultModelDir: path.join(dir, 'no-bundled-model') } : {});
  await program.parseAsync(['node', 'a2s', 'arrange', ...args]);
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-arrange-'));
  const song = synthSong({ sampleRate: SR, bpm: 90, bars: 5 });
  beats = song.beatTimesSec;
  wav = path.join(dir, 'song.wav');
  await writeWav(wav, song.samples, SR);
  runDir = path.join(dir, 'run');
  await fs.mkdir(runDir);
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('a2s arrange', () => {
  it('writes a piano MIDI file and the JSON summary', async () => {
    const out = path.join(dir, 'out.mid');
    const json = path.join(dir, 'out.json');
    await arrange([wav, '-o', out, '--run', runDir, '--emit-json', json, '-q']);
    const midi = new Midi(await fs.readFile(out));
    expect(midi.tracks[0].notes.length).toBeGreaterThan(20);
    expect(midi.tracks[0].instrument.number).toBe(0);
    const summary = JSON.parse(await fs.readFile(json, 'utf8'));
    expect(summary.beatsPerBar).toBe(4);
    expect(summary.chords.length).toBe(summary.beatTimesSec.length);
    expect(summary.notes.length).toBe(midi.tracks[0].notes.length);
    expect(summary.beatSource).toBe('tracked');
  });

  it('takes beats and chords from POP909-format files', async () => {
    const beatFile = path.join(dir, 'beat_audio.txt');
    const chordFile = path.join(dir, 'chord_audio.txt');
    await fs.writeFile(beatFile, Array.from(beats, (t, i) => `${t.toFixed(3)}\t${(i % 4) + 1}.0`).join('\n'));
    await fs.writeFile(chordFile, `0.0\t${beats[beats.length - 1] + 1}\tD:min7\n`);
    const json = path.join(dir, 'files.json');
    await arrange([wav, '-o', path.join(dir, 'files.mid'), '--checkpoint', wav, '--beats', beatFile, '--chords', chordFile, '--emit-json', json, '-q']);
    const summary = JSON.parse(await fs.readFile(json, 'utf8'));
    expect(summary.beatTimesSec).toEqual(Array.from(beats, (t) => Math.round(t * 1000) / 1000));
    expect(summary.downbeatBeats).toEqual([0, 4, 8, 12, 16]);
    expect(new Set(summary.chords)).toEqual(new Set(['D:min7']));
    expect(summary.chordSource).toBe('file');
  });

  it('uses the bundled model when neither --run nor --checkpoint is given', async () => {
    const bundled = path.join(dir, 'bundled');
    await fs.mkdir(bundled, { recursive: true });
    await fs.writeFile(path.join(bundled, 'header.json'), '{}');
    const seen: ModelSource[] = [];
    const program = new Command('a2s').exitOverride();
    registerArrangeCommand(program, { defaultModelDir: bundled, loadModel: async (src) => (seen.push(src), testModel()) });
    await program.parseAsync(['node', 'a2s', 'arrange', wav, '-o', path.join(dir, 'bundled.mid'), '-q']);
    expect(seen.map((s) => s.checkpoint)).toEqual([bundled]);
    expect((await fs.stat(path.join(dir, 'bundled.mid'))).size).toBeGreaterThan(0);
    // the chord-bass rule: off with recognized chords (no bass of their own), the model's with --chords, else the flag
    const chordFile = path.join(dir, 'bundled-chords.txt');
    await fs.writeFile(chordFile, `0.0\t${beats[beats.length - 1] + 1}\tD:min7/b3\n`);
    await program.parseAsync(['node', 'a2s', 'arrange', wav, '-o', path.join(dir, 'bundled.mid'), '--chords', chordFile, '-q']);
    await program.parseAsync(['node', 'a2s', 'arrange', wav, '-o', path.join(dir, 'bundled.mid'), '--chord-bass', 'release', '-q']);
    expect(seen.map((s) => s.chordBass)).toEqual(['off', undefined, 'release']);
    await expect(program.parseAsync(['node', 'a2s', 'arrange', wav, '-o', path.join(dir, 'bundled.mid'), '--chord-bass', 'lowest', '-q'])).rejects.toThrow(/--chord-bass/);
    // The package ships one: a2s arrange works right after install.
    expect(JSON.parse(await fs.readFile(path.join(BUNDLED_MODEL_DIR, 'model-card.json'), 'utf8')).parameters).toBeGreaterThan(100_000);
  });

  it('fails clearly: missing checkpoint, unreadable audio, silence, too short, 3/4', async () => {
    const out = path.join(dir, 'x.mid');
    await expect(arrange([wav, '-o', out, '-q'])).rejects.toThrow(/missing checkpoint/);
    await expect(arrange([wav, '-o', out, '--run', path.join(dir, 'nope'), '-q'])).rejects.toThrow(/run folder not found/);
    await expect(arrange([wav, '-o', out, '--run', runDir, '-q'], false)).rejects.toBeInstanceOf(InputError);

    const garbage = path.join(dir, 'garbage.wav');
    await fs.writeFile(garbage, 'this is not audio');
    await expect(arrange([garbage, '-o', out, '--run', runDir, '-q'])).rejects.toBeInstanceOf(InputError);

    const silent = path.join(dir, 'silent.wav');
    await writeWav(silent, new Float32Array(SR * 5), SR);
    await expect(arrange([silent, '-o', out, '--run', runDir, '-q'])).rejects.toThrow(/silent/);

    const short = path.join(dir, 'short.wav');
    await writeWav(short, synthSong({ sampleRate: SR, bpm: 90, bars: 1 }).samples, SR);
    await expect(arrange([short, '-o', out, '--run', runDir, '-q'])).rejects.toThrow(/too short/);

    const waltz = path.join(dir, 'waltz.txt');
    await fs.writeFile(waltz, Array.from(beats, (t, i) => `${t.toFixed(3)}\t${(i % 3) + 1}.0`).join('\n'));
    await expect(arrange([wav, '-o', out, '--run', runDir, '--beats', waltz, '-q'])).rejects.toThrow(/3\/4 metre is not supported/);
    await expect(fs.access(out)).rejects.toThrow();
  });
});
