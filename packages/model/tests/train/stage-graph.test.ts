import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/tf/backend.ts';
import { resolveTrainConfig, stageLineage, type ResolvedTrainConfig } from '../../src/config/train-config.ts';
import { train } from '../../src/train/trainer.ts';
import { checkpointTrainedMode, findStageEnd, loadCheckpoint } from '../../src/train/checkpoint.ts';
import { syntheticSource } from '../../src/testing/synthetic.ts';

const FRAMES = 32;
const BINS = 24;
const KL = { chd: { type: 'constant', value: 0.01 }, aud: { type: 'constant', value: 0.01 }, sym: { type: 'constant', value: 0.01 } };

/** The reference graph warm-up → pre-train → {drop-score, autoregressive}, tiny and a few steps per stage. */
function graphConfig(extra: Record<string, unknown> = {}): ResolvedTrainConfig {
  const stages = [
    { name: 'warmup', epochs: 100, maxSteps: 2, lr: 3e-3, kl: KL },
    { name: 'pretrain', epochs: 100, maxSteps: 2, lr: 3e-3, corruption: { type: 'bandMask' }, kl: KL },
    { name: 'dropscore', epochs: 100, maxSteps: 3, lr: 3e-3, symbolic: 'prior', kl: KL },
    { name: 'autoregressive', from: 'pretrain', epochs: 100, maxSteps: 3, lr: 3e-3, corruption: { type: 'previousSegment' }, kl: KL },
  ];
  return resolveTrainConfig({ preset: 'tiny', batchSize: 4, seed: 3, checkpointEverySteps: 2, stages, model: { audioFrames: FRAMES, audioBins: BINS }, ...extra });
}

const source = () => syntheticSource({ size: 4, batches: 2, audioFrames: FRAMES, audioBins: BINS, seed: 1 });
const tmp = () => fs.mkdtemp(path.join(os.tmpdir(), 'a2s-graph-'));

async function weights(dir: string): Promise<number[][]> {
  const ck = await loadCheckpoint(dir);
  return [...ck.values.entries()].filter(([k]) => k.startsWith('param:')).map(([, v]) => Array.from(v.data));
}

async function stageWeights(runDir: string, stage: string): Promise<number[][]> {
  const end = await findStageEnd(runDir, stage as never);
  expect(end, `${stage} finished in ${runDir}`).not.toBeNull();
  return weights(end!);
}

describe('stage graph', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('resolves parents and lineages; the default reference graph branches after pre-training', () => {
    const cfg = graphConfig();
    expect(stageLineage(cfg.stages, 2)).toEqual(['warmup', 'pretrain', 'dropscore']);
    expect(stageLineage(cfg.stages, 3)).toEqual(['warmup', 'pretrain', 'autoregressive']);
    const ref = resolveTrainConfig({ preset: 'tiny' });
    expect(ref.stages.map((s) => [s.name, s.from ?? null])).toEqual([
      ['warmup', null],
      ['pretrain', null],
      ['dropscore', null],
      ['autoregressive', 'pretrain'],
    ]);
    expect(stageLineage(ref.stages, 3)).toEqual(['warmup', 'pretrain', 'autoregressive']);
  });

  it('refuses a stage that starts from a later or unknown stage, and repeated names', () => {
    const stages = graphConfig().stages.map((s) => ({ ...s }));
    expect(() => resolveTrainConfig({ preset: 'tiny', stages: [stages[0], { ...stages[1], from: 'dropscore' }, stages[2]] })).toThrow(/starts from dropscore, which is not an earlier stage/);
    expect(() => resolveTrainConfig({ preset: 'tiny', stages: [stages[0], stages[0]] })).toThrow(/appears twice/);
    expect(() => resolveTrainConfig({ preset: 'tiny', stages: [{ ...stages[0], from: 'pretrain' }] })).toThrow(/not an earlier stage/);
  });

  it('both branches start from the pre-trained weights, keep their checkpoints, and record their inference mode', async () => {
    const cfg = graphConfig();
    const all = await tmp();
    const r = await train({ config: cfg, runDir: all, source: source(), backend: 'wasm' });
    r.model.params.dispose();
    const names = (await fs.readdir(path.join(all, 'checkpoints'))).filter((n) => !n.endsWith('.json')).sort();
    expect(names).toEqual(['autoregressive-0000002', 'autoregressive-0000003', 'dropscore-0000002', 'dropscore-0000003', 'pretrain-0000002', 'warmup-0000002']);
    expect(checkpointTrainedMode((await loadCheckpoint(path.join(all, 'checkpoints', 'dropscore-0000003'))).header)).toBe('independent');
    expect(checkpointTrainedMode((await loadCheckpoint(path.join(all, 'checkpoints', 'autoregressive-0000003'))).header)).toBe('autoregressive');
    expect(checkpointTrainedMode((await loadCheckpoint(path.join(all, 'checkpoints', 'pretrain-0000002'))).header)).toBe('score');
    // both branches really train (their weights moved away from the pre-trained ones they started from)
    expect(await stageWeights(all, 'autoregressive')).not.toEqual(await stageWeights(all, 'pretrain'));
    expect(await stageWeights(all, 'dropscore')).not.toEqual(await stageWeights(all, 'pretrain'));

    // A run that never trains drop-score ends its autoregressive branch with the very same weights:
    // the branch starts from pre-training, not from drop-score.
    const noDrop = await tmp();
    (await train({ config: cfg, runDir: noDrop, source: source(), backend: 'wasm', stages: ['warmup', 'pretrain'] })).model.params.dispose();
    (await train({ config: cfg, runDir: noDrop, source: source(), backend: 'wasm', stages: ['autoregressive'] })).model.params.dispose();
    expect(await stageWeights(noDrop, 'autoregressive')).toEqual(await stageWeights(all, 'autoregressive'));
    expect(await findStageEnd(noDrop, 'dropscore')).toBeNull();

    // The chained graph (autoregressive after drop-score) ends elsewhere.
    const chainedCfg = graphConfig({ stages: cfg.stages.map((s) => ({ ...s, from: undefined })) });
    const chained = await tmp();
    (await train({ config: chainedCfg, runDir: chained, source: source(), backend: 'wasm' })).model.params.dispose();
    expect(await stageWeights(chained, 'dropscore')).toEqual(await stageWeights(all, 'dropscore'));
    expect(await stageWeights(chained, 'autoregressive')).not.toEqual(await stageWeights(all, 'autoregressive'));
  }, 180_000);

  it('with two data-parallel workers a branch still trains from its parent (the model keeps its variables)', async () => {
    const dir = await tmp();
    const r = await train({ config: graphConfig(), runDir: dir, source: source(), backend: 'wasm', parallel: { workers: 2, microBatch: null } });
    r.model.params.dispose();
    const log = (await fs.readFile(path.join(dir, 'log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { stage: string; gradNorm: number });
    expect(log.filter((e) => e.stage === 'autoregressive').every((e) => e.gradNorm > 0)).toBe(true);
    expect(await stageWeights(dir, 'autoregressive')).not.toEqual(await stageWeights(dir, 'pretrain'));
  }, 240_000);

  it('resumes across branches: stopped inside drop-score, resumed, both branches end as an uninterrupted run', async () => {
    const cfg = graphConfig();
    const ref = await tmp();
    (await train({ config: cfg, runDir: ref, source: source(), backend: 'wasm' })).model.params.dispose();
    const dir = await tmp();
    const first = await train({ config: cfg, runDir: dir, source: source(), backend: 'wasm', maxSteps: 5 });
    expect(first.stoppedEarly).toBe(true);
    expect(first.position.stage).toBe('dropscore');
    first.model.params.dispose();
    (await train({ config: cfg, runDir: dir, source: source(), backend: 'wasm', resume: true })).model.params.dispose();
    for (const stage of ['dropscore', 'autoregressive']) expect(await stageWeights(dir, stage)).toEqual(await stageWeights(ref, stage));
  }, 180_000);
});
