import path from 'node:path';
import { stripExecutorArgs, submitJob, type SlurmOptions, type SubmittedJob } from '@a2s/cluster';

/** Seconds before the time limit at which a training job requeues itself (its last checkpoint survives). */
export const REQUEUE_SECONDS_BEFORE_LIMIT = 300;

/**
 * Submits `a2s train` as one Slurm job running the same command line (minus the executor flags), with the
 * run folder made explicit. The job is requeueable: after a requeue (preemption, node failure, or the job's
 * own requeue shortly before its time limit) it finds `<run>/checkpoints/latest.json` and runs with
 * `--resume`, so a time limit only splits a run into pieces.
 */
export async function submitTrainJob(o: { argv: readonly string[]; cli: readonly string[]; runDir: string; cwd: string; slurm: SlurmOptions }): Promise<SubmittedJob> {
  const base = [...o.cli, ...withoutRunDir(stripExecutorArgs(o.argv, ['--resume'])), '--run-dir', o.runDir];
  return submitJob({
    what: `training run ${o.runDir}`,
    jobName: `a2s-train-${path.basename(o.runDir)}`,
    cwd: o.cwd,
    logDir: path.join(o.runDir, 'slurm'),
    slurm: o.slurm,
    argv: o.argv.includes('--resume') ? [...base, '--resume'] : base,
    resume: { ifExists: path.join(o.runDir, 'checkpoints', 'latest.json'), argv: [...base, '--resume'] },
    requeue: { secondsBefore: REQUEUE_SECONDS_BEFORE_LIMIT },
  });
}

function withoutRunDir(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--run-dir') i++;
    else if (!argv[i].startsWith('--run-dir=')) out.push(argv[i]);
  }
  return out;
}
