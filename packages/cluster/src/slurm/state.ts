import { setTimeout as sleep } from 'node:timers/promises';
import type { SlurmOptions } from '../config.ts';
import { SlurmError } from './errors.ts';
import { runTool } from './run-tool.ts';

/** States in which a job or array task still holds or waits for resources. */
const ACTIVE = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'SUSPENDED', 'SIGNALING', 'STAGE_OUT', 'STOPPED']);

export interface JobState {
  /** `<arrayJobId>_<index>` for an array task, else the job id. */
  readonly id: string;
  /** Slurm's state name: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, … */
  readonly state: string;
  readonly active: boolean;
  /** `code:signal`, when known. */
  readonly exitCode?: string;
  /** Slurm's reason (why pending, why it ended), when known. */
  readonly reason?: string;
  /** Which command told: squeue (queued jobs), scontrol (recently ended jobs), sacct (accounting). */
  readonly source: 'squeue' | 'scontrol' | 'sacct';
}

function makeState(id: string, state: string, source: JobState['source'], extra: { exitCode?: string; reason?: string } = {}): JobState {
  // sacct prints "CANCELLED by 0"; scontrol prints "CANCELLED".
  const name = state.split(/\s+/)[0].replace(/\+$/, '');
  return { id, state: name, active: ACTIVE.has(name), source, ...extra };
}

const belongsTo = (id: string, jobIds: ReadonlySet<string>): boolean => jobIds.has(id.split('_')[0]);

/** Parses `squeue -h -r -o '%i|%T|%r'` lines. */
export function parseSqueue(text: string, jobIds: ReadonlySet<string>): JobState[] {
  const out: JobState[] = [];
  for (const line of text.split('\n')) {
    const [id, state, reason] = line.trim().split('|');
    if (!id || !state || !belongsTo(id, jobIds)) continue;
    out.push(makeState(id, state, 'squeue', { reason: reason && reason !== 'None' ? reason : undefined }));
  }
  return out;
}

/** Parses `scontrol -o show job <id>` (one line per job or array task). Array records not yet split (ArrayTaskId=1-3) are skipped. */
export function parseScontrol(text: string): JobState[] {
  const out: JobState[] = [];
  for (const line of text.split('\n')) {
    const fields = new Map<string, string>();
    for (const m of line.matchAll(/(\S+?)=(\S*)/g)) if (!fields.has(m[1])) fields.set(m[1], m[2]);
    const jobId = fields.get('JobId');
    const state = fields.get('JobState');
    if (!jobId || !state) continue;
    const arrayJob = fields.get('ArrayJobId');
    const task = fields.get('ArrayTaskId');
    if (arrayJob && task && !/^\d+$/.test(task)) continue;
    const id = arrayJob && task ? `${arrayJob}_${task}` : jobId;
    const reason = fields.get('Reason');
    out.push(makeState(id, state, 'scontrol', { exitCode: fields.get('ExitCode'), reason: reason && reason !== 'None' ? reason : undefined }));
  }
  return out;
}

/** Parses `sacct -n -P -X -o JobID,State,ExitCode`. */
export function parseSacct(text: string, jobIds: ReadonlySet<string>): JobState[] {
  const out: JobState[] = [];
  for (const line of text.split('\n')) {
    const [id, state, exitCode] = line.trim().split('|');
    if (!id || !state || !belongsTo(id, jobIds) || id.includes('[')) continue;
    out.push(makeState(id, state, 'sacct', { exitCode }));
  }
  return out;
}

/**
 * States of the given jobs and of every task of the given job arrays, keyed by `<job>_<task>` (or job id).
 * Queued and running tasks come from squeue; ended ones from `scontrol show job` (which knows a job for
 * MinJobAge after it ended) and then sacct (clusters with accounting; a cluster without it answers
 * "accounting storage is disabled", which is not an error here). A task none of them knows is absent.
 */
export async function jobStates(jobIds: readonly string[], slurm: SlurmOptions): Promise<Map<string, JobState>> {
  const ids = new Set(jobIds);
  const states = new Map<string, JobState>();
  if (ids.size === 0) return states;
  // slurmctld answers "Socket timed out" when busy: retry a few times before giving up.
  let q = await runTool(slurm.commands.squeue, ['--me', '-h', '-r', '-o', '%i|%T|%r'], { what: `querying jobs ${jobIds.join(', ')}` });
  for (let attempt = 1; q.code !== 0 && attempt < 4; attempt++) {
    await sleep(2000 * attempt);
    q = await runTool(slurm.commands.squeue, ['--me', '-h', '-r', '-o', '%i|%T|%r'], { what: `querying jobs ${jobIds.join(', ')}` });
  }
  if (q.code !== 0) throw new SlurmError(`squeue failed while querying jobs ${jobIds.join(', ')}: ${q.stderr.trim() || `exit code ${q.code}`}`);
  for (const s of parseSqueue(q.stdout, ids)) states.set(s.id, s);
  for (const jobId of ids) {
    const r = await runTool(slurm.commands.scontrol, ['-o', 'show', 'job', jobId], { what: `querying job ${jobId}` });
    if (r.code !== 0) continue; // "Invalid job id": ended longer ago than MinJobAge.
    for (const s of parseScontrol(r.stdout)) if (!states.has(s.id)) states.set(s.id, s);
  }
  const a = await runTool(slurm.commands.sacct, ['-n', '-P', '-X', '-o', 'JobID,State,ExitCode', '-j', [...ids].join(',')], { what: `querying jobs ${jobIds.join(', ')}` });
  if (a.code === 0) for (const s of parseSacct(a.stdout, ids)) if (!states.has(s.id)) states.set(s.id, s);
  return states;
}

/** Cancels jobs or array tasks (`scancel`); a SlurmError names the ids when scancel fails. */
export async function cancelJobs(ids: readonly string[], slurm: SlurmOptions): Promise<void> {
  if (ids.length === 0) return;
  const r = await runTool(slurm.commands.scancel, [...ids], { what: `cancelling ${ids.join(', ')}` });
  if (r.code !== 0) throw new SlurmError(`scancel ${ids.join(' ')} failed: ${r.stderr.trim() || `exit code ${r.code}`}`);
}

/** One line describing how a job ended: "CANCELLED (exit 0:15)", "TIMEOUT", "unknown (not in squeue, scontrol or sacct)". */
export function describeState(s: JobState | undefined): string {
  if (!s) return 'ended, state unknown (no longer in squeue or scontrol; the cluster keeps no accounting)';
  const parts = [s.state];
  if (s.exitCode && s.exitCode !== '0:0') parts.push(`exit ${s.exitCode}`);
  if (s.reason && s.state === 'PENDING') parts.push(s.reason);
  return parts.join(', ');
}
