import { z } from 'zod';
import { CorruptionSchema, FeatureConfigSchema, ScoreTargetSchema, TransposeSchema } from '@a2s/features';
import { ModelConfigSchema, ScheduleSchema, isRelativeSchedule, type ModelConfig, type Schedule, type Variant } from './model-config.ts';
import { MODEL_PRESETS, PRESET_NAMES, type PresetName } from './presets.ts';

export const STAGE_NAMES = ['warmup', 'pretrain', 'dropscore', 'autoregressive'] as const;
export const StageNameSchema = z.enum(STAGE_NAMES);
export type StageName = z.infer<typeof StageNameSchema>;

const constant = (value: number): Schedule => ({ type: 'constant', value });
/** A sigmoid relative to the stage: mid-point at half the stage, width a tenth of it (the defaults). */
const sigmoid = (from: number, to: number): Schedule => ({ type: 'sigmoid', from, to });

/** One training stage (reference: scripts/run_a2s_stage{1..4}.py with a2s_config.py's LR/BETA/CORRUPT). */
export const StageConfigSchema = z
  .object({
    name: StageNameSchema,
    /**
     * The stage whose final weights this one starts from: omitted = the stage before it in the list; null = a
     * fresh model (only the first stage may start fresh implicitly). It must come earlier in the list.
     */
    from: StageNameSchema.nullable().optional(),
    /** Passes over the training split (reference: 120, 90, 90, 90). */
    epochs: z.number().int().positive().default(1),
    /** Stops the stage after this many steps even if epochs remain. */
    maxSteps: z.number().int().positive().nullable().default(null),
    lr: z.number().positive(),
    /** Per-step exponential decay, floored at lr·lrMinFactor (reference MinExponentialLR 0.9999, 1e-2). */
    lrDecay: z.number().positive().max(1).default(0.9999),
    lrMinFactor: z.number().min(0).max(1).default(0.01),
    /** Symbolic input of the batch iterator (features' CorruptionSchema). */
    corruption: CorruptionSchema.default({ type: 'none' }),
    /** `encode` z_sym from the batch's piano-roll; `prior`: z_sym ~ N(0, priorStd²) without gradient. */
    symbolic: z.enum(['encode', 'prior']).default('encode'),
    priorStd: z.number().positive().default(0.1),
    kl: z.object({ chd: ScheduleSchema, aud: ScheduleSchema, sym: ScheduleSchema }).strict(),
    /** Reference train.py tf_rates: time (0.8→0.3), note (0.8→0.5), chord (0.5→0). */
    teacherForcing: z
      .object({
        time: ScheduleSchema.default(sigmoid(0.8, 0.3)),
        note: ScheduleSchema.default(sigmoid(0.8, 0.5)),
        chord: ScheduleSchema.default(sigmoid(0.5, 0)),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type StageConfig = z.infer<typeof StageConfigSchema>;
export type StageConfigInput = z.input<typeof StageConfigSchema>;

/**
 * The reference's stage graph for the `full` and `nochd` variants: warm-up → pre-train → {drop-score,
 * autoregressive}; the two third stages both start from the pre-trained weights (3a and 3b).
 */
export function referenceStages(): StageConfigInput[] {
  return [
    { name: 'warmup', epochs: 120, lr: 5e-4, kl: { chd: sigmoid(0, 0.01), aud: sigmoid(0, 0.01), sym: sigmoid(0, 0.01) } },
    {
      name: 'pretrain',
      epochs: 90,
      lr: 5e-5,
      corruption: { type: 'bandMask' },
      kl: { chd: constant(0.01), aud: constant(0.01), sym: sigmoid(0.01, 0.5) },
    },
    {
      name: 'dropscore',
      epochs: 90,
      lr: 5e-5,
      symbolic: 'prior',
      kl: { chd: constant(0.01), aud: constant(0.01), sym: constant(0) },
    },
    {
      name: 'autoregressive',
      from: 'pretrain',
      epochs: 90,
      lr: 5e-5,
      corruption: { type: 'previousSegment' },
      kl: { chd: constant(0.01), aud: constant(0.01), sym: constant(0.5) },
    },
  ];
}

/** Default stages per variant: the supervised baselines train one stage (KL off, or annealed to 0.01). */
export function defaultStages(variant: Variant): StageConfigInput[] {
  if (variant === 'supervised' || variant === 'supervised+kl') {
    const aud = variant === 'supervised' ? constant(0) : sigmoid(0, 0.01);
    return [{ name: 'warmup', epochs: 120, lr: 5e-4, kl: { chd: constant(0), aud, sym: constant(0) } }];
  }
  return referenceStages();
}

/**
 * Validation during training (README "Validation and early stopping"): every `everySteps` steps of a stage and
 * at its end, the loss and onset metrics on a fixed sample of the valid split go to `<run>/validation.jsonl`;
 * stages listed in `earlyStop` end once `patience` passes in a row bring no better value, and end with the
 * weights of their best pass.
 */
export const ValidationSchema = z
  .object({
    everySteps: z.number().int().positive(),
    /** Validation segments: a seeded sample of the valid split, drawn once per stage (its corruption). */
    segments: z.number().int().positive().default(256),
    /**
     * Greedy decoding's EOS thresholds for the validation metrics (`EosThreshold`: first slot, later slots, each
     * in (0, 1]); null: plain argmax. Early stopping on onset F1 then selects weights for the rule they will be
     * decoded with (experiments/decode-calibration).
     */
    eosThreshold: z
      .object({ first: z.number().gt(0).max(1), rest: z.number().gt(0).max(1) })
      .strict()
      .nullable()
      .default(null),
    earlyStop: z
      .object({
        stages: z.array(StageNameSchema).min(1),
        /** Passes without a new best before the stage stops. */
        patience: z.number().int().positive(),
        /** `onsetF1` (higher is better) or the validation `loss` (lower is better). */
        metric: z.enum(['onsetF1', 'loss']).default('onsetF1'),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ValidationConfig = z.infer<typeof ValidationSchema>;

/** A training config file (configs/*.json). Everything but `preset` may be left out. */
export const TrainConfigSchema = z
  .object({
    schemaVersion: z.literal(1).default(1),
    preset: z.enum(PRESET_NAMES).default('small'),
    /** Overrides of the preset's model sizes (deep-merged). */
    model: z.record(z.string(), z.unknown()).default({}),
    seed: z.number().int().min(0).default(0),
    batchSize: z.number().int().positive().default(64),
    features: FeatureConfigSchema.prefault({}),
    transpose: TransposeSchema.prefault({}),
    /**
     * Tracks of the score-input stages' symbolic input (`input`: piano+bridge, ours, or piano, the reference's)
     * and the auxiliary targets' sources (`aux`: ours or reference); features' ScoreTargetSchema.
     */
    score: ScoreTargetSchema.prefault({}),
    clipNorm: z.number().min(0).default(3),
    pitchWeight: z.number().min(0).default(1),
    durWeight: z.number().min(0).default(0.5),
    checkpointEverySteps: z.number().int().positive().default(500),
    /** Checkpoints kept per stage besides the stage's last one. */
    keepCheckpoints: z.number().int().min(1).default(2),
    /** null: the variant's default stages ({@link defaultStages}). */
    stages: z.array(StageConfigSchema).min(1).nullable().default(null),
    /** null: no validation during training. */
    validation: ValidationSchema.nullable().default(null),
  })
  .strict();
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;

/** The fully resolved config stored in a run folder. */
export interface ResolvedTrainConfig extends Omit<z.infer<typeof TrainConfigSchema>, 'stages' | 'model'> {
  model: ModelConfig;
  stages: StageConfig[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** Resolves a config: preset + model overrides, default stages for the variant, every default filled. */
export function resolveTrainConfig(input: unknown): ResolvedTrainConfig {
  const cfg = TrainConfigSchema.parse(input);
  const model = ModelConfigSchema.parse(deepMerge(MODEL_PRESETS[cfg.preset as PresetName] as Record<string, unknown>, cfg.model));
  const stages = (cfg.stages ?? defaultStages(model.variant).map((s) => StageConfigSchema.parse(s))).map((s) => StageConfigSchema.parse(s));
  checkStageGraph(stages);
  for (const name of cfg.validation?.earlyStop?.stages ?? []) {
    if (!stages.some((s) => s.name === name)) throw new RangeError(`validation.earlyStop.stages: stage ${name} is not in this config (${stages.map((s) => s.name).join(', ')})`);
  }
  return { ...cfg, model, stages };
}

/** Throws when stage names repeat or a stage starts from one that is not before it. */
export function checkStageGraph(stages: readonly StageConfig[]): void {
  const seen = new Set<string>();
  stages.forEach((s, i) => {
    if (seen.has(s.name)) throw new RangeError(`stage ${s.name} appears twice; stage names must be unique`);
    if (s.from !== undefined && s.from !== null && !seen.has(s.from)) {
      throw new RangeError(`stage ${s.name} starts from ${s.from}, which is not an earlier stage (${[...seen].join(', ') || 'none'})`);
    }
    if (i === 0 && s.from !== undefined && s.from !== null) throw new RangeError(`the first stage (${s.name}) cannot start from ${s.from}`);
    seen.add(s.name);
  });
}

/** The stage whose final weights `stages[index]` starts from, or null for a fresh model. */
export function stageParent(stages: readonly StageConfig[], index: number): StageName | null {
  const s = stages[index];
  if (s.from !== undefined) return s.from;
  return index > 0 ? stages[index - 1].name : null;
}

/** The chain of stages from a fresh model to `stages[index]` (inclusive), in training order. */
export function stageLineage(stages: readonly StageConfig[], index: number): StageName[] {
  const chain: StageName[] = [];
  for (let i: number = index; i >= 0; ) {
    chain.unshift(stages[i].name);
    const parent = stageParent(stages, i);
    i = parent === null ? -1 : stages.findIndex((s) => s.name === parent);
  }
  return chain;
}

/**
 * A stage's length in steps: its maxSteps, or its epochs × batches per epoch (whichever is smaller when both
 * are known); null when neither is known.
 */
export function stageLength(stage: StageConfig, batchesPerEpoch: number | null | undefined): number | null {
  const byEpochs = batchesPerEpoch && batchesPerEpoch > 0 ? stage.epochs * batchesPerEpoch : null;
  if (stage.maxSteps !== null) return byEpochs !== null ? Math.min(stage.maxSteps, byEpochs) : stage.maxSteps;
  return byEpochs;
}

/** Every schedule of a stage, by name (kl.chd, teacherForcing.time, …). */
export function stageSchedules(stage: StageConfig): [string, Schedule][] {
  return [
    ['kl.chd', stage.kl.chd],
    ['kl.aud', stage.kl.aud],
    ['kl.sym', stage.kl.sym],
    ['teacherForcing.time', stage.teacherForcing.time],
    ['teacherForcing.note', stage.teacherForcing.note],
    ['teacherForcing.chord', stage.teacherForcing.chord],
  ];
}

/** True when a stage has a schedule relative to its length. */
export function stageHasRelativeSchedule(stage: StageConfig): boolean {
  return stageSchedules(stage).some(([, s]) => isRelativeSchedule(s));
}

/**
 * How a model is decoded at inference (see README "Inference modes"): `independent` (3a: every window on its
 * own, z_sym from the prior), `autoregressive` (3b: windows in order, z_sym encodes the previous window's
 * prediction), `texture` (z_sym encodes a reference score).
 */
export const INFERENCE_MODES = ['independent', 'autoregressive', 'texture'] as const;
export type InferenceMode = (typeof INFERENCE_MODES)[number];

/**
 * What a stage trains the model for: `independent` (z_sym from the prior, or no z_sym at all), `autoregressive`
 * (z_sym from the previous segment's score), `score` (z_sym from this segment's own, possibly corrupted, score:
 * warm-up and pre-training; at inference only a reference score, `texture`, fits).
 */
export type TrainedMode = 'independent' | 'autoregressive' | 'score';

export function trainedModeOf(stage: StageConfig, variant: Variant): TrainedMode {
  if (variant === 'supervised' || variant === 'supervised+kl') return 'independent';
  if (stage.symbolic === 'prior') return 'independent';
  const c = stage.corruption as { type: string; items?: { type: string }[] };
  if (c.type === 'previousSegment' || (c.type === 'list' && (c.items ?? []).some((i) => i.type === 'previousSegment'))) return 'autoregressive';
  return 'score';
}

/** Inference modes that match a trained mode. */
export function modesFor(trained: TrainedMode): InferenceMode[] {
  if (trained === 'independent') return ['independent'];
  if (trained === 'autoregressive') return ['autoregressive', 'texture'];
  return ['texture'];
}
