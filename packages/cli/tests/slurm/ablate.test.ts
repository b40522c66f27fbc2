import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cancelJobs } from '@a2s/cluster';
import { readMetricsTable, slurmMatrixStatus, MatrixSchema } from '@a2s/eval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A2S, a2s, a2sOk, FIXTURE_POP909, requireCluster, slurm, tinyTrainConfig } from './helpers.ts';

// A 2 × 2 matrix (two corruption variants × two seeds) of the tiny preset, 1 step per stage, run once
// with the local executor and once through the real Slurm cluster of deploy/slurm, where one cell is
// cancelled with scancel while it runs and completed by the next `a2s ablate` call.
let dir = '';

function matrix(outDir: string, configs: { none: string; dropout: string }): object {
  const features = join(dir, 'features');
  const train = `node ${A2S} train {args} --manifest {manifest} --seed {seed} --run-dir {cellDir}/run --feature-cache ${features}`;
  const predict = `node ${A2S} predict --run {cellDir}/run --manifest {manifest} --split {split} --seed {seed} --out {predDir} --feature-cache ${features}`;
  return MatrixSchema.parse({
    schemaVersion: 1,
    name: 'slurm-test',
    manifest: 'ds/manifest.json',
    split: 'test',
    outDir,
    seeds: [0, 1],
    variants: [
      { name: 'none', args: `--config ${configs.none}` },
      { name: 'dropout', args: `--config ${configs.dropout}` },
    ],
    systems: [{ type: 'command', name: 'tiny', command: `${train} && ${predict}` }],
    eval: { seed: 0, resamples: 50 },
  });
}

beforeAll(async () => {
  await requireCluster();
  dir = await mkdtemp(join(tmpdir(), 'a2s-slurm-ablate-'));
  await a2sOk(['data', 'build', '--pop909', FIXTURE_POP909, '--out', 'ds', '--limit', '3', '--jobs', '1', '--no-progress'], dir);
  await a2sOk(['features', 'build', '--manifest', 'ds/manifest.json', '--cache', 'features', '--jobs', '1'], dir);
  const configs = {
    none: await tinyTrainConfig(dir, 'none', 'configs/ablation/corruption-none.json', 1),
    dropout: await tinyTrainConfig(dir, 'dropout', 'configs/ablation/corruption-dropout.json', 1),
  };
  await writeFile(join(dir, 'local.json'), JSON.stringify(matrix('abl-local', configs)));
  await writeFile(join(dir, 'slurm.json'), JSON.stringify(matrix('abl-slurm', configs)));
}, 1_800_000);

afterAll(async () => {
  // Jobs still queued (a failed or timed-out test) would run in a deleted folder.
  const submissions = await readFile(join(dir, 'abl-slurm', 'slurm', 'submissions.jsonl'), 'utf8').catch(() => '');
  const jobs = submissions.split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { jobId: string }).jobId);
  await cancelJobs(jobs, slurm).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const means = async (outDir: string): Promise<Record<string, number>> => {
  const summary = JSON.parse(await readFile(join(dir, outDir, 'summary.json'), 'utf8')) as { rows: { system: string; variant: string; metric: string; mean: number }[] };
  return Object.fromEntries(summary.rows.map((r) => [`${r.system}/${r.variant}/${r.metric}`, r.mean]));
};

describe('a2s ablate --executor slurm', () => {
  it('runs the matrix as a job array, completes a cell cancelled mid-run on the next call, and scores it as the local executor does', async () => {
    const slurmCall = ['ablate', '--matrix', 'slurm.json', '--executor', 'slurm', '--poll', '1'];
    const submitted = await a2sOk(slurmCall, dir);
    expect(submitted.stderr).toMatch(/submitted job array \d+: 4 cell\(s\)/);
    const m = MatrixSchema.parse(JSON.parse(await readFile(join(dir, 'slurm.json'), 'utf8')));
    // Cancel the first cell seen running whose training has started (its log.txt exists).
    let victim: { key: string; taskId: string } | undefined;
    for (let i = 0; i < 600 && !victim; i++) {
      for (const s of await slurmMatrixStatus({ matrix: m, cwd: dir, slurm })) {
        const started = await stat(join(dir, 'abl-slurm', 'cells', s.cell.key, 'log.txt')).then(() => true, () => false);
        if (s.state === 'running' && started && s.taskId) victim = { key: s.cell.key, taskId: s.taskId };
      }
      if (!victim) await sleep(500);
    }
    expect(victim, 'no cell was seen running').toBeDefined();
    await cancelJobs([victim!.taskId], slurm);
    // The uninterrupted local run, while the cluster finishes the other cells.
    await a2sOk(['ablate', '--matrix', 'local.json', '--jobs', '2'], dir);

    const status = await a2s(['ablate', '--matrix', 'slurm.json', '--executor', 'slurm', '--status', '--wait', '--poll', '1'], dir);
    expect(status.code, status.stderr).toBe(1);
    expect(status.stdout, status.stderr).toMatch(new RegExp(`${victim!.key}\\s+failed\\s+${victim!.taskId}`));
    // Slurm's state (scontrol keeps it for MinJobAge) or, later, the log tail's "*** JOB … CANCELLED ***" line.
    expect(status.stderr).toContain(`[${victim!.key}] job ${victim!.taskId} `);
    expect(status.stderr).toMatch(/CANCELLED/);
    expect(status.stderr).toMatch(/3 done, 0 queued or running, 1 failed/);
    const others = (await slurmMatrixStatus({ matrix: m, cwd: dir, slurm })).filter((s) => s.cell.key !== victim!.key);
    const markers = await Promise.all(others.map((s) => stat(join(dir, 'abl-slurm', 'cells', s.cell.key, 'done.json'))));

    const resumed = await a2sOk([...slurmCall, '--wait'], dir);
    expect(resumed.stderr).toMatch(new RegExp(`submitted job array \\d+: 1 cell\\(s\\) ${victim!.key}\\n`));
    expect(resumed.stderr).toMatch(/4 cells: 4 done/);
    expect(resumed.stdout).toContain('tiny');
    // Finished cells were not redone.
    const after = await Promise.all(others.map((s) => stat(join(dir, 'abl-slurm', 'cells', s.cell.key, 'done.json'))));
    expect(after.map((s) => s.mtimeMs)).toEqual(markers.map((s) => s.mtimeMs));

    // Same scores as the uninterrupted local run, cell by cell.
    expect(await means('abl-slurm')).toEqual(await means('abl-local'));
    const rows = (p: string) => readMetricsTable(join(dir, p, 'metrics.arrow')).then((r) => r.map((x) => JSON.stringify(x)).sort());
    expect(await rows('abl-slurm')).toEqual(await rows('abl-local'));
    for (const key of [victim!.key, ...others.map((s) => s.cell.key)]) {
      const shards = (p: string) => readFile(join(dir, p, 'cells', key, 'predictions', 'shards', 'test-00000.arrow'));
      expect(Buffer.compare(await shards('abl-slurm'), await shards('abl-local'))).toBe(0);
    }
  }, 1_800_000);

  it('an unknown partition is refused before anything is submitted, naming the cells', async () => {
    const r = await a2s(['ablate', '--matrix', 'slurm.json', '--executor', 'slurm', '--force', '--partition', 'gpu-nope'], dir);
    if (r.stderr.includes('submitted job array')) throw new Error(`submitted despite the unknown partition:\n${r.stderr}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/partition 'gpu-nope' does not exist .*nothing submitted for ablation slurm-test \(cells tiny__none__s0/);
  }, 300_000);
});
