import { resolve } from 'node:path';
import type { Command } from 'commander';
import { registerExecutorOptions, slurmFlagsWithoutSlurm, slurmOptionsFromFlags, type ExecutorFlags } from '@a2s/cluster';
import { InputError } from '@a2s/dataset';
import { readMatrix } from '../ablation/matrix.ts';
import { formatSummaryTable } from '../scoring/summarize.ts';
import { ablateOnSlurm } from './ablate-slurm.ts';
import { parseInteger } from './eval.ts';

interface AblateFlags extends ExecutorFlags {
  matrix: string;
  jobs: number;
  force: boolean;
  cell?: string;
  status: boolean;
  wait: boolean;
  poll: number;
}

/** `a2s ablate`: runs an experiment matrix (resumable) and scores every cell, here or on a Slurm cluster. */
export function registerAblateCommand(program: Command): void {
  const command = program
    .command('ablate')
    .description(
      'Run an ablation matrix (systems × variants × seeds); finished cells are skipped, so a stopped run resumes.\n' +
        'With --executor slurm: one job array, one task per cell that is not done or queued (failed and cancelled cells are\n' +
        'resubmitted, with their log tail shown); --status shows cell states, --wait waits with a progress bar; the matrix is\n' +
        'scored as with the local executor once every cell is done.',
    )
    .requiredOption('--matrix <file>', 'matrix JSON (see packages/eval/examples/ablation-demo.json)')
    .option('--jobs <n>', 'local: cells run in parallel', parseInteger, 1)
    .option('--force', 'rerun finished cells too', false)
    .option('--cell <key>', 'run this one cell only, without scoring (what each Slurm array task runs)')
    .option('--status', 'slurm: show each cell state (run folders + squeue/scontrol/sacct); submit nothing', false)
    .option('--wait', 'slurm: wait until no cell is queued or running, then score', false)
    .option('--poll <seconds>', 'slurm: seconds between state queries while waiting', parseInteger, 10);
  registerExecutorOptions(command, { arrays: true }).action(async (o: AblateFlags) => {
    const matrix = await readMatrix(o.matrix);
    const ignored = slurmFlagsWithoutSlurm(o);
    if (o.executor === 'local' && (o.status || o.wait)) ignored.push(...(o.status ? ['--status'] : []), ...(o.wait ? ['--wait'] : []));
    if (ignored.length > 0) throw new InputError({ file: 'command line', message: `${ignored.join(', ')} need --executor slurm` });
    if (o.executor === 'slurm' && o.cell === undefined) {
      await ablateOnSlurm({
        matrix,
        matrixFile: o.matrix,
        cwd: process.cwd(),
        slurm: slurmOptionsFromFlags(o),
        cli: [process.execPath, resolve(process.argv[1])],
        flags: { status: o.status, wait: o.wait, poll: o.poll, force: o.force },
      });
      return;
    }
    const { runMatrix } = await import('../ablation/run-matrix.ts');
    const controller = new AbortController();
    const onSigint = (): void => {
      process.stderr.write('interrupt: finishing running cells, then stopping (run again to resume)\n');
      controller.abort();
    };
    process.once('SIGINT', onSigint);
    try {
      const res = await runMatrix({
        matrix,
        cwd: process.cwd(),
        jobs: o.jobs,
        force: o.force,
        signal: controller.signal,
        matrixFile: o.matrix,
        only: o.cell === undefined ? undefined : [o.cell],
        evaluate: o.cell === undefined,
        onEvent: (e) => {
          const msg = e.kind === 'done' ? `done in ${e.seconds.toFixed(1)} s` : e.kind === 'failed' ? `FAILED: ${e.error}` : e.kind;
          process.stderr.write(`[${e.cell.key}] ${msg}\n`);
        },
      });
      if (res.evaluation) process.stdout.write(`${formatSummaryTable(res.evaluation.summary)}\n`);
      const failed = res.cells.filter((c) => c.status === 'failed');
      const notRun = res.cells.filter((c) => c.status === 'not-run');
      process.stderr.write(`${res.cells.length} cells: ${res.cells.length - failed.length - notRun.length} finished, ${failed.length} failed, ${notRun.length} not run → ${res.outDir}\n`);
      if (failed.length > 0 || notRun.length > 0) process.exitCode = 1;
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}
