import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cancelJobs, waitForJobs } from '@a2s/cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { a2s, a2sOk, FIXTURE_POP909, requireCluster, slurm, tinyTrainConfig } from './helpers.ts';

// `a2s train --executor slurm` on the real cluster of deploy/slurm: the job is requeued after its first
// checkpoint, resumes from it, and ends with the same weights as an uninterrupted local run.
let dir = '';
let jobId = '';

beforeAll(async () => {
  await requireCluster();
  dir = await mkdtemp(join(tmpdir(), 'a2s-slurm-train-'));
  await a2sOk(['data', 'build', '--pop909', FIXTURE_POP909, '--out', 'ds', '--limit', '3', '--jobs', '1', '--no-progress'], dir);
  await a2sOk(['features', 'build', '--manifest', 'ds/manifest.json', '--cache', 'features', '--jobs', '1'], dir);
  await tinyTrainConfig(dir, 'tiny', 'configs/ablation/corruption-none.json', 10);
}, 1_800_000);
afterAll(async () => {
  if (jobId) await cancelJobs([jobId], slurm).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const finalWeights = async (run: string): Promise<Buffer> => {
  const latest = JSON.parse(await readFile(join(dir, run, 'checkpoints', 'latest.json'), 'utf8')) as { checkpoint: string };
  return readFile(join(dir, run, 'checkpoints', latest.checkpoint, 'tensors.bin'));
};

describe('a2s train --executor slurm', () => {
  it('a requeued training job resumes from its checkpoint and ends with the weights of an uninterrupted run', async () => {
    const args = ['train', '--config', 'tiny.json', '--manifest', 'ds/manifest.json', '--feature-cache', 'features', '--seed', '0'];
    const r = await a2sOk([...args, '--run-dir', 'run-slurm', '--executor', 'slurm', '--mem', '2G'], dir);
    jobId = /submitted Slurm job (\d+)/.exec(r.stderr)?.[1] ?? '';
    expect(jobId).not.toBe('');
    // Once the first checkpoint exists, suspend the job (so it cannot finish meanwhile) and requeue it, as a
    // preemption or the job's own time-limit signal would.
    const latest = join(dir, 'run-slurm', 'checkpoints', 'latest.json');
    let requeued = false;
    for (let i = 0; i < 36_000 && !requeued; i++) {
      if (await stat(latest).then(() => true, () => false)) {
        execFileSync('scontrol', ['suspend', jobId]);
        execFileSync('scontrol', ['requeue', jobId]);
        // A job requeued while suspended is held, and Slurm delays any requeued job by two minutes: undo both.
        execFileSync('scontrol', ['release', jobId]);
        execFileSync('scontrol', ['update', `jobid=${jobId}`, 'StartTime=now']);
        requeued = true;
      } else await sleep(50);
    }
    expect(requeued, 'no checkpoint appeared').toBe(true);
    await a2sOk([...args, '--run-dir', 'run-local'], dir);
    const states = await waitForJobs([jobId], { slurm, pollSeconds: 1 });
    expect(states.get(jobId)?.state).toBe('COMPLETED');
    const log = await readFile(join(dir, 'run-slurm', 'slurm', `${jobId}.out`), 'utf8');
    expect(log).toMatch(/restart 1\) on .*--resume/);
    expect(Buffer.compare(await finalWeights('run-slurm'), await finalWeights('run-local'))).toBe(0);
  }, 1_800_000);

  it('Slurm flags without --executor slurm are refused', async () => {
    const r = await a2s(['train', '--config', 'tiny.json', '--manifest', 'ds/manifest.json', '--partition', 'a2s'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--partition need --executor slurm');
  }, 300_000);
});
