import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeWav } from '@a2s/dataset';
import { AUDIO_METRICS, notesToMidiBytes } from '@a2s/eval';
import { attachArrangeEval } from '../src/arrange-eval.ts';
import { buildProgram } from '../src/main.ts';

let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a2s arrange --eval', () => {
  it('is offered by the real program', () => {
    const arrange = buildProgram().commands.find((c) => c.name() === 'arrange')!;
    expect(arrange.options.map((o) => o.long)).toContain('--eval');
  });

  it('after the arrange action, judges the written MIDI against the recording and prints the metrics', async () => {
    dir = await mkdtemp(join(tmpdir(), 'a2s-arrange-eval-'));
    // A recording: C major and F major triads, one per beat at 120 BPM, as decaying sines.
    const sr = 16000;
    const x = new Float32Array(sr * 8);
    const notes: { onsetSec: number; offsetSec: number; pitch: number; velocity: number }[] = [];
    for (let b = 0; b < 16; b++) {
      const chord = b % 8 < 4 ? [48, 64, 67, 72] : [53, 65, 69, 72];
      for (const p of chord) {
        notes.push({ onsetSec: b * 0.5, offsetSec: b * 0.5 + 0.45, pitch: p, velocity: 90 });
        const f = 440 * 2 ** ((p - 69) / 12);
        for (let i = 0; i < sr * 0.45; i++) x[Math.round(b * 0.5 * sr) + i] += 0.1 * Math.sin((2 * Math.PI * f * i) / sr) * Math.exp(-i / (sr * 0.3));
      }
    }
    const audio = join(dir, 'song.wav');
    await writeWav(audio, x, sr);
    // A stand-in for the model's arrange command: writes the arrangement MIDI where arrange would.
    const program = new Command('a2s').exitOverride();
    program
      .command('arrange')
      .argument('<audio>')
      .option('-o, --output <file>')
      .option('--beats <file>')
      .option('-q, --quiet')
      .action(async (_audio: string, o: { output: string }) => writeFile(o.output, notesToMidiBytes(notes)));
    attachArrangeEval(program);
    let out = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await program.parseAsync(['node', 'a2s', 'arrange', audio, '-o', join(dir, 'song-piano.mid'), '--eval', join(dir, 'eval'), '-q']);
    } finally {
      write.mockRestore();
      err.mockRestore();
    }
    // 16 beats of two chords: every harmony and timing metric is printed (Qmax needs ≥ 10 beats of both, RGC
    // and IPE at least two distinct inter-onset intervals: left out here).
    for (const m of AUDIO_METRICS.filter((x) => x.name.startsWith('audio.') && x.name !== 'audio.cover.qmax')) expect(out, m.name).toContain(m.name);
    expect(out).toMatch(/audio\.chord\.root\.agree\s+1\.000/);
    const cosine = Number(/audio\.chroma\.render\.cosine\s+([\d.]+)/.exec(out)![1]);
    expect(cosine).toBeGreaterThan(0.8);
    expect((await stat(join(dir, 'eval', 'summary.json'))).isFile()).toBe(true);
  }, 60_000);
});
