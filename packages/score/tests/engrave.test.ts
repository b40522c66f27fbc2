/** Engraving with Verovio: a fixture song's score as SVG pages and PDF; the CLI writes them atomically. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInputError } from '@a2s/dataset';
import { registerScoreCommands } from '../src/cli/index.ts';
import { buildScore, engraveMusicXml, portableSvg, svgPagesToPdf, svgToPng, writeMusicXml, type Engraving } from '../src/index.ts';
import { FIXTURES, fixtureSource, validateMusicXml } from './helpers.ts';

let dir: string;
let engraving: Engraving;
let measures: number;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-score-engrave-'));
  const score = buildScore(await fixtureSource('331'), { level: 'full' });
  measures = score.measures.length;
  engraving = await engraveMusicXml(writeMusicXml(score));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<void> {
  const program = new Command('a2s').exitOverride();
  registerScoreCommands(program);
  await program.parseAsync(['node', 'a2s', ...args]);
}

describe('engraving', () => {
  it('engraves A4 pages with a plausible number of systems and no empty page', () => {
    const systems = engraving.systemsPerPage.reduce((a, b) => a + b, 0);
    expect(engraving.pages.length).toBeGreaterThanOrEqual(1);
    expect(engraving.pages.length).toBeLessThanOrEqual(Math.ceil(measures / 8));
    // A grand-staff system of this density holds 2–8 measures.
    expect(systems).toBeGreaterThanOrEqual(Math.ceil(measures / 8));
    expect(systems).toBeLessThanOrEqual(Math.ceil(measures / 2));
    for (const page of engraving.pages) {
      expect((page.match(/class="system"/g) ?? []).length).toBeGreaterThan(0);
      expect((page.match(/class="note"/g) ?? []).length).toBeGreaterThan(0);
    }
    expect(engraving.widthPx / engraving.heightPx).toBeCloseTo(210 / 297, 2);
  });

  it('leaves no music-font text glyph that plain SVG renderers cannot draw', () => {
    for (const page of engraving.pages) expect(page).not.toMatch(/font-family="Leipzig"[^>]*>[\uE000-\uF8FF]/);
    expect(portableSvg('<tspan font-family="Leipzig" font-size="720px">\uEA64</tspan>')).toBe('<tspan font-family="DejaVu Sans" font-size="432px">\u266D</tspan>');
  });

  it('is deterministic, and an excerpt is one page cut to the music', async () => {
    const xml = writeMusicXml(buildScore(await fixtureSource('098'), { level: 'easy' }));
    const [x, y] = [await engraveMusicXml(xml), await engraveMusicXml(xml)];
    expect(x.pages).toEqual(y.pages);
    const excerpt = await engraveMusicXml(xml, { excerpt: true, pageHeight: 60000 });
    expect(excerpt.pages).toHaveLength(1);
    expect(excerpt.heightPx).toBeLessThan(excerpt.widthPx * 2);
    expect(excerpt.pages[0]).not.toContain('POP909 098');
  });

  it('rasterises the first page to PNG', () => {
    const png = svgToPng(engraving.pages[0], 400);
    expect(Buffer.from(png.subarray(1, 4)).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);
  });

  it('writes a PDF with one A4 page per SVG page', async () => {
    const pdf = Buffer.from(await svgPagesToPdf(engraving.pages, { compress: false }));
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect((text.match(/\/Type \/Page\b/g) ?? []).length).toBe(engraving.pages.length);
    expect(text).toContain('/MediaBox [0 0 595.28 841.89]');
    // Vector notation: the page content draws many curves.
    expect((text.match(/ c\n/g) ?? []).length).toBeGreaterThan(1000);
  });
});

describe('a2s score', () => {
  it('writes MusicXML, SVG pages and PDF from a MIDI file, at a level, with the annotated key', async () => {
    const midi = path.join(dir, '098.mid');
    await fs.copyFile(path.join(FIXTURES, '098', '098.mid'), midi);
    const xml = path.join(dir, 'out', '098.musicxml');
    await run(['score', midi, '-o', xml, '--pdf', path.join(dir, 'out', '098.pdf'), '--svg', path.join(dir, 'out', '098.svg'), '--track', 'PIANO', '--level', 'easy', '--key', 'Ab:maj', '-q']);
    const files = (await fs.readdir(path.join(dir, 'out'))).sort();
    expect(files).toContain('098.musicxml');
    expect(files).toContain('098.pdf');
    expect(files).toContain('098-1.svg');
    expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
    expect((await validateMusicXml(xml)).ok).toBe(true);
    const text = await fs.readFile(xml, 'utf8');
    expect(text).toContain('<fifths>-4</fifths>');
    process.exitCode = undefined;
    await run(['score', xml, '--check', '--level', 'easy', '-q']);
    expect(process.exitCode).toBeUndefined();
  });

  it('names the file and the problem for a missing or broken input, and writes nothing', async () => {
    const missing = path.join(dir, 'nope.mid');
    await expect(run(['score', missing, '-q'])).rejects.toSatisfy((e: unknown) => isInputError(e) && String((e as Error).message).includes('nope.mid'));
    const broken = path.join(dir, 'broken.mid');
    await fs.writeFile(broken, 'not midi');
    await expect(run(['score', broken, '-q'])).rejects.toSatisfy(
      (e: unknown) => isInputError(e) && /broken\.mid.*not a readable MIDI file/.test(String((e as Error).message)),
    );
    await expect(fs.access(path.join(dir, 'broken.musicxml'))).rejects.toThrow();
  });
});
