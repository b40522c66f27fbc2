import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Synthetic run: pretrain 300 steps then dropscore 200, a log line per step; validation every 50 steps on 32 segments. */
export const PRETRAIN_STEPS = 300;
export const DROPSCORE_STEPS = 200;
/** Validation passes: [stage, step, best]. Dropscore stops early after its pass at step 175 (off the grid). */
export const PASSES: readonly [string, number, boolean][] = [
  ['pretrain', 50, true],
  ['pretrain', 100, true],
  ['pretrain', 150, true],
  ['pretrain', 200, false],
  ['pretrain', 250, true],
  ['pretrain', 300, false],
  ['dropscore', 50, true],
  ['dropscore', 100, true],
  ['dropscore', 150, false],
  ['dropscore', 175, false],
];

export function trainLoss(globalStep: number): number {
  return 2 + 3 * Math.exp(-globalStep / 100) + 0.3 * Math.sin(globalStep * 1.7);
}

/** Writes `<dir>/log.jsonl` and (unless `validation` is false) `<dir>/validation.jsonl` as the trainer does. */
export async function writeSyntheticRun(dir: string, opts: { validation?: boolean } = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const log: string[] = [];
  for (const [stage, steps, offset] of [
    ['pretrain', PRETRAIN_STEPS, 0],
    ['dropscore', DROPSCORE_STEPS, PRETRAIN_STEPS],
  ] as const) {
    for (let step = 1; step <= steps; step++) {
      const g = offset + step;
      const loss = trainLoss(g);
      log.push(JSON.stringify({ stage, step, globalStep: g, epoch: 1, loss, losses: { pitch: loss / 2, dur: loss / 2 }, lr: 1e-3, gradNorm: 1, segmentsPerSec: 50, timeSec: g / 10 }));
    }
  }
  await writeFile(join(dir, 'log.jsonl'), `${log.join('\n')}\n`);
  if (opts.validation === false) return;
  const lines = PASSES.map(([stage, step, best]) => {
    const globalStep = (stage === 'pretrain' ? 0 : PRETRAIN_STEPS) + step;
    const loss = trainLoss(globalStep) + 0.2;
    const onsetF1 = 0.2 + globalStep / 1000;
    return JSON.stringify({
      stage,
      step,
      globalStep,
      segments: 32,
      mode: stage === 'pretrain' ? 'independent' : 'autoregressive',
      loss,
      losses: { pitch: loss / 2, dur: loss / 2, rhythm: 0, chord: 0, aux: 0, kl_chd: 0, kl_aud: 0, kl_sym: 0 },
      metrics: { onsetF1, onsetPrecision: onsetF1, onsetRecall: onsetF1, notesPerBeat: 3, targetNotesPerBeat: 3.5 },
      best,
      timeSec: 1.5,
    });
  });
  await writeFile(join(dir, 'validation.jsonl'), `${lines.join('\n')}\n`);
}
