/**
 * The demo end to end on two fixture songs (one in train, one in test) with two training steps per stage:
 * the real commands of configs/demo.json, only the dataset and training configs swapped for smaller ones.
 * The pipeline writes everything, the feature cache included, into a temporary folder.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, readPipelineConfig, type PipelineConfig } from '../scripts/pipeline-config.ts';
import { runPipeline, type StageTiming } from '../scripts/run-pipeline.ts';

const SONGS = ['098', '764'];
const SYSTEMS = ['a2s', 'a2s-ar', 'gt', 'gt-chords-pattern', 'chord-template', 'basic-pitch'];

let tmp: string;
let out: string;
let timings: StageTiming[];

/** configs/demo.json with `configs/demo/<file>` replaced where `swap` has a replacement. */
function withConfigs(config: PipelineConfig, swap: Record<string, string>): PipelineConfig {
  return {
    ...config,
    stages: config.stages.map((s) => ({
      ...s,
      commands: s.commands.map((c) => Object.entries(swap).reduce((acc, [from, to]) => acc.replaceAll(from, to), c)),
    })),
  };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'a2s-demo-'));
  out = path.join(tmp, 'out');
  const demo = await readPipelineConfig(path.join(REPO_ROOT, 'configs/demo.json'));
  const dataset = JSON.parse(await readFile(path.join(REPO_ROOT, 'configs/demo/dataset.json'), 'utf8'));
  const train = JSON.parse(await readFile(path.join(REPO_ROOT, 'configs/demo/train.json'), 'utf8'));
  const datasetFile = path.join(tmp, 'dataset.json');
  const trainFile = path.join(tmp, 'train.json');
  await writeFile(datasetFile, JSON.stringify({ ...dataset, songs: SONGS }));
  await writeFile(
    trainFile,
    JSON.stringify({ ...train, batchSize: 8, stages: train.stages.map((s: Record<string, unknown>) => ({ ...s, maxSteps: 2 })) }),
  );
  const config = withConfigs(demo, { 'configs/demo/dataset.json': datasetFile, 'configs/demo/train.json': trainFile });
  timings = await runPipeline({ config, out, log: () => {}, quiet: true });
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('demo pipeline on two fixture songs', () => {
  it('runs every stage', () => {
    expect(timings.map((t) => t.stage)).toEqual(['data', 'features', 'train', 'predict', 'baselines', 'eval', 'eval-audio', 'report']);
  });

  it('splits the songs so that train and test each hold one', async () => {
    const manifest = JSON.parse(await readFile(path.join(out, 'data/manifest.json'), 'utf8')) as { splits: Record<string, string> };
    expect(Object.keys(manifest.splits).sort()).toEqual(SONGS);
    expect(Object.values(manifest.splits).sort()).toEqual(['test', 'train']);
  });

  it('trains the reference stage graph: warm-up, pre-train, then drop-score and autoregressive both from pre-training', async () => {
    const log = (await readFile(path.join(out, 'train/log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { stage: string; loss: number });
    expect([...new Set(log.map((l) => l.stage))]).toEqual(['warmup', 'pretrain', 'dropscore', 'autoregressive']);
    expect(log.every((l) => Number.isFinite(l.loss))).toBe(true);
  });

  it('predicts each branch in the mode it was trained for', async () => {
    const drop = JSON.parse(await readFile(path.join(out, 'predict/predictions.json'), 'utf8')) as { mode: string; trainedFor: string; checkpoint: string };
    const ar = JSON.parse(await readFile(path.join(out, 'predict-ar/predictions.json'), 'utf8')) as { mode: string; trainedFor: string; checkpoint: string };
    expect([drop.mode, drop.trainedFor, path.basename(drop.checkpoint)]).toEqual(['independent', 'independent', 'dropscore-0000002']);
    expect([ar.mode, ar.trainedFor, path.basename(ar.checkpoint)]).toEqual(['autoregressive', 'autoregressive', 'autoregressive-0000002']);
  });

  it('scores the model and every baseline on the test split', async () => {
    const summary = JSON.parse(await readFile(path.join(out, 'eval/summary.json'), 'utf8')) as {
      rows: { system: string; metric: string; mean: number; nSongs: number }[];
    };
    for (const system of SYSTEMS) {
      const rows = summary.rows.filter((r) => r.system === system);
      expect(rows.length, system).toBeGreaterThan(10);
      expect(rows.every((r) => Number.isFinite(r.mean) && r.nSongs === 1), system).toBe(true);
    }
    const gtF1 = summary.rows.find((r) => r.system === 'gt' && r.metric === 'onset.f1');
    expect(gtF1?.mean).toBe(1);
  });

  it('judges every system against the test song’s audio (a2s eval-audio), and the report shows it per song', async () => {
    const summary = JSON.parse(await readFile(path.join(out, 'eval-audio/summary.json'), 'utf8')) as { rows: { system: string; metric: string; nSongs: number }[] };
    for (const system of SYSTEMS) expect(summary.rows.some((r) => r.system === system && r.metric === 'audio.chroma.render.cosine' && r.nSongs === 1), system).toBe(true);
    const md = await readFile(path.join(out, 'report/eval-audio.md'), 'utf8');
    // Rows are labelled `system`, `system (variant)` or `system (variant) s<seed>`.
    for (const system of SYSTEMS) expect(md).toMatch(new RegExp(`\\| ${system}( \\(| s\\d| \\|)`));
  });

  it('writes the report: results.md, results.tex, index.html and figures', async () => {
    const report = path.join(out, 'report');
    const files = await readdir(report);
    expect(files).toEqual(expect.arrayContaining(['results.md', 'results.tex', 'index.html']));
    const figures = await readdir(path.join(report, 'figures'));
    expect(figures.some((f) => f.endsWith('.svg'))).toBe(true);
    expect(figures.some((f) => f.endsWith('.png'))).toBe(true);
    const md = await readFile(path.join(report, 'results.md'), 'utf8');
    for (const system of SYSTEMS) expect(md).toContain(system);
  });
});
