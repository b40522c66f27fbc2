import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSystems, parseSystemRef, type MetricRow } from '@a2s/eval';
import { buildReport } from '../../src/report/build-report.ts';
import { comparisonsHtml, comparisonsMarkdown, readComparisonFile } from '../../src/report/comparisons.ts';
import { EVAL_DIR } from '../helpers.ts';

const SONGS = ['001', '002', '003', '004', '005', '006'];
const base = [0.2, 0.5, 0.3, 0.8, 0.6, 0.4];

/** One variant's per-song rows for two metrics, over `seeds` seeds (values shifted by `shift`, ± per seed). */
function rows(variant: string, shift: number, seeds: number): MetricRow[] {
  return Array.from({ length: seeds }, (_, seed) =>
    SONGS.flatMap((song, i) => [
      { system: 'a2s', variant, seed, metric: 'onset.f1', song, value: base[i]! + shift + (seed - (seeds - 1) / 2) * 0.01 },
      { system: 'a2s', variant, seed, metric: 'chord.root.acc', song, value: base[i]! },
    ]),
  ).flat();
}

describe('report: paired comparisons as an ablation table', () => {
  let root: string;
  let file: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'a2s-report-compare-'));
    const table = [...rows('full', 0, 3), ...rows('nochd', -0.1, 3), ...rows('nowarm', 0.05, 3)];
    const baseline = parseSystemRef('a2s/full');
    const opts = { seed: 0, resamples: 300, margin: 0.02 };
    const comparisons = ['a2s/nochd', 'a2s/nowarm'].map((c) => ({ candidate: parseSystemRef(c), rows: compareSystems(table, baseline, parseSystemRef(c), opts) }));
    file = join(root, 'compare-3a.json');
    await writeFile(file, JSON.stringify({ schemaVersion: 1, metrics: { path: 'm.arrow', sha256: '0'.repeat(64) }, baseline, options: { ...opts, level: 0.95 }, comparisons }));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('one row per metric, one column per candidate, each cell the paired difference, its CI and the verdict', async () => {
    const c = await readComparisonFile(file);
    const md = comparisonsMarkdown([c]);
    expect(md).toContain('| metric | a2s/full (3 seeds) | a2s/nochd (3 seeds) | a2s/nowarm (3 seeds) |');
    // nochd is 0.1 below on every song (its CI is a point), nowarm 0.05 above; chords identical
    expect(md).toMatch(/\| onset\.f1 ↑ \| 0\.467 \| −0\.100 \[−0\.100, −0\.100\] ▼ \| \+0\.050 \[\+0\.050, \+0\.050\] ▲ \|/);
    expect(md).toContain('| chord.root.acc ↑ | 0.467 | +0.000 [+0.000, +0.000] ≈ | +0.000 [+0.000, +0.000] ≈ |');
    expect(md).toContain('| verdicts |  | 0 ▲ / 1 ≈ / 0 ? / 1 ▼ | 1 ▲ / 1 ≈ / 0 ? / 0 ▼ |');
    expect(md).toContain('margin 0.02');
    expect(comparisonsHtml([c])).toContain('<section id="comparisons">');
    expect(comparisonsHtml([])).toBe('');
  });

  it('refuses a file that is not an a2s compare result, naming it and the field', async () => {
    const bad = join(root, 'bad.json');
    await writeFile(bad, JSON.stringify({ schemaVersion: 1, baseline: { system: 'a', variant: 'v' }, options: { margin: 0.02 }, comparisons: [] }));
    await expect(readComparisonFile(bad)).rejects.toThrow(/bad\.json: not an a2s compare result .*comparisons/);
    await expect(readComparisonFile(join(root, 'missing.json'))).rejects.toThrow(/missing\.json: cannot read comparison JSON/);
  });

  it('buildReport writes comparisons.md and puts the tables after the results', async () => {
    const out = join(root, 'report');
    const r = await buildReport({ evalDir: EVAL_DIR, comparisons: [file], outDir: out, options: { audioSegments: 0 } });
    expect(r.files).toContain('comparisons.md');
    expect(await readFile(join(out, 'comparisons.md'), 'utf8')).toContain('### Against a2s/full (3 seeds) (compare-3a.json)');
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html.indexOf('id="comparisons"')).toBeGreaterThan(html.indexOf('id="results"'));
  }, 60_000);
});
