import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeState, jobStates, latestLog, submitArray, tailFile, type SlurmOptions, type SubmittedArray } from '@a2s/cluster';
import { sha256, stableStringify, writeFileAtomic } from '@a2s/dataset';
import type { Matrix } from '../config.ts';
import { expandMatrix, type MatrixCell } from './matrix.ts';
import { isCellDone } from './run-matrix.ts';

/** A cell's state on the cluster, from its run folder first, then squeue/scontrol/sacct. */
export type SlurmCellState = 'done' | 'pending' | 'running' | 'failed' | 'not-submitted';

export interface SlurmCellStatus {
  readonly cell: MatrixCell;
  readonly state: SlurmCellState;
  /** `<array job>_<task>` of the cell's latest submission. */
  readonly taskId?: string;
  /** How the cell's job ended or why it waits, for failed and pending cells. */
  readonly detail?: string;
  /** For failed cells: the last lines of the Slurm log and of the cell's own log. */
  readonly logTail?: string;
}

interface SubmissionRecord {
  jobId: string;
  submittedAt: string;
  tasks: { key: string; specHash: string; taskId: string }[];
}

export interface SlurmMatrixOptions {
  readonly matrix: Matrix;
  /** Folder relative paths resolve in; the jobs run there too (it must be on the cluster's shared filesystem). */
  readonly cwd: string;
  readonly slurm: SlurmOptions;
  readonly matrixFile?: string;
}

/** `<outDir>/slurm/`: submissions.jsonl, matrix snapshots, logs/<cell key>/ and the batch scripts. */
export const slurmDirOf = (matrix: Matrix, cwd: string): string => join(resolve(cwd, matrix.outDir), 'slurm');

async function readSubmissions(dir: string): Promise<SubmissionRecord[]> {
  const text = await readFile(join(dir, 'submissions.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.trim().length > 0).map((l) => JSON.parse(l) as SubmissionRecord);
}

async function failureTail(outDir: string, slurmDir: string, key: string): Promise<string> {
  const parts: string[] = [];
  const slurmLog = await latestLog(join(slurmDir, 'logs', key));
  if (slurmLog) parts.push(`--- ${slurmLog} (last lines)\n${await tailFile(slurmLog, 10)}`);
  const cellLog = join(outDir, 'cells', key, 'log.txt');
  const cellTail = await tailFile(cellLog, 10);
  if (cellTail) parts.push(`--- ${cellLog} (last lines)\n${cellTail}`);
  return parts.join('\n');
}

/**
 * Each cell's state: `done` when its run folder holds a done.json of this spec (whatever Slurm says);
 * otherwise from its latest submission: `pending`/`running` while queued, `failed` once the job ended
 * without finishing the cell (state, exit code and log tails given), `not-submitted` when never submitted.
 */
export async function slurmMatrixStatus(o: SlurmMatrixOptions): Promise<SlurmCellStatus[]> {
  const outDir = resolve(o.cwd, o.matrix.outDir);
  const slurmDir = slurmDirOf(o.matrix, o.cwd);
  const cells = expandMatrix(o.matrix, o.matrixFile);
  const latest = new Map<string, string>();
  for (const rec of await readSubmissions(slurmDir)) for (const t of rec.tasks) latest.set(t.key, t.taskId);
  const needed = new Set<string>();
  const done = new Map<string, boolean>();
  for (const cell of cells) {
    done.set(cell.key, await isCellDone(join(outDir, 'cells', cell.key), cell));
    const taskId = latest.get(cell.key);
    if (!done.get(cell.key) && taskId) needed.add(taskId.split('_')[0]);
  }
  const states = await jobStates([...needed], o.slurm);
  const out: SlurmCellStatus[] = [];
  for (const cell of cells) {
    const taskId = latest.get(cell.key);
    if (done.get(cell.key)) {
      out.push({ cell, state: 'done', taskId });
      continue;
    }
    if (!taskId) {
      out.push({ cell, state: 'not-submitted' });
      continue;
    }
    const s = states.get(taskId);
    if (s?.active) {
      out.push({ cell, state: s.state === 'RUNNING' || s.state === 'COMPLETING' ? 'running' : 'pending', taskId, detail: describeState(s) });
      continue;
    }
    const detail = s?.state === 'COMPLETED' ? 'job COMPLETED but the cell has no done.json' : describeState(s);
    out.push({ cell, state: 'failed', taskId, detail, logTail: await failureTail(outDir, slurmDir, cell.key) });
  }
  return out;
}

export interface SlurmSubmitResult {
  /** States before submitting (failed cells carry their log tails). */
  readonly before: readonly SlurmCellStatus[];
  /** The job array submitted (absent when no cell needed running). */
  readonly submitted?: SubmittedArray;
}

/**
 * Submits one job array with a task for every cell that is neither done nor queued (never submitted,
 * failed, cancelled, timed out). Task i runs `<cli> ablate --matrix <snapshot> --cell <key>`, the same code
 * as the local executor, on a snapshot of the matrix (editing the matrix file later does not change queued
 * cells). The submission is appended to `<outDir>/slurm/submissions.jsonl`.
 */
export async function submitSlurmMatrix(o: SlurmMatrixOptions & { readonly cli: readonly string[]; readonly force?: boolean }): Promise<SlurmSubmitResult> {
  const before = await slurmMatrixStatus(o);
  const todo = before.filter((s) => s.state === 'failed' || s.state === 'not-submitted' || (o.force && s.state === 'done'));
  if (todo.length === 0) return { before };
  const slurmDir = slurmDirOf(o.matrix, o.cwd);
  const text = `${JSON.stringify(o.matrix, null, 2)}\n`;
  const snapshot = join(slurmDir, `matrix-${sha256(stableStringify(o.matrix)).slice(0, 12)}.json`);
  await mkdir(slurmDir, { recursive: true });
  await writeFileAtomic(snapshot, text);
  const submitted = await submitArray({
    what: `ablation ${o.matrix.name} (cells ${todo.map((s) => s.cell.key).join(', ')})`,
    jobName: `a2s-ablate-${o.matrix.name}`,
    cwd: o.cwd,
    logDir: join(slurmDir, 'logs'),
    slurm: o.slurm,
    tasks: todo.map((s) => ({ name: s.cell.key, argv: [...o.cli, 'ablate', '--matrix', snapshot, '--cell', s.cell.key, ...(o.force ? ['--force'] : [])] })),
  });
  const record: SubmissionRecord = {
    jobId: submitted.jobId,
    submittedAt: new Date().toISOString(),
    tasks: submitted.tasks.map((t, i) => ({ key: t.name, specHash: todo[i].cell.specHash, taskId: t.taskId })),
  };
  await appendFile(join(slurmDir, 'submissions.jsonl'), `${JSON.stringify(record)}\n`);
  return { before, submitted };
}
