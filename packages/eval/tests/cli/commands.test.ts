import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetricsTable, type SummaryFile } from '../../src/scoring/index.ts';
import { buildFixtureDataset } from '../helpers/fixture-dataset.ts';
import { a2s } from '../helpers/eval-cli.ts';

let dir = '';
let manifest = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'a2s-eval-cli-'));
  manifest = await buildFixtureDataset(join(dir, 'dataset'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a2s baseline + a2s eval on fixture songs', () => {
  it('writes baseline prediction folders and scores them into metrics.arrow and summary.json', async () => {
    for (const system of ['gt', 'gt-chords-pattern', 'chord-template']) {
      await a2s('baseline', '--system', system, '--manifest', manifest, '--split', 'test', '--out', join(dir, 'pred', system));
    }
    const table = await a2s(
      'eval',
      ...['gt', 'gt-chords-pattern', 'chord-template'].flatMap((s) => ['--predictions', join(dir, 'pred', s)]),
      '--manifest',
      manifest,
      '--split',
      'test',
      '--out',
      join(dir, 'eval'),
      '--resamples',
      '200',
    );
    expect(table).toContain('onset.f1');
    const summary = JSON.parse(await readFile(join(dir, 'eval', 'summary.json'), 'utf8')) as SummaryFile;
    const row = (system: string, metric: string) => summary.rows.find((r) => r.system === system && r.metric === metric)!;
    expect(row('gt', 'onset.f1').mean).toBe(1);
    expect(row('gt', 'chord.root.acc').mean).toBe(row('gt', 'chord.root.gtCeiling').mean);
    expect(row('gt', 'chord.root.gtCeiling').mean).toBeGreaterThan(0.5);
    // GT labels as block chords: right chords (the recognizer agrees with the labels), wrong texture.
    expect(row('gt-chords-pattern', 'chord.root.acc').mean).toBeGreaterThan(0.9);
    expect(row('gt-chords-pattern', 'onset.f1').mean).toBeLessThan(0.5);
    // Chords from the audio: above chance (1/12), below ground-truth labels.
    expect(row('chord-template', 'chord.root.acc').mean).toBeGreaterThan(0.3);
    expect(row('chord-template', 'chord.root.acc').mean).toBeLessThanOrEqual(row('gt-chords-pattern', 'chord.root.acc').mean + 0.05);
    expect(summary.inputs.predictions.map((p) => p.missing)).toEqual([0, 0, 0]);
    const rows = await readMetricsTable(join(dir, 'eval', 'metrics.arrow'));
    expect(rows.filter((r) => r.metric === 'onset.f1').length).toBe(3 * row('gt', 'onset.f1').nSongs);
  });

  it('a2s compare: paired comparison of two scored systems, as a table and as JSON', async () => {
    const summary = JSON.parse(await readFile(join(dir, 'eval', 'summary.json'), 'utf8')) as SummaryFile;
    const ref = (system: string) => {
      const r = summary.rows.find((x) => x.system === system)!;
      return `${system}/${r.variant}`;
    };
    const out = join(dir, 'compare.json');
    const table = await a2s('compare', '--metrics', join(dir, 'eval'), '--baseline', ref('gt'), '--candidate', ref('chord-template'), '--resamples', '200', '--out', out);
    // the ground truth scores onset F1 = 1 on every song: anything else is worse
    expect(table).toMatch(/\| `onset.f1` \| 1.000 \| [0-9.]+ \| -[0-9.]+ \[-[0-9.]+, -[0-9.]+\] \| worse \|/);
    expect(table).toContain(`${ref('chord-template')} vs ${ref('gt')}: no worse (margin 0.02) on`);
    const json = JSON.parse(await readFile(out, 'utf8')) as { comparisons: { rows: { metric: string; verdict: string }[] }[] };
    expect(json.comparisons[0].rows.find((r) => r.metric === 'onset.f1')!.verdict).toBe('worse');
    await expect(a2s('compare', '--metrics', join(dir, 'eval'), '--baseline', 'nope/x', '--candidate', ref('gt'))).rejects.toThrow(/no rows for nope\/x; scored systems: /);
    await expect(a2s('compare', '--metrics', join(dir, 'missing'), '--baseline', ref('gt'), '--candidate', ref('gt'))).rejects.toThrow(/no such file or folder/);
  });
});
