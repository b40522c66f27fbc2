import { setTimeout as sleep } from 'node:timers/promises';
import type { SlurmOptions } from '@a2s/cluster';
import { createProgress } from '@a2s/dataset';
import type { Matrix } from '../config.ts';
import { evaluateMatrixCells } from '../ablation/run-matrix.ts';
import { slurmMatrixStatus, submitSlurmMatrix, type SlurmCellStatus } from '../ablation/slurm-matrix.ts';
import { formatSummaryTable } from '../scoring/summarize.ts';

export interface AblateSlurmFlags {
  readonly status: boolean;
  readonly wait: boolean;
  readonly poll: number;
  readonly force: boolean;
}

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function reportFailed(statuses: readonly SlurmCellStatus[], what: string): void {
  for (const s of statuses.filter((x) => x.state === 'failed')) {
    say(`[${s.cell.key}] job ${s.taskId} ${s.detail}; ${what}`);
    if (s.logTail) say(s.logTail.replace(/^/gm, '    '));
  }
}

function printStates(statuses: readonly SlurmCellStatus[]): void {
  const width = Math.max(...statuses.map((s) => s.cell.key.length));
  for (const s of statuses) {
    process.stdout.write(`${s.cell.key.padEnd(width)}  ${s.state.padEnd(13)}  ${s.taskId ?? '-'}${s.detail && s.state !== 'failed' ? `  ${s.detail}` : ''}\n`);
  }
}

const count = (statuses: readonly SlurmCellStatus[], ...states: SlurmCellStatus['state'][]): number => statuses.filter((s) => states.includes(s.state)).length;

/**
 * `a2s ablate --executor slurm`: submits the cells that need running (unless `--status`), optionally waits
 * with a progress bar, and scores the matrix as the local executor does once every cell is done.
 */
export async function ablateOnSlurm(o: { matrix: Matrix; matrixFile: string; cwd: string; slurm: SlurmOptions; cli: readonly string[]; flags: AblateSlurmFlags }): Promise<void> {
  const base = { matrix: o.matrix, cwd: o.cwd, slurm: o.slurm, matrixFile: o.matrixFile };
  if (!o.flags.status) {
    const res = await submitSlurmMatrix({ ...base, cli: o.cli, force: o.flags.force });
    reportFailed(res.before, res.submitted ? `resubmitted as ${res.submitted.jobId}` : 'not resubmitted');
    if (res.submitted) say(`submitted job array ${res.submitted.jobId}: ${res.submitted.tasks.length} cell(s) ${res.submitted.tasks.map((t) => t.name).join(', ')}`);
    else say('nothing to submit: every cell is done or queued');
  }
  let statuses = await slurmMatrixStatus(base);
  if (o.flags.status) printStates(statuses);
  if (o.flags.wait && count(statuses, 'pending', 'running') > 0) {
    const progress = createProgress({ label: 'ablate', total: statuses.length, unit: 'cells', plain: !process.stderr.isTTY || !!process.env.CI });
    let shown = count(statuses, 'done');
    progress.tick(shown, `${count(statuses, 'running')} running, ${count(statuses, 'pending')} pending`);
    while (count(statuses, 'pending', 'running') > 0) {
      await sleep(o.flags.poll * 1000);
      statuses = await slurmMatrixStatus(base);
      const done = count(statuses, 'done');
      progress.tick(done - shown, `${count(statuses, 'running')} running, ${count(statuses, 'pending')} pending, ${count(statuses, 'failed')} failed`);
      shown = done;
    }
    progress.stop();
  }
  const done = count(statuses, 'done');
  const failed = count(statuses, 'failed');
  const queued = count(statuses, 'pending', 'running');
  if (o.flags.wait || o.flags.status) reportFailed(statuses, 'run `a2s ablate --executor slurm` again to resubmit it');
  if (done === statuses.length) {
    const evaluation = await evaluateMatrixCells(o.matrix, o.cwd, statuses.map((s) => s.cell));
    process.stdout.write(`${formatSummaryTable(evaluation.summary)}\n`);
  }
  say(`${statuses.length} cells: ${done} done, ${queued} queued or running, ${failed} failed, ${count(statuses, 'not-submitted')} not submitted`);
  if (queued > 0 && !o.flags.wait) say(`follow with: a2s ablate --matrix ${o.matrixFile} --executor slurm --status --wait (scores the matrix when every cell is done)`);
  if (failed > 0 || (o.flags.wait && done < statuses.length)) process.exitCode = 1;
}
