import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayScript, bashQuote, jobScript } from '../../src/index.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'a2s-cluster-script-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a generated script with bash and the environment a Slurm task would have. */
function runAs(script: string, env: Record<string, string>): string {
  return execFileSync('bash', [script], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('batch scripts', () => {
  it('bashQuote keeps every argument intact through bash', () => {
    const words = ['plain', "it's", 'a b', '$HOME', '`x`', '"q"', 'semi;colon', ''];
    const out = execFileSync('bash', ['-c', `printf '%s\\n' ${words.map(bashQuote).join(' ')}`], { encoding: 'utf8' });
    expect(out.split('\n').slice(0, -1)).toEqual(words);
  });

  it('an array task runs its own command and links its log into a folder named after it', async () => {
    const logDir = join(dir, 'logs');
    const script = join(dir, 'array.sh');
    const tasks = [
      { name: 'cell-a', argv: ['printf', '%s|', 'first', "it's"] },
      { name: 'cell b', argv: ['printf', '%s|', 'second', '$x'] },
    ];
    await writeFile(script, arrayScript({ title: 'test', tasks, logDir, setup: ['export A2S_SETUP=yes'] }));
    execFileSync('mkdir', ['-p', join(logDir, '.array')]);
    await writeFile(join(logDir, '.array', '7_1.out'), 'slurm output\n');
    const out = runAs(script, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_JOB_ID: '7', SLURM_JOB_ID: '9' });
    expect(out).toContain('a2s: task cell b = job 7_1 (id 9, restart 0)');
    expect(out.trim().endsWith('second|$x|')).toBe(true);
    expect(await readFile(join(logDir, 'cell b', '7_1.out'), 'utf8')).toBe('slurm output\n');
    expect(() => runAs(script, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_JOB_ID: '7', SLURM_JOB_ID: '9' })).toThrow();
  });

  it('a single job switches to its resume command once the checkpoint exists', async () => {
    const marker = join(dir, 'latest.json');
    const script = join(dir, 'job.sh');
    await writeFile(script, jobScript({ title: 'train', argv: ['echo', 'fresh'], setup: [], resume: { ifExists: marker, argv: ['echo', 'resume'] } }));
    expect(runAs(script, { SLURM_JOB_ID: '3' }).trim().split('\n').pop()).toBe('fresh');
    await writeFile(marker, '{}');
    expect(runAs(script, { SLURM_JOB_ID: '3' }).trim().split('\n').pop()).toBe('resume');
  });
});
