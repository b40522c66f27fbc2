import { z } from 'zod';

const Int = z.number().int().positive();

/** Which latents exist and whether the audio latent is a posterior (see README "Variants"). */
export const VariantSchema = z.enum(['full', 'nochd', 'supervised', 'supervised+kl']);
export type Variant = z.infer<typeof VariantSchema>;

/** Architecture sizes. `audioFrames`/`audioBins` are null until resolved from the first batch. */
export const ModelConfigSchema = z
  .object({
    variant: VariantSchema.default('full'),
    audioFrames: Int.nullable().default(null),
    audioBins: Int.nullable().default(null),
    /** How the chord, audio and symbolic encoders summarise their 8 beats: bi-GRU (reference) or an MLP. */
    sequenceEncoder: z.enum(['bigru', 'mlp']).default('bigru'),
    zChd: Int.default(128),
    zAud: Int.default(192),
    zSym: Int.default(192),
    chordEncoder: z.object({ hidden: Int.default(256) }).strict().prefault({}),
    chordDecoder: z
      .object({ type: z.enum(['gru', 'mlp']).default('gru'), hidden: Int.default(512), zIn: Int.default(256) })
      .strict()
      .prefault({}),
    /** Frames → per-frame projection (one matmul) → mean-pool per beat → bi-GRU over the 8 beats. */
    audioEncoder: z.object({ frameHidden: Int.default(256), beatHidden: Int.default(512), hidden: Int.default(512) }).strict().prefault({}),
    symEncoder: z
      .object({
        type: z.enum(['conv', 'mlp']).default('conv'),
        channels: Int.default(10),
        fcHidden: Int.default(1000),
        emb: Int.default(256),
        hidden: Int.default(1024),
      })
      .strict()
      .prefault({}),
    featDecoder: z
      .object({ type: z.enum(['gru', 'mlp']).default('gru'), hidden: Int.default(1024), zIn: Int.default(128) })
      .strict()
      .prefault({}),
    featEmb: Int.default(64),
    decoder: z.enum(['pianotree-gru', 'parallel']).default('pianotree-gru'),
    pianoTree: z
      .object({
        noteEmb: Int.default(128),
        embHidden: Int.default(128),
        timeHidden: Int.default(1024),
        zIn: Int.default(256),
        notesHidden: Int.default(512),
        /** How a time step's notes are summarised for the time-level GRU: a bi-GRU (reference) or a masked mean. */
        noteSummary: z.enum(['bigru', 'pool']).default('bigru'),
      })
      .strict()
      .prefault({}),
    parallel: z
      .object({
        hidden: Int.default(512),
        slotHidden: Int.default(256),
        convKernel: Int.default(3),
        /**
         * How a step's note slots see each other. `independent`: every slot is predicted from the step state and
         * its slot embedding alone. `causal-pitch`: slot s also sees the previous note's pitch and the mean of
         * all earlier pitches of its step (teacher-forced, so training stays one pass; inference runs 15 slot
         * steps, each over all time steps at once), and each note's duration is predicted given its pitch.
         * (`causal`, which also fed the earlier notes' duration bits, was removed after experiments/decoder-compare
         * measured it no better: greedy duration errors propagated to the following notes.)
         */
        slotContext: z.enum(['independent', 'causal-pitch']).default('independent'),
        /**
         * How a step decides whether it has notes at all. `independent`: its first slot predicts EOS or a note
         * like any other slot, independently of the other steps. `autoregressive`: a rhythm head first decides,
         * step after step, whether each step has an onset, given z and the onsets decided for the earlier steps
         * (one small MLP, teacher-forced in training; 32 small steps at inference); the note slots then see the
         * whole onset pattern around their step (15 steps before to 16 after), and a step's first slot is EOS
         * exactly when the head said "no onset".
         */
        rhythm: z.enum(['independent', 'autoregressive']).default('independent'),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type ModelConfig = z.infer<typeof ModelConfigSchema>;
/** Input shape of ModelConfigSchema (what a JSON config may leave out). */
export type ModelConfigInput = z.input<typeof ModelConfigSchema>;

/** Default sigmoid mid-point and width as fractions of the stage's length (0.5 ± 0.1: ≈ 0.7 % of the way at the start, ≈ 99.3 % at the end). */
export const DEFAULT_SIGMOID_MID = 0.5;
export const DEFAULT_SIGMOID_SCALE = 0.1;

/**
 * Sigmoid or constant schedule over the steps of one stage: from + (to − from)·σ((step − mid)/scale).
 * Relative (the default): `mid` and `scale` are fractions of the stage's length in steps, so a short and a
 * long run follow the same curve. Absolute: `midStep` and `scaleSteps` in steps (the reference: 12 500 and
 * 2 500). A schedule is one or the other.
 */
export const ScheduleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('constant'), value: z.number() }).strict(),
  z
    .object({
      type: z.literal('sigmoid'),
      from: z.number(),
      to: z.number(),
      /** Mid-point as a fraction of the stage's length (default 0.5). */
      mid: z.number().optional(),
      /** Width as a fraction of the stage's length (default 0.1). */
      scale: z.number().positive().optional(),
      /** Absolute mid-point in steps of the stage (with scaleSteps; not with mid/scale). */
      midStep: z.number().optional(),
      scaleSteps: z.number().positive().optional(),
    })
    .strict()
    .refine((s) => (s.midStep === undefined) === (s.scaleSteps === undefined), {
      message: 'an absolute sigmoid needs both midStep and scaleSteps',
    })
    .refine((s) => s.midStep === undefined || (s.mid === undefined && s.scale === undefined), {
      message: 'a sigmoid is either relative (mid, scale: fractions of the stage) or absolute (midStep, scaleSteps), not both',
    }),
]);
export type Schedule = z.infer<typeof ScheduleSchema>;

/** True when the schedule's shape depends on the stage's length (a sigmoid without midStep/scaleSteps). */
export function isRelativeSchedule(s: Schedule): boolean {
  return s.type === 'sigmoid' && s.midStep === undefined;
}

/**
 * The schedule's value at `step` of a stage of `stageSteps` steps (needed by relative sigmoids only; a
 * relative sigmoid without it throws).
 */
export function scheduleValue(s: Schedule, step: number, stageSteps?: number | null): number {
  if (s.type === 'constant') return s.value;
  let mid: number;
  let scale: number;
  if (s.midStep !== undefined && s.scaleSteps !== undefined) {
    mid = s.midStep;
    scale = s.scaleSteps;
  } else {
    if (stageSteps === undefined || stageSteps === null || !(stageSteps > 0)) {
      throw new RangeError('a relative sigmoid schedule needs the stage length in steps (give the stage maxSteps, or use midStep/scaleSteps)');
    }
    mid = (s.mid ?? DEFAULT_SIGMOID_MID) * stageSteps;
    scale = (s.scale ?? DEFAULT_SIGMOID_SCALE) * stageSteps;
  }
  return s.from + (s.to - s.from) / (1 + Math.exp(-(step - mid) / scale));
}

/** How far a schedule has gone from its start value to its target at `step`: 1 for constants. */
export function scheduleProgress(s: Schedule, step: number, stageSteps?: number | null): number {
  if (s.type === 'constant' || s.to === s.from) return 1;
  return (scheduleValue(s, step, stageSteps) - s.from) / (s.to - s.from);
}
