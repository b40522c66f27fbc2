import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIO_METRICS, summarizeAudioScores, writeMetricsTable } from '@a2s/eval';
import { buildReport } from '../../src/report/build-report.ts';
import { audioEvalSection } from '../../src/report/eval-audio.ts';
import { EVAL_DIR } from '../helpers.ts';

/** An a2s eval-audio output folder with two systems on two songs, written with the eval package's own code. */
async function writeEvalAudioDir(dir: string): Promise<void> {
  const rows = [];
  const summary = [];
  for (const [system, base] of [['gt', 0.9], ['a2s', 0.6]] as const) {
    const scores = new Map<string, Record<string, number>>();
    for (const [k, song] of ['001', '002'].entries()) scores.set(song, Object.fromEntries(AUDIO_METRICS.map((m) => [m.name, base - 0.1 * k])));
    const s = summarizeAudioScores({ system, variant: 'default', seed: null }, scores, { seed: 0, resamples: 100 });
    rows.push(...s.rows);
    summary.push(...s.summary);
  }
  await writeMetricsTable(join(dir, 'metrics.arrow'), rows);
  const metrics = AUDIO_METRICS.map(({ name, higherIsBetter, description, compared }) => ({ name, higherIsBetter, description, compared }));
  await writeFile(join(dir, 'summary.json'), JSON.stringify({ schemaVersion: 1, rows: summary, metrics, config: { kind: 'eval-audio' }, inputs: {} }));
}

describe('report: metrics against the recording (a2s eval-audio)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'a2s-report-eval-audio-'));
    await writeEvalAudioDir(root);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('tabulates every system (means, CIs) and every system on every song; descriptive metrics are never bolded', async () => {
    const s = await audioEvalSection(root);
    expect(s.markdown).toContain('## Against the recording');
    for (const m of AUDIO_METRICS) expect(s.markdown, m.name).toContain(m.name);
    expect(s.markdown).toMatch(/\| 001 \| a2s \| 0\.600 \|/);
    expect(s.markdown).toMatch(/\| 002 \| gt \| 0\.800 \|/);
    // gt is best on the compared metrics (bold), but not on style.density (descriptive).
    const gtRow = s.markdown.split('\n').find((l) => l.startsWith('| gt |'))!;
    const header = s.markdown.split('\n').find((l) => l.startsWith('| System'))!.split('|').map((x) => x.trim());
    const cells = gtRow.split('|').map((x) => x.trim());
    expect(cells[header.findIndex((h) => h.startsWith('audio.chroma.render.cosine'))]).toMatch(/\*\*/);
    expect(cells[header.findIndex((h) => h.startsWith('style.density'))]).not.toMatch(/\*\*/);
    expect(s.csv.split('\n')[0]).toBe('system,variant,seed,song,metric,value');
    expect(s.markdown).toContain(' style.density |');
    expect(s.markdown).toContain(' audio.cover.wpd ↓ |');
    expect(s.html).toContain('<th>style.ipe</th>');
  });

  it('a2s report --eval-audio adds the section to index.html and writes eval-audio.md', async () => {
    const out = join(root, 'report');
    const res = await buildReport({ evalDir: EVAL_DIR, evalAudioDir: root, outDir: out, options: { audioSegments: 0 } });
    expect(res.files).toContain('eval-audio.md');
    expect(res.files).toContain('eval-audio.csv');
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toContain('Against the recording');
    expect(html).toContain('Every system on every song');
  }, 60_000);
});
