/**
 * A tiny training run for the kill -9 trials of the reliability suite: `node --import tsx train-worker.ts
 * <runDir> [--resume]`. The model package's trainer on its synthetic batches (no dataset or features
 * needed), 6 steps in two stages, a checkpoint every 2 steps: the same checkpoint, resume and log code as
 * `a2s train`.
 */
import { resolveTrainConfig, selectBackend, syntheticSource, train } from '@a2s/model';

const [runDir, flag] = process.argv.slice(2);
await selectBackend('wasm');
const kl = { chd: { type: 'constant', value: 0.01 }, aud: { type: 'constant', value: 0.01 }, sym: { type: 'constant', value: 0.01 } };
const config = resolveTrainConfig({
  preset: 'tiny',
  batchSize: 4,
  seed: 11,
  checkpointEverySteps: 2,
  model: { audioFrames: 32, audioBins: 24 },
  stages: [
    { name: 'warmup', epochs: 100, maxSteps: 4, lr: 3e-3, kl },
    { name: 'pretrain', epochs: 100, maxSteps: 2, lr: 3e-3, kl },
  ],
});
const source = syntheticSource({ size: 4, batches: 3, audioFrames: 32, audioBins: 24, seed: 5 });
const r = await train({ config, runDir, source, backend: 'wasm', resume: flag === '--resume', onMessage: (m) => process.stderr.write(`${m}\n`) });
process.stdout.write(`done ${r.position.globalStep}\n`);
