import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/tf/backend.ts';
import { resolveTrainConfig, type ResolvedTrainConfig } from '../../src/config/train-config.ts';
import { train, NonFiniteLossError } from '../../src/train/trainer.ts';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import { loadTrainedModel } from '../../src/infer/predict.ts';
import { syntheticSource } from '../../src/testing/synthetic.ts';

const FRAMES = 32;
const BINS = 24;

function tinyConfig(steps: number[], extra: Record<string, unknown> = {}): ResolvedTrainConfig {
  const stages = ['warmup', 'pretrain', 'dropscore', 'autoregressive'].slice(0, steps.length).map((name, i) => ({
    name,
    epochs: 100,
    maxSteps: steps[i],
    lr: 3e-3,
    symbolic: name === 'dropscore' ? 'prior' : 'encode',
    kl: { chd: { type: 'constant', value: 0.01 }, aud: { type: 'constant', value: 0.01 }, sym: { type: 'constant', value: 0.01 } },
  }));
  return resolveTrainConfig({ preset: 'tiny', batchSize: 4, seed: 7, checkpointEverySteps: 3, stages, model: { audioFrames: FRAMES, audioBins: BINS }, ...extra });
}

async function tmp(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'a2s-train-'));
}

const source = (nanAt?: number) => syntheticSource({ size: 4, batches: 2, audioFrames: FRAMES, audioBins: BINS, seed: 1, nanAt });

async function weightsOf(dir: string): Promise<Float32Array[]> {
  const ck = await loadCheckpoint(dir);
  return [...ck.values.entries()].filter(([k]) => k.startsWith('param:')).map(([, v]) => v.data);
}

describe('train', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('interrupted and resumed ends with the same weights as an uninterrupted run', async () => {
    const cfg = tinyConfig([5, 2]);
    const a = await tmp();
    await train({ config: cfg, runDir: a, source: source(), backend: 'wasm' });
    const b = await tmp();
    const first = await train({ config: cfg, runDir: b, source: source(), backend: 'wasm', maxSteps: 4 });
    expect(first.stoppedEarly).toBe(true);
    first.model.params.dispose();
    await train({ config: cfg, runDir: b, source: source(), backend: 'wasm', resume: true });
    const wa = await weightsOf(a);
    const wb = await weightsOf(b);
    expect(wb.length).toBe(wa.length);
    for (let i = 0; i < wa.length; i++) expect(Array.from(wb[i])).toEqual(Array.from(wa[i]));
    const log = (await fs.readFile(path.join(b, 'log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(log.map((e) => e.globalStep)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(JSON.parse(await fs.readFile(path.join(b, 'run.json'), 'utf8')).invocations).toHaveLength(2);
  }, 120_000);

  it('each stage starts from the previous stage checkpoint', async () => {
    const cfg = tinyConfig([2, 2, 2, 2]);
    const dir = await tmp();
    await train({ config: cfg, runDir: dir, source: source(), backend: 'wasm', stages: ['warmup'] });
    await expect(train({ config: cfg, runDir: await tmp(), source: source(), backend: 'wasm', stages: ['dropscore'] })).rejects.toThrow(/needs the finished pretrain/);
    const r = await train({ config: cfg, runDir: dir, source: source(), backend: 'wasm', stages: ['pretrain', 'dropscore', 'autoregressive'] });
    expect(r.position.stage).toBe('autoregressive');
    const names = (await fs.readdir(path.join(dir, 'checkpoints'))).filter((n) => !n.endsWith('.json')).sort();
    expect(names).toEqual(['autoregressive-0000002', 'dropscore-0000002', 'pretrain-0000002', 'warmup-0000002']);
  }, 120_000);

  it('a NaN in a batch stops the run with a clear message and keeps the last good checkpoint', async () => {
    const cfg = tinyConfig([8]);
    const dir = await tmp();
    const src = syntheticSource({ size: 4, batches: 5, audioFrames: FRAMES, audioBins: BINS, seed: 1, nanAt: 4 });
    const err = await train({ config: cfg, runDir: dir, source: src, backend: 'wasm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as Error).message).toMatch(/non-finite loss at stage warmup step 5.*audio input has NaN/);
    expect((err as NonFiniteLossError).lastCheckpoint).toMatch(/warmup-0000003$/);
    const ck = await loadCheckpoint(dir);
    expect(ck.header.position.stepInStage).toBe(3);
    for (const [, v] of ck.values) expect(v.data.every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBeLessThan(5000);
  }, 120_000);
});

describe('train: restarts and damaged run folders (#18)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  const logSteps = async (dir: string): Promise<number[]> =>
    (await fs.readFile(path.join(dir, 'log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).globalStep as number);

  it('--max-steps counts total steps of the run: resuming with 4 after 2 steps ends at 4; a run already there does nothing', async () => {
    const cfg = tinyConfig([8]);
    const dir = await tmp();
    (await train({ config: cfg, runDir: dir, source: source(), backend: 'wasm', maxSteps: 2 })).model.params.dispose();
    const r = await train({ config: cfg, runDir: dir, source: source(), backend: 'wasm', resume: true, maxSteps: 4 });
    expect(r.position.globalStep).toBe(4);
    expect(r.steps).toBe(2);
    r.model.params.dispose();
    const messages: string[] = [];
    const again = await train({ config: cfg, runDir: dir, source: source(), backend: 'wasm', resume: true, maxSteps: 3, onMessage: (m) => messages.push(m) });
    expect(again.steps).toBe(0);
    expect(messages.join('\n')).toMatch(/already at --max-steps 3/);
    again.model.params.dispose();
    expect(await logSteps(dir)).toEqual([1, 2, 3, 4]);
  }, 120_000);

  it('a fresh start never appends to the log of a run killed before its first checkpoint', async () => {
    const cfg = tinyConfig([2]);
    const dir = await tmp();
    // what a run killed after 2 logged steps, before any checkpoint, leaves (and a line cut by the kill)
    const dead = JSON.stringify({ stage: 'warmup', step: 1, globalStep: 1, loss: 9 });
    await fs.writeFile(path.join(dir, 'log.jsonl'), `${dead}\n${dead.replace('1,', '2,')}\n{"stage":"warm`);
    const messages: string[] = [];
    (await train({ config: cfg, runDir: dir, source: source(), backend: 'wasm', onMessage: (m) => messages.push(m) })).model.params.dispose();
    expect(await logSteps(dir)).toEqual([1, 2]);
    expect(messages.join('\n')).toMatch(/log\.jsonl: dropped 2 line\(s\) of an unfinished earlier attempt at stage warmup/);
  }, 120_000);

  it('resume, and loading a run for prediction, fall back to the newest intact checkpoint when the latest is cut', async () => {
    const cfg = tinyConfig([5]);
    const a = await tmp();
    (await train({ config: cfg, runDir: a, source: source(), backend: 'wasm' })).model.params.dispose();
    const b = await tmp();
    (await train({ config: cfg, runDir: b, source: source(), backend: 'wasm', maxSteps: 4 })).model.params.dispose();
    // checkpoints at steps 3 and 4; the newest one's tensors are cut in half (a kill while copying, a full disk)
    const bin = path.join(b, 'checkpoints', 'warmup-0000004', 'tensors.bin');
    const bytes = await fs.readFile(bin);
    await fs.writeFile(bin, bytes.subarray(0, bytes.length >> 1));
    const trained = await loadTrainedModel(b, { backend: 'wasm' });
    expect(trained.position.globalStep).toBe(3);
    expect(trained.warnings.join('\n')).toMatch(/skipped damaged checkpoint .*warmup-0000004: .*truncated/);
    trained.model.params.dispose();
    const messages: string[] = [];
    (await train({ config: cfg, runDir: b, source: source(), backend: 'wasm', resume: true, onMessage: (m) => messages.push(m) })).model.params.dispose();
    expect(messages.join('\n')).toMatch(/falling back to warmup-0000003, the newest intact checkpoint/);
    const wa = await weightsOf(a);
    const wb = await weightsOf(b);
    for (let i = 0; i < wa.length; i++) expect(Array.from(wb[i])).toEqual(Array.from(wa[i]));
    expect(await logSteps(b)).toEqual([1, 2, 3, 4, 5]);
  }, 120_000);

  it('says that the batch is larger than the data when no full batch comes', async () => {
    const cfg = tinyConfig([2]);
    const empty = syntheticSource({ size: 4, batches: 0, audioFrames: FRAMES, audioBins: BINS, seed: 1 });
    await expect(train({ config: cfg, runDir: await tmp(), source: empty, backend: 'wasm' })).rejects.toThrow(/no full batch of 4 segments .*smaller than the batch size/);
  }, 60_000);
});
