/**
 * The staged training loop: stages in order, each from the previous stage's weights (fresh Adam, schedules
 * from step 0, as the reference's separate stage scripts), checkpoints, resume, per-step JSONL log.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createRng, InputError, writeFileAtomic, type Rng } from '@a2s/dataset';
import type { Batch } from '@a2s/features';
import { scheduleValue } from '../config/model-config.ts';
import { stageHasRelativeSchedule, stageLength, stageParent, trainedModeOf, type ResolvedTrainConfig, type StageConfig, type StageName } from '../config/train-config.ts';
import { buildModel, type A2SModel, type TrainKnobs } from '../net/model.ts';
import { batchToInputs, disposeInputs, findNonFinite } from '../net/inputs.ts';
import { Adam } from './adam.ts';
import { checkpointName, findStageEnd, loadCheckpoint, pruneCheckpoints, restoreInto, saveCheckpoint, type TrainPosition } from './checkpoint.ts';
import { trainStep, type LossValues } from './step.ts';
import { DataParallel, type ParallelOptions } from './parallel/data-parallel.ts';
import { WorkerFailedError } from './parallel/pool.ts';
import { ensureTfRuntime } from '../tf/backend.ts';
import { EarlyStopper, validate, type ValidationEntry } from './validation.ts';
import { keepJsonl, readJsonl } from './jsonl.ts';
import { extendRun } from './extend.ts';

/** Where batches come from: one async iterable per (stage, epoch), deterministic for a given seed. */
export interface BatchSource {
  epoch(stage: StageConfig, stageIndex: number, epoch: number): AsyncIterable<Batch>;
  /** Batches per epoch when known (progress bar total). */
  batchesPerEpoch?(): Promise<number>;
  /**
   * A fixed, seeded sample of about `segments` validation segments with the stage's symbolic input (its
   * corruption); needed when the config has `validation`.
   */
  validation?(stage: StageConfig, stageIndex: number, segments: number): Promise<Batch[]>;
}

export interface TrainLogEntry {
  stage: StageName;
  step: number;
  globalStep: number;
  epoch: number;
  loss: number;
  losses: Omit<LossValues, 'total'>;
  klWeight: { chd: number; aud: number; sym: number };
  teacherForcing: { time: number; note: number; chord: number };
  lr: number;
  gradNorm: number;
  segmentsPerSec: number;
  timeSec: number;
}

export interface TrainOptions {
  config: ResolvedTrainConfig;
  runDir: string;
  source: BatchSource;
  backend: string;
  /** Stages to run (default all of the config's, in order). */
  stages?: readonly StageName[];
  resume?: boolean;
  /**
   * With `resume`: `config` is the run's config from here on (`a2s train --resume --config`), checked against
   * the checkpoint's (train/extend.ts: stages not begun may change, the current or just-finished stage may be
   * made longer). Without it a resumed run keeps its checkpoint's config and `config` is not read.
   */
  extend?: boolean;
  /**
   * Stop (with a checkpoint) once the run's global step reaches this (total steps of the run, over every
   * `resume`; a run already there trains no further) / after this much wall time in this invocation.
   */
  maxSteps?: number;
  maxMinutes?: number;
  manifestSha256?: string | null;
  /** Extra run.json fields (git commit, command line…). */
  runInfo?: Record<string, unknown>;
  onStep?: (e: TrainLogEntry) => void;
  onValidation?: (e: ValidationEntry) => void;
  onMessage?: (line: string) => void;
  /** Data-parallel workers and micro-batches (default: one worker, whole batches: the plain single-pass step). */
  parallel?: ParallelOptions;
}

export interface TrainResult {
  model: A2SModel;
  position: TrainPosition;
  steps: number;
  stoppedEarly: boolean;
  lastCheckpoint: string | null;
}

/** Thrown when a loss turns NaN/Inf; the run folder keeps its last good checkpoint. */
export class NonFiniteLossError extends Error {
  constructor(
    message: string,
    readonly lastCheckpoint: string | null,
  ) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

/** The knobs at `step` of a stage `stageSteps` long (relative schedules scale with it). */
function knobsAt(cfg: ResolvedTrainConfig, stage: StageConfig, step: number, stageSteps: number | null): TrainKnobs {
  const v = (s: Parameters<typeof scheduleValue>[0]) => scheduleValue(s, step, stageSteps);
  return {
    klWeights: { chd: v(stage.kl.chd), aud: v(stage.kl.aud), sym: v(stage.kl.sym) },
    tfr: { time: v(stage.teacherForcing.time), note: v(stage.teacherForcing.note), chord: v(stage.teacherForcing.chord) },
    symbolic: stage.symbolic,
    priorStd: stage.priorStd,
    pitchWeight: cfg.pitchWeight,
    durWeight: cfg.durWeight,
  };
}

export function learningRate(stage: StageConfig, step: number): number {
  return Math.max(stage.lr * Math.pow(stage.lrDecay, step), stage.lr * stage.lrMinFactor);
}

/**
 * `source`'s items in order, each next one asked for as soon as one is handed out (in a macrotask, after the
 * step that takes the item has posted its shards): while data-parallel workers compute a step, this thread
 * assembles the next batch. The source is deterministic per (stage, epoch), so the batches are the same.
 */
export async function* prefetched<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<T>> = it.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = new Promise((resolve, reject) => setImmediate(() => it.next().then(resolve, reject)));
      yield r.value;
    }
  } finally {
    // the consumer stopped early (a stage's last step, a budget): drop the batch in flight
    next.catch(() => {});
    await it.return?.();
  }
}

/** Runs (or resumes) training into `runDir`. */
export async function train(o: TrainOptions): Promise<TrainResult> {
  const dp = o.parallel ? new DataParallel(o.parallel) : null;
  try {
    return await trainWith(o, dp);
  } finally {
    await dp?.close();
  }
}

async function trainWith(o: TrainOptions, dp: DataParallel | null): Promise<TrainResult> {
  const say = o.onMessage ?? (() => {});
  await ensureTfRuntime();
  await fs.mkdir(o.runDir, { recursive: true });
  const latestPath = path.join(o.runDir, 'checkpoints', 'latest.json');
  const hasLatest = await fs.access(latestPath).then(
    () => true,
    () => false,
  );
  const stageNames = o.config.stages.map((s) => s.name);
  const wanted = o.stages ?? stageNames;
  for (const w of wanted) if (!stageNames.includes(w)) throw new InputError({ file: o.runDir, message: `stage ${w} is not in this config (${stageNames.join(', ')})` });
  let cfg = o.config;
  let model: A2SModel | null = null;
  let adam = new Adam();
  let rng: Rng = createRng(cfg.seed).fork('train');
  let pos: TrainPosition | null = null;
  let lastCheckpoint: string | null = null;

  const logPath = path.join(o.runDir, 'log.jsonl');
  const valPath = path.join(o.runDir, 'validation.jsonl');
  const batchesPerEpoch = o.source.batchesPerEpoch ? await o.source.batchesPerEpoch() : null;
  let extended: string[] | undefined;
  if (o.resume) {
    const anyCheckpoint = hasLatest || (await fs.readdir(path.join(o.runDir, 'checkpoints')).catch(() => [] as string[])).some((n) => !n.startsWith('.') && n !== 'latest.json');
    if (!anyCheckpoint) throw new InputError({ file: o.runDir, message: 'nothing to resume: no checkpoints/latest.json' });
    // a damaged latest checkpoint (cut by a kill, a full disk) falls back to the newest intact one
    const ck = await loadCheckpoint(o.runDir, { fallback: true });
    for (const s of ck.skipped ?? []) say(`skipping damaged checkpoint ${path.basename(s.dir)}: ${s.reason}`);
    if (ck.skipped?.length) say(`falling back to ${path.basename(ck.dir)}, the newest intact checkpoint`);
    cfg = ck.header.config;
    model = buildModel(cfg.model, cfg.seed);
    restoreInto(ck, model, adam);
    rng.setState(ck.header.rngState);
    pos = ck.header.position;
    lastCheckpoint = ck.dir;
    // the log keeps only what the checkpoint has seen: steps after it are redone identically
    const seen = (e: { globalStep: number }) => e.globalStep <= pos!.globalStep;
    await keepJsonl(logPath, seen);
    await keepJsonl(valPath, seen);
    if (o.extend) {
      const ext = extendRun(cfg, o.config, pos, batchesPerEpoch, await readJsonl<ValidationEntry>(valPath), o.runDir);
      cfg = ext.config;
      if (ext.reopened) pos.stageDone = false;
      extended = ext.changes;
      for (const c of ext.changes) say(`config changed: ${c}`);
    }
    say(`resuming ${checkpointName(pos)} (global step ${pos.globalStep})`);
  } else if (hasLatest && o.stages === undefined) {
    throw new InputError({ file: o.runDir, message: 'run folder already has checkpoints: pass --resume, or choose another --run-dir' });
  }

  const runJsonPath = path.join(o.runDir, 'run.json');
  const prevRun = await fs
    .readFile(runJsonPath, 'utf8')
    .then((t) => JSON.parse(t) as { invocations?: unknown[] })
    .catch(() => ({ invocations: [] as unknown[] }));
  const invocation = { startedAt: new Date().toISOString(), backend: o.backend, resume: !!o.resume, ...(extended?.length ? { configChanges: extended } : {}), stages: wanted, ...o.runInfo };
  await writeFileAtomic(
    runJsonPath,
    JSON.stringify({ backend: o.backend, manifestSha256: o.manifestSha256 ?? null, ...o.runInfo, invocations: [...(prevRun.invocations ?? []), invocation] }, null, 2) + '\n',
  );

  const started = performance.now();
  let steps = 0;
  let stoppedEarly = false;
  const outOfBudget = (): boolean =>
    (o.maxSteps !== undefined && (pos?.globalStep ?? 0) >= o.maxSteps) || (o.maxMinutes !== undefined && (performance.now() - started) / 60000 >= o.maxMinutes);
  if (model && pos && o.maxSteps !== undefined && pos.globalStep >= o.maxSteps) {
    say(`the run is at global step ${pos.globalStep}, already at --max-steps ${o.maxSteps} (total steps of the run): nothing to do`);
    return { model, position: { ...pos }, steps: 0, stoppedEarly: true, lastCheckpoint };
  }

  const valBatches = new Map<number, Batch[]>();
  // The stage whose final weights are in `model` (null: none finished in this process / resumed mid-stage).
  let finishedInMemory: StageName | null = pos?.stageDone ? pos.stage : null;
  for (let si = 0; si < cfg.stages.length; si++) {
    const stage = cfg.stages[si];
    if (!wanted.includes(stage.name)) continue;
    if (pos && (si < pos.stageIndex || (si === pos.stageIndex && pos.stageDone))) continue;
    const resumingHere = pos !== null && pos.stageIndex === si && !pos.stageDone;
    const stageSteps = stageLength(stage, batchesPerEpoch);
    if (stageSteps === null && stageHasRelativeSchedule(stage)) {
      throw new InputError({
        file: o.runDir,
        message: `stage ${stage.name} has schedules relative to its length, but its length is unknown: give it maxSteps, or absolute midStep/scaleSteps`,
      });
    }
    if (!resumingHere) {
      // a new stage: its parent stage's final weights (the stage graph), fresh optimizer and schedules
      const parent = stageParent(cfg.stages, si);
      // (weights are assigned into the model's existing variables when there is one: its tfjs variables, and so
      // the names the data-parallel workers' gradients are keyed by, stay the same)
      if (parent === null && model) {
        // fresh initial weights for a stage that starts from scratch after another stage
        const fresh = buildModel(cfg.model, cfg.seed);
        for (const [n, v] of model.params.vars) v.assign(fresh.params.vars.get(n)!);
        fresh.params.dispose();
        rng = createRng(cfg.seed).fork(`train/${stage.name}`);
      } else if (parent !== null && parent !== finishedInMemory) {
        const prev = await findStageEnd(o.runDir, parent);
        if (!prev) throw new InputError({ file: o.runDir, message: `stage ${stage.name} needs the finished ${parent} stage's checkpoint in this run folder` });
        const ck = await loadCheckpoint(prev);
        cfg = { ...ck.header.config, stages: cfg.stages };
        model ??= buildModel(cfg.model, cfg.seed);
        restoreInto(ck, model, null);
        rng.setState(ck.header.rngState);
        say(`stage ${stage.name} starts from ${path.basename(prev)}`);
      }
      adam.dispose();
      adam = new Adam();
      pos = { stage: stage.name, stageIndex: si, stepInStage: 0, globalStep: pos?.globalStep ?? 0, epoch: 0, batchInEpoch: 0, stageDone: false };
      // the stage starts at step 0: log lines of an earlier, unfinished attempt at it (a run killed before its
      // first checkpoint) are dropped, so the log never continues a dead run's steps
      const other = (e: { stage: StageName }) => e.stage !== stage.name;
      const dropped = await keepJsonl(logPath, other);
      if (dropped > 0) say(`log.jsonl: dropped ${dropped} line(s) of an unfinished earlier attempt at stage ${stage.name}; starting its log anew`);
      await keepJsonl(valPath, other);
    }
    const p = pos!;
    await fs.writeFile(path.join(o.runDir, 'config.json'), JSON.stringify(cfg, null, 2) + '\n');
    say(`stage ${stage.name}: ${stage.epochs} epoch(s)${stage.maxSteps ? `, at most ${stage.maxSteps} steps` : ''}, lr ${stage.lr}`);
    let stageFinished = false;
    // validation and early stopping of this stage (README "Validation and early stopping")
    const vcfg = cfg.validation ?? null;
    const early = vcfg?.earlyStop && vcfg.earlyStop.stages.includes(stage.name) ? vcfg.earlyStop : null;
    const stopper = early ? new EarlyStopper(early.metric, early.patience) : null;
    if (stopper) for (const e of await readJsonl<ValidationEntry>(valPath)) if (e.stage === stage.name) stopper.record(e);
    const bestRoot = path.join(o.runDir, 'best', stage.name);
    let lastValidated = -1;
    const validateNow = async (): Promise<void> => {
      if (!vcfg || !model || lastValidated === p.stepInStage) return;
      if (!o.source.validation) throw new InputError({ file: o.runDir, message: 'the config asks for validation, but the batch source has no validation split' });
      let batches = valBatches.get(si);
      if (!batches) {
        batches = await o.source.validation(stage, si, vcfg.segments);
        if (batches.length === 0) throw new InputError({ file: o.runDir, message: 'the config asks for validation, but the valid split has no segments' });
        valBatches.set(si, batches);
      }
      const t0 = performance.now();
      const mode = trainedModeOf(stage, cfg.model.variant) === 'autoregressive' ? 'autoregressive' : 'independent';
      const r = await validate(model, batches, knobsAt(cfg, stage, p.stepInStage, stageSteps), mode, cfg.seed, cfg.validation?.eosThreshold ?? null);
      const best = stopper ? stopper.record({ ...r, step: p.stepInStage }) : false;
      if (best) {
        await saveCheckpoint({ runDir: bestRoot, model, adam: null, position: { ...p }, rngState: rng.getState(), config: cfg, manifestSha256: o.manifestSha256 ?? null, backend: o.backend });
        await pruneCheckpoints(bestRoot, stage.name, 1);
      }
      const entry: ValidationEntry = { stage: stage.name, step: p.stepInStage, globalStep: p.globalStep, segments: r.segments, mode, loss: r.loss, losses: r.losses, metrics: r.metrics, best, timeSec: (performance.now() - t0) / 1000 };
      await fs.appendFile(valPath, JSON.stringify(entry) + '\n');
      lastValidated = p.stepInStage;
      o.onValidation?.(entry);
      say(`validation ${stage.name} step ${p.stepInStage}: loss ${r.loss.toFixed(4)}, onset F1 ${r.metrics.onsetF1.toFixed(4)} on ${r.segments} segments${best ? ' (best)' : ''}`);
    };
    /** At the end of an early-stopping stage: its best pass's weights become the stage's final weights. */
    const restoreBest = async (): Promise<void> => {
      if (!stopper || !model || stopper.best === null || stopper.bestStep === p.stepInStage) return;
      const ck = await loadCheckpoint(bestRoot);
      restoreInto(ck, model, null);
      say(`stage ${stage.name} ends with the weights of its best validation pass (step ${stopper.bestStep})`);
    };
    for (let epoch = p.epoch; epoch < stage.epochs && !stageFinished; epoch++) {
      let index = 0;
      for await (const batch of prefetched(o.source.epoch(stage, si, epoch))) {
        if (epoch === p.epoch && index < p.batchInEpoch) {
          index++;
          continue;
        }
        if (!model) {
          cfg = { ...cfg, model: { ...cfg.model, audioFrames: cfg.model.audioFrames ?? batch.audioFrames, audioBins: cfg.model.audioBins ?? batch.audioBins } };
          model = buildModel(cfg.model, cfg.seed);
          await fs.writeFile(path.join(o.runDir, 'config.json'), JSON.stringify(cfg, null, 2) + '\n');
          say(`model: ${model.params.count()} parameters`);
        }
        const t0 = performance.now();
        const knobs = knobsAt(cfg, stage, p.stepInStage, stageSteps);
        const lr = learningRate(stage, p.stepInStage);
        let result;
        if (dp?.isSharded(batch.size)) {
          result = await dp.step({ model, adam, batch, knobs, rng, lr, clipNorm: cfg.clipNorm, seed: cfg.seed, backend: o.backend }).catch((err: unknown) => {
            throw err instanceof WorkerFailedError ? new WorkerFailedError(`${err.message}. Training stopped; last checkpoint: ${lastCheckpoint ?? 'none'}`, lastCheckpoint) : err;
          });
        } else {
          const inputs = batchToInputs(batch);
          try {
            result = trainStep(model, adam, inputs, knobs, rng, { lr, clipNorm: cfg.clipNorm });
          } finally {
            disposeInputs(inputs);
          }
        }
        if (!result.ok) {
          const bad = findNonFinite(batch);
          const terms = Object.entries(result.losses)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ');
          throw new NonFiniteLossError(
            `non-finite loss at stage ${stage.name} step ${p.stepInStage + 1} (epoch ${epoch}, batch ${index}): ${terms}` +
              (bad ? `; the batch's ${bad} input has NaN/Inf values` : `; gradient norm ${result.gradNorm}`) +
              `. Training stopped; last good checkpoint: ${lastCheckpoint ?? 'none'}`,
            lastCheckpoint,
          );
        }
        const dt = (performance.now() - t0) / 1000;
        index++;
        steps++;
        p.stepInStage++;
        p.globalStep++;
        p.epoch = epoch;
        p.batchInEpoch = index;
        const { total, ...losses } = result.losses;
        const entry: TrainLogEntry = {
          stage: stage.name,
          step: p.stepInStage,
          globalStep: p.globalStep,
          epoch,
          loss: total,
          losses,
          klWeight: knobs.klWeights,
          teacherForcing: knobs.tfr,
          lr,
          gradNorm: result.gradNorm,
          segmentsPerSec: batch.size / dt,
          timeSec: dt,
        };
        await fs.appendFile(logPath, JSON.stringify(entry) + '\n');
        o.onStep?.(entry);
        const stageStepCap = stage.maxSteps !== null && p.stepInStage >= stage.maxSteps;
        if (stageStepCap) stageFinished = true;
        if (vcfg && (stageFinished || p.stepInStage % vcfg.everySteps === 0)) {
          await validateNow();
          if (stopper?.exhausted && !stageFinished) {
            stageFinished = true;
            say(`stage ${stage.name} stops early at step ${p.stepInStage}: ${stopper.patience} validation pass(es) without a better ${stopper.metric}`);
          }
        }
        if (stageFinished) await restoreBest();
        const stop = outOfBudget();
        if (stageFinished || stop || p.stepInStage % cfg.checkpointEverySteps === 0) {
          if (stageFinished) p.stageDone = true;
          lastCheckpoint = await saveCheckpoint({ runDir: o.runDir, model, adam, position: { ...p }, rngState: rng.getState(), config: cfg, manifestSha256: o.manifestSha256 ?? null, backend: o.backend });
          await pruneCheckpoints(o.runDir, stage.name, cfg.keepCheckpoints);
        }
        if (stageFinished) break;
        if (stop) {
          stoppedEarly = true;
          say(`stopping at ${checkpointName(p)} (budget reached); continue with --resume`);
          return { model, position: { ...p }, steps, stoppedEarly, lastCheckpoint };
        }
      }
      if (!stageFinished) {
        p.epoch = epoch + 1;
        p.batchInEpoch = 0;
      }
    }
    if (!p.stageDone) {
      if (!model) {
        throw new InputError({
          file: o.runDir,
          message:
            batchesPerEpoch === 0
              ? `stage ${stage.name} saw no batches: the training data gives no full batch of ${cfg.batchSize} segments (the train split is empty or smaller than the batch size: lower the batch size or build more songs)`
              : `stage ${stage.name} saw no batches: the training split is empty`,
        });
      }
      await validateNow();
      await restoreBest();
      p.stageDone = true;
      lastCheckpoint = await saveCheckpoint({ runDir: o.runDir, model, adam, position: { ...p }, rngState: rng.getState(), config: cfg, manifestSha256: o.manifestSha256 ?? null, backend: o.backend });
      await pruneCheckpoints(o.runDir, stage.name, cfg.keepCheckpoints);
    }
    finishedInMemory = stage.name;
    say(`stage ${stage.name} done at step ${p.stepInStage}`);
  }
  if (!model || !pos) throw new InputError({ file: o.runDir, message: 'nothing to train: every requested stage is already done' });
  return { model, position: pos, steps, stoppedEarly, lastCheckpoint };
}
