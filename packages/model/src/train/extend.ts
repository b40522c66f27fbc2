/**
 * Resuming a run with a changed config (`a2s train --resume --config <file>`): the stages the run has not
 * reached yet may change freely, and the stage it is in (or has just finished) may be made longer, so a run
 * can be trained further from where it stopped instead of from step 0. Everything the checkpoint's steps
 * already depend on must stay as it was: the model, the seed, the batch, the data, the finished stages.
 */
import { InputError } from '@a2s/dataset';
import { DEFAULT_SIGMOID_MID, DEFAULT_SIGMOID_SCALE, isRelativeSchedule, scheduleValue } from '../config/model-config.ts';
import { stageLength, stageSchedules, type ResolvedTrainConfig, type StageConfig } from '../config/train-config.ts';
import type { TrainPosition } from './checkpoint.ts';
import type { ValidationEntry } from './validation.ts';

export interface Extension {
  /** The run's config from here on: the checkpoint's, with the given config's stages. */
  config: ResolvedTrainConfig;
  /** The checkpoint's stage had finished and is made longer: it continues from the checkpoint's step. */
  reopened: boolean;
  /** What changed, one line each (empty: the given config is the run's). */
  changes: string[];
}

/** JSON with object keys sorted, for comparing configs whatever order their keys were written in. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.keys(v)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** The first path at which `a` and `b` differ (`model.zAud`, `stages[1].lr`), or null when they are equal. */
export function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  const ca = canonical(a);
  const cb = canonical(b);
  if (JSON.stringify(ca) === JSON.stringify(cb)) return null;
  if (Array.isArray(ca) && Array.isArray(cb)) {
    if (ca.length !== cb.length) return `${at || '(root)'} (length ${ca.length} vs ${cb.length})`;
    for (let i = 0; i < ca.length; i++) {
      const d = firstDifference(ca[i], cb[i], `${at}[${i}]`);
      if (d) return d;
    }
  }
  if (typeof ca === 'object' && ca !== null && typeof cb === 'object' && cb !== null && !Array.isArray(ca) && !Array.isArray(cb)) {
    const keys = [...new Set([...Object.keys(ca), ...Object.keys(cb)])].sort();
    for (const k of keys) {
      const d = firstDifference((ca as Record<string, unknown>)[k], (cb as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
      if (d) return d;
    }
  }
  return `${at || '(root)'} (${JSON.stringify(ca)} in the run vs ${JSON.stringify(cb)} given)`;
}

/** A stage without its length and schedules (compared by value, step by step). */
const withoutLength = (s: StageConfig) => ({ ...s, maxSteps: null, epochs: 0, kl: null, teacherForcing: null });

/**
 * The config a resumed run continues with when a config is given: `given`'s stages, checked against the
 * checkpoint's `saved` config and position. Throws an InputError naming `file` and the first difference when
 * the given config would change what the checkpoint's steps were trained with.
 * @param stageValidation the run's validation passes (validation.jsonl) up to the checkpoint
 */
export function extendRun(
  saved: ResolvedTrainConfig,
  given: ResolvedTrainConfig,
  pos: TrainPosition,
  batchesPerEpoch: number | null,
  stageValidation: readonly ValidationEntry[],
  file: string,
): Extension {
  const fail = (message: string): never => {
    throw new InputError({ file, message: `--resume with a changed config: ${message}` });
  };
  // the data decides audioFrames / audioBins when the config leaves them open
  const givenModel = { ...given.model, audioFrames: given.model.audioFrames ?? saved.model.audioFrames, audioBins: given.model.audioBins ?? saved.model.audioBins };
  const modelDiff = firstDifference(saved.model, givenModel, 'model');
  if (modelDiff) fail(`the model differs from the run's at ${modelDiff}; a different model needs a new run`);
  const { stages: savedStages, model: _sm, ...savedRest } = saved;
  const { stages: givenStages, model: _gm, ...givenRest } = given;
  const restDiff = firstDifference(savedRest, givenRest);
  if (restDiff) fail(`the config differs from the run's at ${restDiff}; only stages the run has not finished may change`);
  const si = pos.stageIndex;
  for (let i = 0; i < si; i++) {
    const d = firstDifference(savedStages[i], givenStages[i], `stages[${i}]`);
    if (d) fail(`stage ${savedStages[i].name} is finished; it differs at ${d}`);
  }
  const was = savedStages[si];
  const now = givenStages[si];
  if (!now || now.name !== was.name) fail(`the run is in stage ${was.name} (stages[${si}]), the given config has ${now ? now.name : 'no stage'} there`);
  const d = firstDifference(withoutLength(was), withoutLength(now), `stages[${si}]`);
  if (d) fail(`stage ${was.name} has begun (step ${pos.stepInStage}); only its length (maxSteps, epochs) and its schedules' later values may change, it differs at ${d}`);
  const oldLen = stageLength(was, batchesPerEpoch);
  const newLen = stageLength(now, batchesPerEpoch);
  // the schedules must give every step trained so far (and the validation pass at the checkpoint's step) the
  // values it had: a schedule relative to the stage's length is written as the absolute one it was
  // (mid × length → midStep, scale × length → scaleSteps) for the stage to run longer
  const oldSchedules = stageSchedules(was);
  const newSchedules = new Map(stageSchedules(now));
  for (const [name, sched] of oldSchedules) {
    for (let step = 0; step <= pos.stepInStage; step++) {
      const a = scheduleValue(sched, step, oldLen);
      const b = scheduleValue(newSchedules.get(name)!, step, newLen);
      if (a !== b) {
        fail(
          `stage ${was.name} has begun (step ${pos.stepInStage}); its schedule ${name} gives step ${step} ${b}, where the run had ${a}` +
            (newLen !== oldLen && sched.type === 'sigmoid' && isRelativeSchedule(sched)
              ? ` (it is relative to the stage's length: to make the stage longer, give it as the absolute sigmoid it was, midStep ${(sched.mid ?? DEFAULT_SIGMOID_MID) * (oldLen ?? 0)}, scaleSteps ${(sched.scale ?? DEFAULT_SIGMOID_SCALE) * (oldLen ?? 0)})`
              : ''),
        );
      }
    }
  }

  const changes: string[] = [];
  let reopened = false;
  if (oldLen !== newLen) {
    const describe = (s: StageConfig, n: number | null) => `${n ?? 'unbounded'} steps (maxSteps ${s.maxSteps ?? 'none'}, epochs ${s.epochs})`;
    if (newLen !== null && newLen <= pos.stepInStage && !(pos.stageDone && newLen === pos.stepInStage)) {
      fail(`stage ${was.name} is at step ${pos.stepInStage} already; the given length, ${describe(now, newLen)}, is not longer`);
    }
    if (pos.stageDone) {
      if (oldLen !== null && pos.stepInStage < oldLen) {
        fail(`stage ${was.name} stopped early (validation) at step ${pos.stepInStage} of ${oldLen}; it is finished, a longer stage would not continue it`);
      }
      const best = [...stageValidation].reverse().find((e) => e.stage === was.name && e.best);
      if (saved.validation?.earlyStop?.stages.includes(was.name) && best && best.step !== pos.stepInStage) {
        fail(
          `stage ${was.name} ended with the weights of its best validation pass (step ${best.step}), not those of its last step (${pos.stepInStage}); a longer stage would not continue from them`,
        );
      }
      reopened = newLen === null || newLen > pos.stepInStage;
    }
    changes.push(`stage ${was.name}: ${describe(was, oldLen)} → ${describe(now, newLen)}${reopened ? `; it had finished, and continues from step ${pos.stepInStage}` : ''}`);
  }
  for (const [name, sched] of oldSchedules) {
    const dd = firstDifference(sched, newSchedules.get(name), name);
    if (dd) changes.push(`stage ${was.name}: schedule ${dd} (the same values up to step ${pos.stepInStage})`);
  }
  for (let i = si + 1; i < Math.max(savedStages.length, givenStages.length); i++) {
    const dd = firstDifference(savedStages[i] ?? null, givenStages[i] ?? null, `stages[${i}]`);
    if (dd) changes.push(`stage ${givenStages[i]?.name ?? savedStages[i].name} (not begun): differs at ${dd}`);
  }
  return { config: { ...saved, stages: givenStages }, reopened, changes };
}
