import { z } from 'zod';

/** Where a2s work runs: this machine (`local`, the default) or a Slurm cluster (`slurm`). */
export const EXECUTOR_NAMES = ['local', 'slurm'] as const;
export const ExecutorNameSchema = z.enum(EXECUTOR_NAMES);
export type ExecutorName = z.infer<typeof ExecutorNameSchema>;

/**
 * Resources and placement of the jobs a2s submits. Every field maps to one `sbatch` option; absent fields
 * leave the cluster's defaults. `extraArgs` are passed to `sbatch` as given (e.g. `--account=lab`, `--qos=long`).
 */
export const SlurmOptionsSchema = z
  .object({
    /** `--partition`; checked with `sinfo` before submitting. */
    partition: z.string().min(1).optional(),
    /** `--time`, Slurm's format (`MM`, `HH:MM:SS`, `D-HH`, …). */
    time: z.string().regex(/^(\d+-)?\d+(:\d+){0,2}$/, 'time limit like 30, 2:00:00 or 1-12').optional(),
    /** `--cpus-per-task`. */
    cpusPerTask: z.number().int().positive().optional(),
    /** `--mem` (per node), e.g. `4G`, `8000M`. */
    mem: z.string().regex(/^\d+[KMGT]?$/i, 'memory like 4G or 8000M').optional(),
    /** Further `sbatch` arguments, one array element per argument. */
    extraArgs: z.array(z.string()).default([]),
    /** Shell lines run at the start of every job before the a2s command (e.g. `module load nodejs/20`). */
    setup: z.array(z.string()).default([]),
    /** Largest number of array tasks running at once (`--array=…%N`); absent: no limit. */
    maxParallel: z.number().int().positive().optional(),
    /** Names (or paths) of the Slurm client programs. */
    commands: z
      .object({
        sbatch: z.string().default('sbatch'),
        squeue: z.string().default('squeue'),
        sacct: z.string().default('sacct'),
        scontrol: z.string().default('scontrol'),
        scancel: z.string().default('scancel'),
        sinfo: z.string().default('sinfo'),
      })
      .strict()
      .default({ sbatch: 'sbatch', squeue: 'squeue', sacct: 'sacct', scontrol: 'scontrol', scancel: 'scancel', sinfo: 'sinfo' }),
  })
  .strict();
export type SlurmOptions = z.infer<typeof SlurmOptionsSchema>;
export type SlurmOptionsInput = z.input<typeof SlurmOptionsSchema>;
