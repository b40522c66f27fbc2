import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SlurmOptions } from '../config.ts';
import { SlurmError } from './errors.ts';
import { runTool } from './run-tool.ts';
import { arrayScript, jobScript, type ArrayTask } from './script.ts';

export interface SubmitCommon {
  /** What is submitted, for messages: "ablation demo cells a2s__none__s0, …", "training run data/runs/x". */
  readonly what: string;
  /** `--job-name`. */
  readonly jobName: string;
  /** Folder the job runs in (`--chdir`); relative paths of the a2s command resolve there. */
  readonly cwd: string;
  /** Folder of the Slurm logs and the generated batch scripts. */
  readonly logDir: string;
  readonly slurm: SlurmOptions;
  /** `--dependency=afterok:<ids>`: start only when these jobs finished successfully (else cancelled). */
  readonly afterOk?: readonly string[];
}

export interface SubmittedTask {
  readonly name: string;
  /** Index in the array. */
  readonly index: number;
  /** `<arrayJobId>_<index>`, the id squeue, sacct and scancel use for the task. */
  readonly taskId: string;
}

export interface SubmittedArray {
  readonly jobId: string;
  readonly tasks: readonly SubmittedTask[];
  readonly script: string;
}

/** sbatch options shared by every submission. */
function resourceArgs(o: SubmitCommon): string[] {
  const s = o.slurm;
  const args = [`--job-name=${o.jobName}`, `--chdir=${resolve(o.cwd)}`];
  if (s.partition) args.push(`--partition=${s.partition}`);
  if (s.time) args.push(`--time=${s.time}`);
  if (s.cpusPerTask) args.push(`--cpus-per-task=${s.cpusPerTask}`);
  if (s.mem) args.push(`--mem=${s.mem}`);
  if (o.afterOk && o.afterOk.length > 0) args.push(`--dependency=afterok:${o.afterOk.join(':')}`, '--kill-on-invalid-dep=yes');
  return [...args, ...s.extraArgs];
}

async function writeScript(dir: string, name: string, text: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}-${Date.now()}-${process.pid}.sh`);
  await writeFile(`${path}.tmp`, text);
  await chmod(`${path}.tmp`, 0o755);
  await rename(`${path}.tmp`, path);
  return path;
}

/** Runs sbatch; returns the job id or throws a SlurmError naming what was submitted and why it failed. */
async function sbatch(o: SubmitCommon, args: readonly string[]): Promise<string> {
  await checkPartition(o);
  const r = await runTool(o.slurm.commands.sbatch, ['--parsable', ...args], { cwd: o.cwd, what: `submitting ${o.what}` });
  if (r.code !== 0) {
    const detail = r.stderr.trim() || r.stdout.trim() || `exit code ${r.code}`;
    throw new SlurmError(`sbatch failed for ${o.what}: ${detail}`);
  }
  const jobId = r.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(jobId)) throw new SlurmError(`sbatch for ${o.what} printed no job id (output: ${JSON.stringify(r.stdout.trim())})`);
  return jobId;
}

/** A partition that does not exist is named, with the partitions that do (sbatch's own message does not list them). */
async function checkPartition(o: SubmitCommon): Promise<void> {
  if (!o.slurm.partition) return;
  const r = await runTool(o.slurm.commands.sinfo, ['-h', '-o', '%R'], { what: `checking partition ${o.slurm.partition} for ${o.what}` });
  if (r.code !== 0) throw new SlurmError(`sinfo failed while checking partition ${o.slurm.partition} for ${o.what}: ${r.stderr.trim() || `exit code ${r.code}`}`);
  const known = r.stdout.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  if (!known.includes(o.slurm.partition)) {
    throw new SlurmError(`partition '${o.slurm.partition}' does not exist (cluster partitions: ${known.join(', ') || 'none'}); nothing submitted for ${o.what}`);
  }
}

/**
 * Submits one job array, one task per entry of `tasks` (in order: task i runs `tasks[i]`). Output goes to
 * `<logDir>/.array/<job>_<task>.out`, hard-linked into `<logDir>/<task name>/` when the task starts.
 */
export async function submitArray(o: SubmitCommon & { readonly tasks: readonly ArrayTask[] }): Promise<SubmittedArray> {
  if (o.tasks.length === 0) throw new SlurmError(`nothing to submit for ${o.what}`);
  const logDir = resolve(o.logDir);
  await mkdir(join(logDir, '.array'), { recursive: true });
  const script = await writeScript(join(logDir, 'scripts'), o.jobName, arrayScript({ title: o.what, tasks: o.tasks, logDir, setup: o.slurm.setup }));
  const range = `0-${o.tasks.length - 1}${o.slurm.maxParallel ? `%${o.slurm.maxParallel}` : ''}`;
  const jobId = await sbatch(o, [...resourceArgs(o), `--array=${range}`, `--output=${join(logDir, '.array', '%A_%a.out')}`, script]);
  return { jobId, script, tasks: o.tasks.map((t, index) => ({ name: t.name, index, taskId: `${jobId}_${index}` })) };
}

export interface SubmittedJob {
  readonly jobId: string;
  readonly script: string;
  /** Slurm's output file of the job (appended to by every restart). */
  readonly logFile: string;
}

/**
 * Submits one job running `argv`. `resume` switches to another command when a file exists (a requeued
 * training job continues from its checkpoint); `requeue` lets Slurm requeue the job (preemption, node
 * failure) and, with a time limit, makes the job requeue itself `requeueSecondsBefore` seconds before it.
 */
export async function submitJob(
  o: SubmitCommon & {
    readonly argv: readonly string[];
    readonly resume?: { ifExists: string; argv: readonly string[] };
    readonly requeue?: { secondsBefore: number };
  },
): Promise<SubmittedJob> {
  const logDir = resolve(o.logDir);
  await mkdir(logDir, { recursive: true });
  const script = await writeScript(
    join(logDir, 'scripts'),
    o.jobName,
    jobScript({ title: o.what, argv: o.argv, setup: o.slurm.setup, resume: o.resume, requeueOnSignal: o.requeue !== undefined && o.slurm.time !== undefined }),
  );
  const args = [...resourceArgs(o), '--open-mode=append', `--output=${join(logDir, '%j.out')}`];
  if (o.requeue) {
    args.push('--requeue');
    if (o.slurm.time) args.push(`--signal=B:USR1@${o.requeue.secondsBefore}`);
  }
  const jobId = await sbatch(o, [...args, script]);
  return { jobId, script, logFile: join(logDir, `${jobId}.out`) };
}
