import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelJobs, clusterInfo, jobStates, latestLog, SlurmOptionsSchema, submitArray, submitJob, tailFile, waitForJobs } from '../../src/index.ts';

// Runs against the real single-node cluster of deploy/slurm (.ci/run starts it). Without one it fails, saying how to start it.
const slurm = SlurmOptionsSchema.parse({});
let dir = '';

beforeAll(async () => {
  await clusterInfo(slurm);
  dir = await mkdtemp(join(tmpdir(), 'a2s-cluster-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Slurm executor on the real cluster', () => {
  it('a job array: per-task states, exit codes, cancellation and per-task log folders', async () => {
    const logDir = join(dir, 'logs');
    const sub = await submitArray({
      what: 'test array',
      jobName: 'a2s-test',
      cwd: dir,
      logDir,
      slurm,
      tasks: [
        { name: 'ok', argv: ['bash', '-c', 'echo "hello from $PWD"'] },
        { name: 'fails', argv: ['bash', '-c', 'echo broken >&2; exit 3'] },
        { name: 'slow', argv: ['sleep', '300'] },
      ],
    });
    expect(sub.tasks.map((t) => t.taskId)).toEqual([`${sub.jobId}_0`, `${sub.jobId}_1`, `${sub.jobId}_2`]);
    // Cancel the slow task once it runs (or right away if it is still pending).
    for (let i = 0; i < 60; i++) {
      const s = (await jobStates([sub.jobId], slurm)).get(`${sub.jobId}_2`);
      if (s?.state === 'RUNNING') break;
      await sleep(500);
    }
    await cancelJobs([`${sub.jobId}_2`], slurm);
    const states = await waitForJobs([sub.jobId], { slurm, pollSeconds: 1 });
    expect(states.get(`${sub.jobId}_0`)?.state).toBe('COMPLETED');
    expect(states.get(`${sub.jobId}_1`)?.state).toBe('FAILED');
    expect(states.get(`${sub.jobId}_1`)?.exitCode).toBe('3:0');
    expect(states.get(`${sub.jobId}_2`)?.state).toBe('CANCELLED');
    const okLog = await latestLog(join(logDir, 'ok'));
    expect(okLog).not.toBeNull();
    expect(await readFile(okLog!, 'utf8')).toContain(`hello from ${dir}`);
    expect(await tailFile((await latestLog(join(logDir, 'fails')))!, 5)).toMatch(/broken$/);
    expect(await readdir(join(logDir, 'slow'))).toEqual([`${sub.jobId}_2.out`]);
  });

  it('a dependent job starts after the array succeeded', async () => {
    const logDir = join(dir, 'dep');
    const first = await submitArray({ what: 'first', jobName: 'a2s-test', cwd: dir, logDir, slurm, tasks: [{ name: 'a', argv: ['bash', '-c', 'sleep 1; date +%s%N > a.txt'] }] });
    const second = await submitJob({ what: 'second', jobName: 'a2s-test', cwd: dir, logDir, slurm, afterOk: [first.jobId], argv: ['bash', '-c', 'cat a.txt; date +%s%N > b.txt'] });
    const states = await waitForJobs([first.jobId, second.jobId], { slurm, pollSeconds: 1 });
    expect(states.get(second.jobId)?.state).toBe('COMPLETED');
    const a = BigInt((await readFile(join(dir, 'a.txt'), 'utf8')).trim());
    const b = BigInt((await readFile(join(dir, 'b.txt'), 'utf8')).trim());
    expect(b > a).toBe(true);
    expect(await readFile(second.logFile, 'utf8')).toContain(String(a));
  });

  it('clear errors: unknown partition, missing sbatch, sbatch rejecting the job', async () => {
    const common = { what: 'cells x__y__s0', jobName: 'a2s-test', cwd: dir, logDir: join(dir, 'err'), tasks: [{ name: 'x', argv: ['true'] }] };
    await expect(submitArray({ ...common, slurm: SlurmOptionsSchema.parse({ partition: 'no-such-partition' }) })).rejects.toThrow(
      /partition 'no-such-partition' does not exist \(cluster partitions: .+\); nothing submitted for cells x__y__s0/,
    );
    await expect(submitArray({ ...common, slurm: SlurmOptionsSchema.parse({ commands: { sbatch: 'sbatch-not-installed' } }) })).rejects.toThrow(
      /submitting cells x__y__s0: 'sbatch-not-installed' not found; is Slurm installed/,
    );
    await expect(submitArray({ ...common, slurm: SlurmOptionsSchema.parse({ mem: '100000G' }) })).rejects.toThrow(/sbatch failed for cells x__y__s0: .*memory/i);
  });
});
