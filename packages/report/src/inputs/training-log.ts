import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '@a2s/dataset';
import { z } from 'zod';
import { readValidationLog, type ValidationEntry } from './validation-log.ts';
import { jsonlLines } from './jsonl.ts';

const finite = z.number().nullish();
/** A schedule value: one number, or one per component (e.g. klWeight {chd, aud, sym}). */
const scheduleValue = z.union([z.number(), z.record(z.string(), z.number().nullable())]).nullish();

const LogLineSchema = z.looseObject({
  stage: z.union([z.string(), z.number()]).transform(String),
  step: z.number().int(),
  epoch: finite,
  loss: finite,
  losses: z.record(z.string(), z.number().nullable()).default({}),
  klWeight: scheduleValue,
  teacherForcing: scheduleValue,
  lr: finite,
  gradNorm: finite,
  globalStep: finite,
  segmentsPerSec: finite,
  timeSec: finite,
});

/** One line of a training run's `log.jsonl`. Missing numbers are null. */
export interface TrainingLogEntry {
  readonly stage: string;
  readonly step: number;
  readonly epoch: number | null;
  readonly loss: number | null;
  /** Loss terms by name: pitch, dur, chord, aux, kl_chd, kl_aud, kl_sym (whatever the model logs). */
  readonly losses: Readonly<Record<string, number | null>>;
  /** KL weight: `{ '': w }` when logged as one number, else one entry per KL term (e.g. chd, aud, sym). */
  readonly klWeight: Readonly<Record<string, number | null>>;
  /** Teacher-forcing ratio(s), same convention as klWeight (e.g. time, note, chord). */
  readonly teacherForcing: Readonly<Record<string, number | null>>;
  readonly lr: number | null;
  readonly gradNorm: number | null;
  /** Step counted over all stages, when logged. */
  readonly globalStep: number | null;
  readonly segmentsPerSec: number | null;
  readonly timeSec: number | null;
}

export interface TrainingRun {
  /** Folder name of the run. */
  readonly name: string;
  readonly dir: string;
  readonly entries: readonly TrainingLogEntry[];
  /** Validation passes from `<dir>/validation.jsonl`; empty when the run has no such file. */
  readonly validation: readonly ValidationEntry[];
  /** Lines of validation.jsonl that were skipped, `<file>:<line>: <why>`. */
  readonly warnings: readonly string[];
}

function toRecord(v: number | Record<string, number | null> | null | undefined): Record<string, number | null> {
  if (v === null || v === undefined) return {};
  return typeof v === 'number' ? { '': v } : v;
}

/** Reads a `log.jsonl`; a bad line throws InputError with its line number. Blank lines are skipped. */
export async function readTrainingLog(path: string): Promise<TrainingLogEntry[]> {
  if (!existsSync(path)) throw new InputError({ file: path, message: 'training log not found' });
  const entries: TrainingLogEntry[] = [];
  for await (const line of jsonlLines(path)) {
    const lineNo = line.lineNo;
    if ('invalid' in line) throw new InputError({ file: path, line: lineNo, message: 'not valid JSON' });
    const parsed = LogLineSchema.safeParse(line.json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError({ file: path, line: lineNo, message: `invalid log entry at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}` });
    }
    const d = parsed.data;
    entries.push({
      stage: d.stage,
      step: d.step,
      epoch: d.epoch ?? null,
      loss: d.loss ?? null,
      losses: d.losses,
      klWeight: toRecord(d.klWeight),
      teacherForcing: toRecord(d.teacherForcing),
      lr: d.lr ?? null,
      gradNorm: d.gradNorm ?? null,
      globalStep: d.globalStep ?? null,
      segmentsPerSec: d.segmentsPerSec ?? null,
      timeSec: d.timeSec ?? null,
    });
  }
  return entries;
}

/**
 * Reads a training run folder: `<dir>/log.jsonl` (required) and `<dir>/validation.jsonl` (optional; its bad
 * lines are skipped with a warning). The run is named after its folder.
 */
export async function readTrainingRun(dir: string): Promise<TrainingRun> {
  const abs = resolve(dir);
  const entries = await readTrainingLog(join(abs, 'log.jsonl'));
  const validation = await readValidationLog(join(abs, 'validation.jsonl'));
  return { name: basename(abs), dir: abs, entries, validation: validation.entries, warnings: validation.warnings };
}
