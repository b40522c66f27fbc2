import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerExecutorOptions, slurmFlagsWithoutSlurm, slurmOptionsFromFlags, stripExecutorArgs, type ExecutorFlags } from '../src/index.ts';

function parse(args: string[]): ExecutorFlags {
  const cmd = registerExecutorOptions(new Command('x').exitOverride(), { arrays: true });
  cmd.parse(args, { from: 'user' });
  return cmd.opts() as ExecutorFlags;
}

describe('executor flags', () => {
  it('parse into validated Slurm options', () => {
    const f = parse(['--executor', 'slurm', '--partition', 'cpu', '--time', '2:00:00', '--cpus-per-task', '4', '--mem', '8G', '--sbatch-arg', '--account=lab', '--sbatch-arg', '--qos=long', '--slurm-setup', 'module load nodejs/20', '--max-parallel', '3']);
    expect(slurmOptionsFromFlags(f)).toMatchObject({ partition: 'cpu', time: '2:00:00', cpusPerTask: 4, mem: '8G', extraArgs: ['--account=lab', '--qos=long'], setup: ['module load nodejs/20'], maxParallel: 3 });
    expect(slurmFlagsWithoutSlurm(f)).toEqual([]);
  });

  it('name the flag of a bad value, and the Slurm flags given without --executor slurm', () => {
    expect(() => slurmOptionsFromFlags(parse(['--executor', 'slurm', '--mem', 'lots']))).toThrow(/--mem: memory like 4G/);
    expect(() => slurmOptionsFromFlags(parse(['--executor', 'slurm', '--time', 'forever']))).toThrow(/--time: time limit like/);
    expect(slurmFlagsWithoutSlurm(parse(['--partition', 'cpu', '--mem', '4G']))).toEqual(['--partition', '--mem']);
    expect(() => parse(['--executor', 'kubernetes'])).toThrow();
  });

  it('stripExecutorArgs keeps everything but the executor flags', () => {
    const argv = ['train', '--config', 'c.json', '--executor', 'slurm', '--partition=cpu', '--time', '1:00', '--sbatch-arg', '--qos=x', '--seed', '3', '--resume'];
    expect(stripExecutorArgs(argv)).toEqual(['train', '--config', 'c.json', '--seed', '3', '--resume']);
    expect(stripExecutorArgs(argv, ['--resume'])).toEqual(['train', '--config', 'c.json', '--seed', '3']);
  });
});
