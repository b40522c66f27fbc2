import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type BuildReportResult } from '../../src/index.ts';
import { EVAL_DIR } from '../helpers.ts';
import { PASSES, writeSyntheticRun } from '../synthetic-run.ts';

let root: string;
let result: BuildReportResult;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'a2s-report-training-'));
  await writeSyntheticRun(join(root, 'runs', 'with-val'));
  await writeSyntheticRun(join(root, 'runs', 'no-val'), { validation: false });
  await writeSyntheticRun(join(root, 'runs', 'killed'));
  // A run killed while writing a validation pass: its last line is cut.
  const killed = join(root, 'runs', 'killed', 'validation.jsonl');
  await writeFile(killed, `${(await readFile(killed, 'utf8')).trimEnd()}\n{"stage":"dropscore","step":2`);
  result = await buildReport({
    evalDir: EVAL_DIR,
    runDirs: ['with-val', 'no-val', 'killed'].map((r) => join(root, 'runs', r)),
    outDir: join(root, 'report'),
    options: { pngScale: 1, audioSegments: 0 },
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('report training section', () => {
  it('draws a learning curve for each run with validation passes and exports it as the other figures', () => {
    expect(result.figures.filter((f) => f.startsWith('learning-curve-'))).toEqual(['learning-curve-killed', 'learning-curve-with-val']);
    for (const ext of ['svg', 'png', 'csv', 'vl.json']) expect(result.files).toContain(`figures/learning-curve-with-val.${ext}`);
    expect(result.files).toContain('training.md');
  });

  it('the CSV holds every validation pass', async () => {
    const csv = (await readFile(join(result.outDir, 'figures/learning-curve-with-val.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('run,stage,panel,series,globalStep,step,value,best');
    expect(csv.filter((l) => l.includes(',validation,'))).toHaveLength(2 * PASSES.length);
    expect(csv.filter((l) => l.endsWith(',true'))).toHaveLength(2 * 2);
  });

  it('warns about the cut line, naming the file and line', () => {
    const path = join(root, 'runs', 'killed', 'validation.jsonl');
    expect(result.warnings).toEqual([`${path}:${PASSES.length + 1}: not valid JSON, line skipped`]);
  });

  it('training.md and the HTML training section say how each run was validated', async () => {
    const md = await readFile(join(result.outDir, 'training.md'), 'utf8');
    expect(md).toContain('## with-val');
    expect(md).toContain('with-val: validation every 50 steps on 32 segments');
    expect(md).toContain('no-val: no validation passes');
    expect(md).toContain('[SVG](figures/learning-curve-with-val.svg)');
    expect(md).not.toContain('learning-curve-no-val');
    const html = await readFile(join(result.outDir, 'index.html'), 'utf8');
    const start = html.indexOf('<section id="training">');
    expect(start).toBeGreaterThan(html.indexOf('<section id="figures">'));
    const section = html.slice(start, html.indexOf('</section>', start));
    expect(section).toContain('with-val: validation every 50 steps on 32 segments');
    for (const id of ['training-no-val', 'training-with-val', 'learning-curve-with-val']) expect(section).toContain(`id="fig-${id}"`);
    const figuresSection = html.slice(html.indexOf('<section id="figures">'), start);
    expect(figuresSection).toContain('id="fig-metric-bars"');
    expect(figuresSection).not.toContain('id="fig-training-');
  });
});
