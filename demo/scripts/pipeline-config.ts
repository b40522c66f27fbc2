/**
 * Top-level pipeline configs (`configs/demo.json`, `configs/pop909-small.json`): the ordered stages of a run,
 * each a list of `a2s …` command lines with `{pop909}` and `{out}` placeholders. Each stage's own options live
 * in the per-stage config files the commands name (`configs/<name>/dataset.json`, `train.json`, …), in the
 * format of the CLI that reads them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** The repository root (this file is `demo/scripts/pipeline-config.ts`). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** How `a2s` is invoked: the CLI's bin script through node (no `npx` start-up). */
export const A2S_BIN = 'node packages/cli/bin/a2s.mjs';

/** Stage names of the demo, in pipeline order (also the Nx target names of the `demo` project). */
export const STAGE_NAMES = ['data', 'features', 'train', 'predict', 'baselines', 'eval', 'eval-audio', 'report'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export const PipelineStageSchema = z
  .object({
    name: z.enum(STAGE_NAMES),
    /** What the stage does, for people. */
    description: z.string().default(''),
    /** Shell command lines run in order from the repository root; a line starting with `a2s ` runs the CLI. */
    commands: z.array(z.string().min(1)).min(1),
    /** Folders the stage writes (placeholders allowed). */
    outputs: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const PipelineConfigSchema = z
  .object({
    schemaVersion: z.literal(1).default(1),
    name: z.string().min(1),
    description: z.string().default(''),
    /** POP909-layout input folder, the value of `{pop909}` (relative to the repository root). */
    pop909: z.string().min(1),
    /** Output root, the value of `{out}` (relative to the repository root). */
    out: z.string().min(1),
    /** Measured or estimated cost, for people (see demo/README.md). */
    cost: z.record(z.string(), z.string()).default({}),
    stages: z.array(PipelineStageSchema).min(1),
  })
  .strict();

export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;
export type PipelineStage = z.infer<typeof PipelineStageSchema>;

/** Reads and validates a pipeline config; errors name the file. */
export async function readPipelineConfig(file: string): Promise<PipelineConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read pipeline config (${(err as Error).message})`);
  }
  const parsed = PipelineConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Quotes a value for a POSIX shell (single quotes). */
export function shellQuote(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Turns a command line of a pipeline config into the shell command that runs it: placeholders replaced by
 * `vars` (inserted as given: quote them first when they come from a user), a leading `a2s ` (also after
 * `&&`) by {@link A2S_BIN}. Unknown placeholders throw.
 */
export function renderCommand(line: string, vars: Readonly<Record<string, string>>): string {
  const substituted = line.replace(/\{([A-Za-z0-9]+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`unknown placeholder {${name}} in "${line}"`);
    return v;
  });
  return substituted.replace(/(^|&&\s*)a2s /g, `$1${A2S_BIN} `);
}
