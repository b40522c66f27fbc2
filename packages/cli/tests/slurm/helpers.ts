import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { clusterInfo, SlurmOptionsSchema } from '@a2s/cluster';

export const REPO = resolve(import.meta.dirname, '../../../..');
export const A2S = join(REPO, 'packages/cli/bin/a2s.mjs');
export const FIXTURE_POP909 = join(REPO, 'data/fixtures/pop909');
export const slurm = SlurmOptionsSchema.parse({});

/** Fails (never skips) when no cluster answers, saying how to start the one in deploy/slurm. */
export async function requireCluster(): Promise<void> {
  const info = await clusterInfo(slurm);
  const down = [...info.nodes].filter(([, s]) => !['idle', 'mix', 'alloc', 'comp'].includes(s));
  if (info.nodes.size === 0 || down.length === info.nodes.size) {
    throw new Error(`the Slurm cluster has no usable node (${[...info.nodes].map(([n, s]) => `${n} ${s}`).join(', ')}); run 'bash deploy/slurm/cluster.sh start' as root`);
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the a2s CLI as a user would (a child process), in `cwd`. */
export function a2s(args: readonly string[], cwd: string): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [A2S, ...args], { cwd, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

/** Like `a2s` but throws with the output when the command fails. */
export async function a2sOk(args: readonly string[], cwd: string): Promise<CliResult> {
  const r = await a2s(args, cwd);
  if (r.code !== 0) throw new Error(`a2s ${args.join(' ')} exited with ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r;
}

/**
 * A training config for the smallest honest run: the repository's corruption config for `variant` with the
 * tiny preset, batch 4 and `steps` steps per stage; written to `<dir>/<name>.json`.
 */
export async function tinyTrainConfig(dir: string, name: string, repoConfig: string, steps: number): Promise<string> {
  const cfg = JSON.parse(await readFile(join(REPO, repoConfig), 'utf8')) as { preset: string; batchSize: number; checkpointEverySteps?: number; stages: { maxSteps?: number }[] };
  cfg.preset = 'tiny';
  cfg.batchSize = 4;
  cfg.checkpointEverySteps = 1;
  for (const s of cfg.stages) s.maxSteps = steps;
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(cfg, null, 2));
  return path;
}
