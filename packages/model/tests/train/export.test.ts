import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/tf/backend.ts';
import { resolveTrainConfig } from '../../src/config/train-config.ts';
import { buildModel } from '../../src/net/model.ts';
import { Adam } from '../../src/train/adam.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.ts';
import { exportWeights, setModelDecoding } from '../../src/train/export.ts';
import { resolveDecoding } from '../../src/infer/decoding.ts';
import { applyChordBass, chordBassPerBeat } from '../../src/infer/chord-bass.ts';
import { arrangeSegments, loadTrainedModel } from '../../src/infer/predict.ts';
import { syntheticBatch } from '../../src/testing/synthetic.ts';

describe('exportWeights', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('keeps the weights only, with a model card, and predicts exactly as the full checkpoint', async () => {
    const cfg = resolveTrainConfig({ preset: 'tiny', model: { audioFrames: 32, audioBins: 24 } });
    const model = buildModel(cfg.model, 5);
    const adam = new Adam();
    const grads = Object.fromEntries([...model.params.vars.values()].map((v) => [v.name, v.mul(0.25)]));
    adam.apply(model.params.vars, grads, 1e-3, 3);
    const runDir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-export-'));
    const position = { stage: 'dropscore' as const, stageIndex: 2, stepInStage: 3, globalStep: 9, epoch: 1, batchInEpoch: 0, stageDone: true };
    await saveCheckpoint({ runDir, model, adam, position, rngState: [4, 3, 2, 1], config: cfg, manifestSha256: 'feed', backend: 'wasm' });
    const outDir = path.join(runDir, 'exported');
    const info = await exportWeights({ from: runDir, outDir, trainingData: 'synthetic', reproduce: 'npx vitest' });

    const full = await loadCheckpoint(runDir);
    const slim = await loadCheckpoint(outDir);
    const params = [...full.values.keys()].filter((k) => k.startsWith('param:'));
    expect([...slim.values.keys()].sort()).toEqual(params.sort());
    expect(full.values.size).toBe(3 * params.length);
    expect(info.parameters).toBe([...model.params.vars.values()].reduce((n, v) => n + v.size, 0));
    const card = JSON.parse(await fs.readFile(path.join(outDir, 'model-card.json'), 'utf8'));
    expect(card).toMatchObject({ trainingData: 'synthetic', parameters: info.parameters, source: { position, manifestSha256: 'feed' } });
    expect((await fs.readdir(runDir)).filter((n) => n.includes('.tmp-'))).toEqual([]);

    const trained = await loadTrainedModel(outDir, { backend: 'wasm' });
    const b = syntheticBatch({ size: 2, audioFrames: 32, audioBins: 24, seed: 8 });
    const inputs = [0, 1].map((i) => ({ audio: b.audio.slice(i * 32 * 24, (i + 1) * 32 * 24), chords: b.chords.slice(i * 8 * 36, (i + 1) * 8 * 36) }));
    expect(await arrangeSegments(trained.model, inputs, { seed: 2, temperature: 1 })).toEqual(await arrangeSegments(model, inputs, { seed: 2, temperature: 1 }));
    expect(trained.decoding).toBeNull();
    // the chord-bass rule runs on each window's decoded notes with that window's chords
    const off = await arrangeSegments(model, inputs, { seed: 2, temperature: 1 });
    const voiced = await arrangeSegments(model, inputs, { seed: 2, temperature: 1, chordBass: 'voice' });
    expect(voiced).toEqual(off.map((notes, i) => applyChordBass(notes, chordBassPerBeat(inputs[i].chords), 'voice')));
    expect(voiced).not.toEqual(off);
    for (const m of [model, trained.model]) m.params.dispose();
    for (const g of Object.values(grads)) g.dispose();
    adam.dispose();
  }, 60_000);

  it('records a recommended decoding at export or afterwards, and loading the model returns it', async () => {
    const cfg = resolveTrainConfig({ preset: 'tiny', model: { audioFrames: 32, audioBins: 24 } });
    const model = buildModel(cfg.model, 6);
    const adam = new Adam();
    const runDir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-export-dec-'));
    const position = { stage: 'dropscore' as const, stageIndex: 2, stepInStage: 1, globalStep: 1, epoch: 1, batchInEpoch: 0, stageDone: true };
    await saveCheckpoint({ runDir, model, adam, position, rngState: [1, 2, 3, 4], config: cfg, manifestSha256: null, backend: 'wasm' });
    const decoding = { temperature: 0, eosThreshold: { first: 0.4, rest: 0.5 }, chosenOn: 'onset F1 on validation' };
    const outDir = path.join(runDir, 'exported');
    await exportWeights({ from: runDir, outDir, trainingData: 'synthetic', reproduce: '', decoding });
    const trained = await loadTrainedModel(outDir, { backend: 'wasm' });
    expect(trained.decoding).toEqual(decoding);
    expect(JSON.parse(await fs.readFile(path.join(outDir, 'model-card.json'), 'utf8')).decoding).toEqual(decoding);
    // no flags: the model's decoding; either flag: the flags (--eos-threshold alone is greedy)
    expect(resolveDecoding({}, trained.decoding)).toMatchObject({ temperature: 0, eos: { first: 0.4, rest: 0.5 } });
    expect(resolveDecoding({ temperature: 1 }, trained.decoding)).toMatchObject({ temperature: 1, eos: null, source: 'command line' });
    expect(resolveDecoding({ eosThreshold: '0.6' }, trained.decoding)).toMatchObject({ temperature: 0, eos: { first: 0.6, rest: 0.6 } });
    expect(resolveDecoding({}, null)).toMatchObject({ temperature: 1, eos: null, source: 'default' });

    const later = { temperature: 0, eosThreshold: { first: 0.3, rest: 0.6 }, chosenOn: 'a later calibration' };
    const weights = await fs.readFile(path.join(outDir, 'tensors.bin'));
    await setModelDecoding(outDir, { ...later, testResults: { 'vs block': { onsetF1: 0.1 } } });
    // the header holds the rule, the card also its test results
    expect((await loadTrainedModel(outDir, { backend: 'wasm' })).decoding).toEqual(later);
    expect(JSON.parse(await fs.readFile(path.join(outDir, 'model-card.json'), 'utf8')).decoding.testResults).toEqual({ 'vs block': { onsetF1: 0.1 } });
    expect(await fs.readFile(path.join(outDir, 'tensors.bin'))).toEqual(weights);
    expect((await fs.readdir(outDir)).sort()).toEqual(['header.json', 'model-card.json', 'tensors.bin']);
    await expect(setModelDecoding(runDir, later)).rejects.toThrow(/model-card\.json|header\.json/);

    // the chord-bass rule: the model's unless --chord-bass says otherwise, whatever the other flags; off by default
    await setModelDecoding(outDir, { ...later, chordBass: 'voice' });
    const withBass = await loadTrainedModel(outDir, { backend: 'wasm' });
    expect(resolveDecoding({}, withBass.decoding)).toMatchObject({ temperature: 0, chordBass: 'voice' });
    expect(resolveDecoding({ temperature: 1 }, withBass.decoding)).toMatchObject({ temperature: 1, chordBass: 'voice' });
    expect(resolveDecoding({ chordBass: 'off' }, withBass.decoding)).toMatchObject({ temperature: 0, eos: { first: 0.3, rest: 0.6 }, chordBass: 'off' });
    expect(resolveDecoding({}, trained.decoding).chordBass).toBe('off');
    expect(() => resolveDecoding({ chordBass: 'lowest' }, null)).toThrow(/--chord-bass.*off, release, voice/);
    withBass.model.params.dispose();
    // a header whose rule is unknown is refused with its file named
    const header = JSON.parse(await fs.readFile(path.join(outDir, 'header.json'), 'utf8'));
    await fs.writeFile(path.join(outDir, 'header.json'), JSON.stringify({ ...header, decoding: { ...header.decoding, chordBass: 'lowest' } }));
    await expect(loadTrainedModel(outDir, { backend: 'wasm' })).rejects.toThrow(/header\.json.*decoding\.chordBass/);
    model.params.dispose();
    trained.model.params.dispose();
    adam.dispose();
  }, 60_000);
});
