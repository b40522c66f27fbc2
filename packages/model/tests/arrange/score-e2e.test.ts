/**
 * `a2s arrange --score --pdf --svg` end to end: POP909 fixture song 098 rendered with FluidSynth, arranged by
 * the bundled model, engraved. The score is schema-valid, notates the same notes as the MIDI written beside
 * it, and its pages are plausible (systems for the measures, no empty page).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScore, checkPlayability, LEVELS, midiToScoreSource, readMusicXml, type ReadScore } from '@a2s/score';
import { registerArrangeCommand } from '../../src/arrange/index.ts';

const SONG = path.resolve(import.meta.dirname, '../../../../data/fixtures/pop909/098');
const SCHEMA = path.resolve(import.meta.dirname, '../../../score/schema');
const SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';

let dir: string;
let read: ReadScore;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-arrange-score-'));
  const wav = path.join(dir, '098.wav');
  await promisify(execFile)('fluidsynth', ['-ni', '-F', wav, '-r', '16000', '-g', '0.8', SOUNDFONT, path.join(SONG, '098.mid')]);
  const program = new Command('a2s').exitOverride();
  registerArrangeCommand(program);
  await program.parseAsync(['node', 'a2s', 'arrange', wav, '-o', path.join(dir, '098.mid'), '--score', path.join(dir, '098.musicxml'),
    '--pdf', path.join(dir, '098.pdf'), '--svg', path.join(dir, '098.svg'), '-q']);
  read = readMusicXml(await fs.readFile(path.join(dir, '098.musicxml'), 'utf8'));
}, 300_000);

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('a2s arrange --score --pdf --svg on fixture song 098', () => {
  it('writes a MusicXML score that validates against the MusicXML 4.0 schema', async () => {
    const { stderr } = await promisify(execFile)('xmllint', ['--noout', '--nonet', '--schema', path.join(SCHEMA, 'musicxml.xsd'), path.join(dir, '098.musicxml')], {
      env: { ...process.env, XML_CATALOG_FILES: path.join(SCHEMA, 'catalog.xml') },
    });
    expect(stderr).toContain('validates');
  });

  it('notates the notes of the MIDI file (same onsets and pitches relative to the first note) but the unplayable ones, with no violation', async () => {
    const midi = midiToScoreSource(await fs.readFile(path.join(dir, '098.mid')), '098.mid');
    const first = Math.min(...midi.notes.map((n) => n.onsetStep));
    const firstDiv = Math.min(...read.notes.map((n) => n.onsetDiv));
    // Written quarters per MIDI beat: 1 or 2 (readable-tempo rule); the score's tempo tells which.
    const factor = Math.round((read.tempos[0].bpm * (midi.beatTimesSec![9] - midi.beatTimesSec![8])) / 60);
    expect([1, 2]).toContain(factor);
    const fromMidi = new Set(midi.notes.map((n) => `${(n.onsetStep - first) * factor}/${n.pitch}`));
    const fromScore = new Set(read.notes.map((n) => `${n.onsetDiv - firstDiv}/${n.pitch}`));
    // Every written note is a note of the MIDI file; the ones missing are exactly those the full level leaves
    // out as unplayable (more keys or a wider reach than one hand has), counted by the same rules from the MIDI.
    for (const k of fromScore) expect(fromMidi.has(k), k).toBe(true);
    const dropped = buildScore(midi, { level: 'full', beatFactor: factor as 1 | 2 }).changes.dropped;
    expect(fromMidi.size - fromScore.size).toBe(dropped);
    expect(dropped).toBeLessThanOrEqual(0.05 * fromMidi.size);
    expect(checkPlayability(read.notes, LEVELS.full).violations).toEqual([]);
    for (const m of read.measures) for (const total of m.voiceDiv.values()) expect(total).toBe(m.implicit ? m.lengthDiv : m.expectedDiv);
  });

  it('engraves plausible pages: every page has systems and notes, systems fit the measure count', async () => {
    const files = (await fs.readdir(dir)).filter((f) => /^098-\d+\.svg$/.test(f)).sort();
    expect(files.length).toBeGreaterThanOrEqual(1);
    let systems = 0;
    for (const f of files) {
      const svg = await fs.readFile(path.join(dir, f), 'utf8');
      const s = (svg.match(/class="system"/g) ?? []).length;
      expect(s, f).toBeGreaterThan(0);
      expect((svg.match(/class="note"/g) ?? []).length, f).toBeGreaterThan(0);
      systems += s;
    }
    expect(systems).toBeGreaterThanOrEqual(Math.ceil(read.measures.length / 8));
    expect(systems).toBeLessThanOrEqual(Math.ceil(read.measures.length / 2));
    const pdf = (await fs.readFile(path.join(dir, '098.pdf'))).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(read.harmonies.length).toBeGreaterThan(0);
  });
});
