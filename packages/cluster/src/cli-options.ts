import { InvalidArgumentError, Option, type Command } from 'commander';
import { EXECUTOR_NAMES, SlurmOptionsSchema, type ExecutorName, type SlurmOptions } from './config.ts';

/** The flags `registerExecutorOptions` adds, as commander parses them. */
export interface ExecutorFlags {
  executor: ExecutorName;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  sbatchArg?: string[];
  slurmSetup?: string[];
  maxParallel?: number;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/**
 * Adds `--executor local|slurm` and the Slurm flags (partition, time limit, CPUs per task, memory, extra
 * sbatch arguments, setup lines) to a command. The same flags on every command that can run on a cluster.
 */
export function registerExecutorOptions(command: Command, o: { arrays: boolean }): Command {
  command
    .addOption(new Option('--executor <name>', 'where the work runs: local (this machine) or slurm (sbatch)').choices([...EXECUTOR_NAMES]).default('local'))
    .option('--partition <name>', 'slurm: partition (default: the cluster default)')
    .option('--time <limit>', 'slurm: time limit per job, e.g. 4:00:00 (default: the partition limit)')
    .option('--cpus-per-task <n>', 'slurm: CPUs per job', positiveInt)
    .option('--mem <size>', 'slurm: memory per job, e.g. 4G')
    .option('--sbatch-arg <arg>', 'slurm: extra sbatch argument, e.g. --account=lab (repeatable)', collect)
    .option('--slurm-setup <line>', "slurm: shell line run first in every job, e.g. 'module load nodejs/20' (repeatable)", collect);
  if (o.arrays) command.option('--max-parallel <n>', 'slurm: at most n array tasks at once', positiveInt);
  return command;
}

/** Validated Slurm options from the flags; a bad value is an Error naming the flag. */
export function slurmOptionsFromFlags(f: ExecutorFlags): SlurmOptions {
  const parsed = SlurmOptionsSchema.safeParse({
    partition: f.partition,
    time: f.time,
    cpusPerTask: f.cpusPerTask,
    mem: f.mem,
    extraArgs: f.sbatchArg ?? [],
    setup: f.slurmSetup ?? [],
    maxParallel: f.maxParallel,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = `--${String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new InvalidArgumentError(`${flag}: ${issue.message}`);
  }
  return parsed.data;
}

/** The Slurm flags given although the executor is local (they would be ignored silently; the CLI refuses them). */
export function slurmFlagsWithoutSlurm(f: ExecutorFlags): string[] {
  const given = { partition: f.partition, time: f.time, 'cpus-per-task': f.cpusPerTask, mem: f.mem, 'sbatch-arg': f.sbatchArg, 'slurm-setup': f.slurmSetup, 'max-parallel': f.maxParallel };
  return f.executor === 'slurm' ? [] : Object.entries(given).filter(([, v]) => v !== undefined).map(([k]) => `--${k}`);
}


const VALUE_FLAGS = ['--executor', '--partition', '--time', '--cpus-per-task', '--mem', '--sbatch-arg', '--slurm-setup', '--max-parallel'];

/**
 * The command line without the executor and Slurm flags (both `--flag value` and `--flag=value`): what a
 * job submitted by `--executor slurm` runs, so the job does the same work as a local run would.
 */
export function stripExecutorArgs(argv: readonly string[], alsoDrop: readonly string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.split('=')[0];
    if (VALUE_FLAGS.includes(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    if (alsoDrop.includes(name)) continue;
    out.push(a);
  }
  return out;
}
