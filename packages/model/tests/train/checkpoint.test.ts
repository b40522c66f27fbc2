import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/tf/backend.ts';
import { resolveTrainConfig } from '../../src/config/train-config.ts';
import { buildModel } from '../../src/net/model.ts';
import { Adam } from '../../src/train/adam.ts';
import { loadCheckpoint, restoreInto, saveCheckpoint } from '../../src/train/checkpoint.ts';
import { loadTrainedModel, arrangeSegments } from '../../src/infer/predict.ts';
import { syntheticBatch } from '../../src/testing/synthetic.ts';

describe('checkpoints', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('round-trips weights, Adam moments and position; a truncated file is an input error', async () => {
    const cfg = resolveTrainConfig({ preset: 'tiny', model: { audioFrames: 32, audioBins: 24 } });
    const model = buildModel(cfg.model, 11);
    const adam = new Adam();
    const grads = Object.fromEntries([...model.params.vars.values()].map((v) => [v.name, v.mul(0.5)]));
    adam.apply(model.params.vars, grads, 1e-3, 3);
    const runDir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-ck-'));
    const position = { stage: 'warmup' as const, stageIndex: 0, stepInStage: 1, globalStep: 1, epoch: 0, batchInEpoch: 1, stageDone: false };
    const dir = await saveCheckpoint({ runDir, model, adam, position, rngState: [1, 2, 3, 4], config: cfg, manifestSha256: 'abc', backend: 'wasm' });
    const ck = await loadCheckpoint(runDir);
    expect(ck.dir).toBe(dir);
    expect(ck.header.position).toEqual(position);
    expect(ck.header.rngState).toEqual([1, 2, 3, 4]);
    const other = buildModel(cfg.model, 99);
    const otherAdam = new Adam();
    restoreInto(ck, other, otherAdam);
    for (const [n, v] of model.params.vars) expect(Array.from(other.params.vars.get(n)!.dataSync())).toEqual(Array.from(v.dataSync()));
    for (const [n, m] of adam.m) expect(Array.from(otherAdam.m.get(n)!)).toEqual(Array.from(m));
    expect(otherAdam.step).toBe(1);

    const trained = await loadTrainedModel(runDir, { backend: 'wasm' });
    const b = syntheticBatch({ size: 1, audioFrames: 32, audioBins: 24, seed: 3 });
    const [a1] = await arrangeSegments(model, [{ audio: b.audio, chords: b.chords }], { seed: 1, temperature: 1 });
    const [a2] = await arrangeSegments(trained.model, [{ audio: b.audio, chords: b.chords }], { seed: 1, temperature: 1 });
    expect(a2).toEqual(a1);

    const bin = path.join(dir, 'tensors.bin');
    await fs.truncate(bin, 100);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/truncated/);
    for (const m of [model, other, trained.model]) m.params.dispose();
    for (const g of Object.values(grads)) g.dispose();
    adam.dispose();
    otherAdam.dispose();
  }, 60_000);

  it('a checkpoint written before an option existed loads with its default (parallel.slotContext)', async () => {
    const cfg = resolveTrainConfig({ preset: 'tiny', model: { audioFrames: 32, audioBins: 24, decoder: 'parallel' } });
    expect(cfg.model.parallel.slotContext).toBe('independent');
    const model = buildModel(cfg.model, 5);
    const runDir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-ck-old-'));
    const position = { stage: 'warmup' as const, stageIndex: 0, stepInStage: 1, globalStep: 1, epoch: 0, batchInEpoch: 1, stageDone: false };
    const adam = new Adam();
    const dir = await saveCheckpoint({ runDir, model, adam, position, rngState: [1, 2, 3, 4], config: cfg, manifestSha256: 'abc', backend: 'wasm' });
    // what an older version wrote: no slotContext key
    const headerPath = path.join(dir, 'header.json');
    const header = JSON.parse(await fs.readFile(headerPath, 'utf8'));
    delete header.config.model.parallel.slotContext;
    await fs.writeFile(headerPath, JSON.stringify(header));
    const trained = await loadTrainedModel(runDir, { backend: 'wasm' });
    expect(trained.model.config.parallel.slotContext).toBe('independent');
    expect(trained.model.treeDec.kind === 'parallel' && trained.model.treeDec.causal).toBe(null);
    // an invalid option is a clear input error naming the header
    header.config.model.parallel.slotContext = 'sideways';
    await fs.writeFile(headerPath, JSON.stringify(header));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/header.json.*invalid model config/s);
    // a removed option the checkpoint used is refused with the reason
    header.config.model.parallel.slotContext = 'causal';
    await fs.writeFile(headerPath, JSON.stringify(header));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/header.json.*slotContext 'causal', which was removed.*retrain with 'causal-pitch'/s);
    for (const m of [model, trained.model]) m.params.dispose();
    adam.dispose();
  }, 60_000);
});
