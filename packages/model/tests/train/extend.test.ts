import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/tf/backend.ts';
import { resolveTrainConfig, type ResolvedTrainConfig } from '../../src/config/train-config.ts';
import { train } from '../../src/train/trainer.ts';
import { findStageEnd, loadCheckpoint, type TrainPosition } from '../../src/train/checkpoint.ts';
import { extendRun, firstDifference } from '../../src/train/extend.ts';
import type { ValidationEntry } from '../../src/train/validation.ts';
import { syntheticSource } from '../../src/testing/synthetic.ts';

const FRAMES = 32;
const BINS = 24;

/** The default teacher-forcing schedules of a stage `n` steps long, written as absolute sigmoids. */
const absoluteTf = (n: number) => ({
  time: { type: 'sigmoid', from: 0.8, to: 0.3, midStep: 0.5 * n, scaleSteps: 0.1 * n },
  note: { type: 'sigmoid', from: 0.8, to: 0.5, midStep: 0.5 * n, scaleSteps: 0.1 * n },
  chord: { type: 'sigmoid', from: 0.5, to: 0, midStep: 0.5 * n, scaleSteps: 0.1 * n },
});

function config(o: { steps: number[]; lr?: number[]; validation?: Record<string, unknown>; model?: Record<string, unknown>; tf?: (Record<string, unknown> | undefined)[] }): ResolvedTrainConfig {
  const stages = ['warmup', 'pretrain', 'dropscore'].slice(0, o.steps.length).map((name, i) => ({
    name,
    ...(o.tf?.[i] ? { teacherForcing: o.tf[i] } : {}),
    epochs: 100,
    maxSteps: o.steps[i],
    lr: o.lr?.[i] ?? 3e-3,
    symbolic: name === 'dropscore' ? 'prior' : 'encode',
    kl: { chd: { type: 'constant', value: 0.01 }, aud: { type: 'constant', value: 0.01 }, sym: { type: 'constant', value: 0.01 } },
  }));
  return resolveTrainConfig({
    preset: 'tiny',
    batchSize: 4,
    seed: 7,
    checkpointEverySteps: 2,
    keepCheckpoints: 1,
    stages,
    model: { audioFrames: FRAMES, audioBins: BINS, ...o.model },
    validation: o.validation ?? { everySteps: 2, segments: 4 },
  });
}

const source = () => syntheticSource({ size: 4, batches: 3, audioFrames: FRAMES, audioBins: BINS, seed: 1 });
const tmp = () => fs.mkdtemp(path.join(os.tmpdir(), 'a2s-extend-'));
const lines = async (file: string) =>
  (await fs.readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

async function params(dir: string): Promise<Float32Array[]> {
  const ck = await loadCheckpoint(dir);
  return [...ck.values.entries()].filter(([k]) => k.startsWith('param:')).map(([, v]) => v.data);
}

describe('train --resume with a longer stage (#14: training a finished run further)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('a finished last stage made longer continues from its end and ends bit-identical to a run that long from the start', async () => {
    const short = await tmp();
    (await train({ config: config({ steps: [2, 4] }), runDir: short, source: source(), backend: 'wasm' })).model.params.dispose();
    const messages: string[] = [];
    // its teacher-forcing schedules are relative to its length: made longer as is, its steps so far would have had other values
    const longer = config({ steps: [2, 8] });
    await expect(train({ config: longer, runDir: short, source: source(), backend: 'wasm', resume: true, extend: true })).rejects.toThrow(
      /schedule teacherForcing\.time gives step 1 .*it is relative to the stage's length: .* midStep 2, scaleSteps 0\.4/,
    );
    // written as the absolute sigmoids they were over 4 steps, the stage runs on to 8
    const longerAbs = config({ steps: [2, 8], tf: [undefined, absoluteTf(4)] });
    const r = await train({ config: longerAbs, runDir: short, source: source(), backend: 'wasm', resume: true, extend: true, onMessage: (m) => messages.push(m) });
    r.model.params.dispose();
    expect(r.steps).toBe(4);
    expect(messages.join('\n')).toMatch(/config changed: stage pretrain: 4 steps .* → 8 steps .*continues from step 4/);
    expect(messages.join('\n')).toMatch(/config changed: stage pretrain: schedule teacherForcing\.time\.midStep/);

    const long = await tmp();
    (await train({ config: longerAbs, runDir: long, source: source(), backend: 'wasm' })).model.params.dispose();

    const endShort = await findStageEnd(short, 'pretrain');
    const endLong = await findStageEnd(long, 'pretrain');
    expect(path.basename(endShort!)).toBe('pretrain-0000008');
    const ws = await params(endShort!);
    const wl = await params(endLong!);
    expect(ws.length).toBe(wl.length);
    for (let i = 0; i < wl.length; i++) expect(Array.from(ws[i])).toEqual(Array.from(wl[i]));
    // the same steps and validation passes, once each
    const strip = (e: Record<string, unknown>) => ({ ...e, timeSec: 0, segmentsPerSec: 0 });
    expect((await lines(path.join(short, 'log.jsonl'))).map(strip)).toEqual((await lines(path.join(long, 'log.jsonl'))).map(strip));
    expect((await lines(path.join(short, 'validation.jsonl'))).map(strip)).toEqual((await lines(path.join(long, 'validation.jsonl'))).map(strip));
    const run = JSON.parse(await fs.readFile(path.join(short, 'run.json'), 'utf8')) as { invocations: { configChanges?: string[] }[] };
    expect(run.invocations[1].configChanges?.[0]).toMatch(/^stage pretrain: 4 steps/);
    expect(JSON.parse(await fs.readFile(path.join(short, 'config.json'), 'utf8')).stages[1].maxSteps).toBe(8);
    // resuming again without extend keeps the run's config (the longer one), whatever config is passed: nothing left to do
    const again = await train({ config: config({ steps: [2, 4] }), runDir: short, source: source(), backend: 'wasm', resume: true });
    expect(again.steps).toBe(0);
    expect(again.position).toMatchObject({ stage: 'pretrain', stepInStage: 8, stageDone: true });
    again.model.params.dispose();
  }, 240_000);

  it('refuses a config that changes what the checkpoint was trained with, naming the difference', async () => {
    const dir = await tmp();
    (await train({ config: config({ steps: [2, 4] }), runDir: dir, source: source(), backend: 'wasm' })).model.params.dispose();
    const resume = (c: ResolvedTrainConfig) => train({ config: c, runDir: dir, source: source(), backend: 'wasm', resume: true, extend: true });
    const tf = [undefined, absoluteTf(4)];
    await expect(resume(config({ steps: [2, 8], tf, model: { zAud: 8 } }))).rejects.toThrow(/--resume with a changed config: the model differs from the run's at model\.zAud/);
    await expect(resume({ ...config({ steps: [2, 8], tf }), seed: 8 })).rejects.toThrow(/differs from the run's at seed \(7 in the run vs 8 given\)/);
    await expect(resume(config({ steps: [2, 8], tf, lr: [1e-3, 3e-3] }))).rejects.toThrow(/stage warmup is finished; it differs at stages\[0\]\.lr/);
    await expect(resume(config({ steps: [2, 8], tf, lr: [3e-3, 1e-3] }))).rejects.toThrow(/stage pretrain has begun \(step 4\); only its length .* may change, it differs at stages\[1\]\.lr/);
    await expect(resume(config({ steps: [2, 3], tf: [undefined, absoluteTf(4)] }))).rejects.toThrow(/stage pretrain is at step 4 already; the given length, 3 steps/);
    // a stage not begun may change freely, and the run goes on into it
    const r = await resume(config({ steps: [2, 4, 2] }));
    expect(r.position).toMatchObject({ stage: 'dropscore', stepInStage: 2, stageDone: true });
    r.model.params.dispose();
  }, 240_000);

  it('refuses to reopen a stage that stopped early, or that ended with its best pass\'s weights', async () => {
    // lr so small that float32 weights never change: no pass after the first is better, the stage stops at step 3
    const frozen = (n: number) => config({ steps: [2, n], lr: [1e-12, 1e-12], tf: [undefined, absoluteTf(30)], validation: { everySteps: 1, segments: 4, earlyStop: { stages: ['pretrain'], patience: 2, metric: 'loss' } } });
    const dir = await tmp();
    (await train({ config: frozen(30), runDir: dir, source: source(), backend: 'wasm' })).model.params.dispose();
    await expect(train({ config: frozen(60), runDir: dir, source: source(), backend: 'wasm', resume: true, extend: true })).rejects.toThrow(
      /stage pretrain stopped early \(validation\) at step 3 of 30/,
    );

    const saved = frozen(6);
    const pos: TrainPosition = { stage: 'pretrain', stageIndex: 1, stepInStage: 6, globalStep: 8, epoch: 1, batchInEpoch: 3, stageDone: true };
    const pass = (step: number, best: boolean) => ({ stage: 'pretrain', step, best }) as ValidationEntry;
    expect(() => extendRun(saved, frozen(12), pos, 3, [pass(4, true), pass(5, false), pass(6, false)], 'run')).toThrow(/ended with the weights of its best validation pass \(step 4\)/);
    const ok = extendRun(saved, frozen(12), pos, 3, [pass(4, true), pass(6, true)], 'run');
    expect(ok.reopened).toBe(true);
    expect(ok.config.stages[1].maxSteps).toBe(12);
    expect(extendRun(saved, frozen(6), pos, 3, [], 'run')).toMatchObject({ reopened: false, changes: [] });
  }, 120_000);

  it('firstDifference names the first differing path, whatever the key order', () => {
    expect(firstDifference({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBeNull();
    expect(firstDifference({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3] } })).toBe('b.c[1] (2 in the run vs 3 given)');
  });
});
