import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeakageResult } from '@a2s/eval';
import { buildReport } from '../../src/report/build-report.ts';
import { leakageHtml, leakageMarkdown, readLeakageFile } from '../../src/report/leakage.ts';
import { EVAL_DIR } from '../helpers.ts';

function result(audio: LeakageResult['audio'], transcription: number[], chart: number[]): LeakageResult {
  const counts = (f1: number) => ({ matched: Math.round(f1 * 100), predicted: 100, reference: 100, f1 });
  const songs = transcription.map((t, i) => ({ song: String(i + 1).padStart(3, '0'), segments: 10, transcription: counts(t), chordChart: counts(chart[i]!) }));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    schemaVersion: 1, kind: 'a2s-leakage', manifest: { path: 'm.json', sha256: '0'.repeat(64) }, audio, split: 'valid',
    transcriber: { system: 'basic-pitch', onsetThreshold: 0.5, frameThreshold: 0.3, minNoteFrames: 11 },
    segmentsPerSong: null, songs, transcriptionF1: mean(transcription), chordChartF1: mean(chart),
  };
}

describe('report dataset section: leakage', () => {
  let root: string;
  let files: string[];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'a2s-report-leakage-'));
    files = [join(root, 'synth.json'), join(root, 'band.json')];
    await writeFile(files[0]!, JSON.stringify(result({ type: 'synth' }, [0.6, 0.7], [0.3, 0.4])));
    await writeFile(files[1]!, JSON.stringify(result({ type: 'band', leak: 0, soundfonts: ['/x/FluidR3_GM.sf2'] }, [0.2, 0.1], [0.3, 0.4])));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('tabulates one row per dataset with both F1s, in the given order', async () => {
    const rows = await Promise.all(files.map((f) => readLeakageFile(f)));
    const md = leakageMarkdown(rows);
    expect(md).toContain('| synth | valid: 001, 002 | 0.650 | 0.350 |');
    expect(md).toContain('| band, leak 0 (FluidR3_GM.sf2) | valid: 001, 002 | 0.150 | 0.350 |');
    expect(md.indexOf('| synth |')).toBeLessThan(md.indexOf('| band,'));
    expect(leakageHtml(rows)).toContain('<section id="dataset">');
    expect(leakageHtml([])).toBe('');
  });

  it('refuses a file that is not a leakage result, naming it', async () => {
    const bad = join(root, 'bad.json');
    await writeFile(bad, JSON.stringify({ kind: 'a2s-dataset' }));
    await expect(readLeakageFile(bad)).rejects.toThrow(/bad\.json: not a leakage result/);
    await expect(readLeakageFile(join(root, 'missing.json'))).rejects.toThrow(/missing\.json: cannot read leakage JSON/);
  });

  it('buildReport writes leakage.md and puts the table in the page', async () => {
    const out = join(root, 'report');
    const r = await buildReport({ evalDir: EVAL_DIR, leakage: files, outDir: out, options: { audioSegments: 0 } });
    expect(r.files).toContain('leakage.md');
    expect(await readFile(join(out, 'leakage.md'), 'utf8')).toContain('| band, leak 0');
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toContain('Dataset: leakage');
    expect(html.indexOf('id="dataset"')).toBeGreaterThan(html.indexOf('id="results"'));
  }, 60_000);
});
