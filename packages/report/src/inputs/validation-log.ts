import { existsSync } from 'node:fs';
import { jsonlLines } from './jsonl.ts';
import { z } from 'zod';

const finite = z.number().nullish();

const ValidationLineSchema = z.looseObject({
  stage: z.union([z.string(), z.number()]).transform(String),
  step: z.number().int(),
  globalStep: z.number(),
  segments: z.number().int().nonnegative().nullish(),
  mode: z.string().nullish(),
  loss: finite,
  losses: z.record(z.string(), z.number().nullable()).default({}),
  metrics: z.record(z.string(), z.number().nullable()).default({}),
  best: z.boolean().default(false),
  timeSec: finite,
});

/** One validation pass of a training run (a line of `validation.jsonl`). Missing numbers are null. */
export interface ValidationEntry {
  readonly stage: string;
  /** Steps done in the stage when the pass ran. */
  readonly step: number;
  /** Steps done in the whole run. */
  readonly globalStep: number;
  /** Validation segments used by the pass. */
  readonly segments: number | null;
  /** `independent` or `autoregressive` decoding. */
  readonly mode: string | null;
  /** The stage's total loss on the validation segments. */
  readonly loss: number | null;
  /** Loss terms by name (pitch, dur, rhythm, chord, aux, kl_chd, kl_aud, kl_sym). */
  readonly losses: Readonly<Record<string, number | null>>;
  /** Validation metrics by name (onsetF1, onsetPrecision, onsetRecall, notesPerBeat, targetNotesPerBeat). */
  readonly metrics: Readonly<Record<string, number | null>>;
  /** A new best of this stage on the trainer's early-stopping metric. */
  readonly best: boolean;
  readonly timeSec: number | null;
}

export interface ValidationLog {
  readonly entries: readonly ValidationEntry[];
  /** One line per skipped line, `<file>:<line>: <what is wrong>`. */
  readonly warnings: readonly string[];
}

/**
 * Reads a run's `validation.jsonl`. A missing file is a run without validation (no entries, no warning).
 * A line that is not valid JSON or not a validation pass (a killed run's half-written last line) is
 * skipped with a warning naming the file and line; blank lines are ignored.
 */
export async function readValidationLog(path: string): Promise<ValidationLog> {
  if (!existsSync(path)) return { entries: [], warnings: [] };
  const entries: ValidationEntry[] = [];
  const warnings: string[] = [];
  for await (const line of jsonlLines(path)) {
    const lineNo = line.lineNo;
    if ('invalid' in line) {
      warnings.push(`${path}:${lineNo}: not valid JSON, line skipped`);
      continue;
    }
    const parsed = ValidationLineSchema.safeParse(line.json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      warnings.push(`${path}:${lineNo}: invalid validation entry at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}, line skipped`);
      continue;
    }
    const d = parsed.data;
    entries.push({
      stage: d.stage,
      step: d.step,
      globalStep: d.globalStep,
      segments: d.segments ?? null,
      mode: d.mode ?? null,
      loss: d.loss ?? null,
      losses: d.losses,
      metrics: d.metrics,
      best: d.best,
      timeSec: d.timeSec ?? null,
    });
  }
  return { entries, warnings };
}
