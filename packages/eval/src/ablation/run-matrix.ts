import { spawn } from 'node:child_process';
import { open, readFile, rm, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { InputError, writeFileAtomic } from '@a2s/dataset';
import type { Matrix } from '../config.ts';
import { runBaseline } from '../baselines/run-baseline.ts';
import { evaluatePredictionFolders } from '../scoring/evaluate.ts';
import type { EvaluationResult } from '../scoring/summarize.ts';
import { expandMatrix, renderTemplate, shellQuote, type MatrixCell } from './matrix.ts';

/** Name of the marker a cell writes when its prediction folder is complete. */
export const DONE_MARKER = 'done.json';

export type CellEvent =
  | { kind: 'skipped'; cell: MatrixCell }
  | { kind: 'started'; cell: MatrixCell }
  | { kind: 'done'; cell: MatrixCell; seconds: number }
  | { kind: 'failed'; cell: MatrixCell; error: string };

export interface RunMatrixOptions {
  readonly matrix: Matrix;
  /** Folder that relative paths (manifest, outDir) and commands are resolved in. */
  readonly cwd: string;
  /** Cells run at the same time. Default 1. */
  readonly jobs?: number;
  /** Rerun finished cells too. */
  readonly force?: boolean;
  /** Stops launching new cells once aborted (running ones finish); the matrix resumes on the next run. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: CellEvent) => void;
  /** File name used in error messages. */
  readonly matrixFile?: string;
  /** Run only these cells (keys); the others are left as they are. A Slurm array task runs one cell this way. */
  readonly only?: readonly string[];
  /** Score the finished cells at the end (default true). */
  readonly evaluate?: boolean;
}

export interface MatrixResult {
  outDir: string;
  cells: { key: string; status: 'done' | 'skipped' | 'failed' | 'not-run'; error?: string }[];
  /** Scores of every finished cell (absent when none finished). */
  evaluation?: EvaluationResult;
}

/** Whether a cell folder holds a finished cell of this spec (its done.json marker has the cell's spec hash). */
export async function isCellDone(cellDir: string, cell: MatrixCell): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(join(cellDir, DONE_MARKER), 'utf8')) as { specHash?: string };
    return marker.specHash === cell.specHash;
  } catch {
    return false;
  }
}

function runShell(command: string, cwd: string, logPath: string): Promise<number> {
  return open(logPath, 'a').then(
    (log) =>
      new Promise<number>((resolvePromise, reject) => {
        const child = spawn('bash', ['-c', command], { cwd, stdio: ['ignore', log.fd, log.fd] });
        child.on('error', (err) => {
          void log.close();
          reject(err);
        });
        child.on('close', (code) => {
          void log.close();
          resolvePromise(code ?? 1);
        });
      }),
  );
}

async function runCell(cell: MatrixCell, matrix: Matrix, cwd: string, cellDir: string): Promise<void> {
  const predDir = join(cellDir, 'predictions');
  const manifest = resolve(cwd, matrix.manifest);
  await mkdir(cellDir, { recursive: true });
  await writeFileAtomic(join(cellDir, 'cell.json'), `${JSON.stringify({ key: cell.key, specHash: cell.specHash, system: cell.system, variant: cell.variant, seed: cell.seed }, null, 2)}\n`);
  if (cell.system.type === 'baseline') {
    await runBaseline({ config: cell.system.baseline, manifestPath: manifest, split: matrix.split, outDir: predDir, system: cell.system.name });
    return;
  }
  const command = renderTemplate(cell.system.command, {
    seed: String(cell.seed ?? 0),
    variant: shellQuote(cell.variant?.name ?? 'default'),
    params: shellQuote(JSON.stringify(cell.variant?.params ?? {})),
    args: cell.variant?.args ?? '',
    cellDir: shellQuote(cellDir),
    predDir: shellQuote(predDir),
    manifest: shellQuote(manifest),
    split: matrix.split,
  });
  const code = await runShell(command, cwd, join(cellDir, 'log.txt'));
  if (code !== 0) throw new Error(`command exited with code ${code} (log: ${join(cellDir, 'log.txt')})`);
  try {
    await readFile(join(predDir, 'predictions.json'));
  } catch {
    throw new Error(`command succeeded but wrote no ${join(predDir, 'predictions.json')}`);
  }
}

/**
 * Runs every cell of a matrix (p-limit, `jobs` at a time), each in `<outDir>/cells/<key>/` with its
 * prediction folder in `predictions/` and a `done.json` marker written last. Finished cells (marker with
 * the same spec hash) are skipped, so an interrupted matrix resumes where it stopped; an unfinished cell
 * folder is deleted and rerun. Failed cells are reported, not fatal. Finally every finished cell is scored
 * together into `<outDir>/metrics.arrow` and `<outDir>/summary.json`.
 */
export async function runMatrix(opts: RunMatrixOptions): Promise<MatrixResult> {
  const { matrix, cwd } = opts;
  const outDir = resolve(cwd, matrix.outDir);
  const all = expandMatrix(matrix, opts.matrixFile);
  const unknown = (opts.only ?? []).filter((k) => !all.some((c) => c.key === k));
  if (unknown.length > 0) throw new InputError({ file: opts.matrixFile ?? '<matrix>', message: `no cell ${unknown.join(', ')} in this matrix (cells: ${all.map((c) => c.key).join(', ')})` });
  const cells = opts.only ? all.filter((c) => opts.only!.includes(c.key)) : all;
  const limit = pLimit(Math.max(1, opts.jobs ?? 1));
  const status = new Map<string, MatrixResult['cells'][number]>(cells.map((c) => [c.key, { key: c.key, status: 'not-run' }]));
  await mkdir(outDir, { recursive: true });
  await writeFileAtomic(join(outDir, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
  await Promise.all(
    cells.map((cell) =>
      limit(async () => {
        const cellDir = join(outDir, 'cells', cell.key);
        if (!opts.force && (await isCellDone(cellDir, cell))) {
          status.set(cell.key, { key: cell.key, status: 'skipped' });
          opts.onEvent?.({ kind: 'skipped', cell });
          return;
        }
        if (opts.signal?.aborted) return;
        await rm(cellDir, { recursive: true, force: true });
        opts.onEvent?.({ kind: 'started', cell });
        const started = performance.now();
        try {
          await runCell(cell, matrix, cwd, cellDir);
          const seconds = (performance.now() - started) / 1000;
          await writeFileAtomic(
            join(cellDir, DONE_MARKER),
            `${JSON.stringify({ key: cell.key, specHash: cell.specHash, finishedAt: new Date().toISOString(), seconds }, null, 2)}\n`,
          );
          status.set(cell.key, { key: cell.key, status: 'done' });
          opts.onEvent?.({ kind: 'done', cell, seconds });
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          status.set(cell.key, { key: cell.key, status: 'failed', error });
          opts.onEvent?.({ kind: 'failed', cell, error });
        }
      }),
    ),
  );
  const finished = cells.filter((c) => ['done', 'skipped'].includes(status.get(c.key)!.status));
  const result: MatrixResult = { outDir, cells: cells.map((c) => status.get(c.key)!) };
  if (finished.length > 0 && opts.evaluate !== false) result.evaluation = await evaluateMatrixCells(matrix, cwd, finished);
  return result;
}

/** Scores the prediction folders of finished cells together into `<outDir>/metrics.arrow` and `<outDir>/summary.json`. */
export function evaluateMatrixCells(matrix: Matrix, cwd: string, finished: readonly MatrixCell[]): Promise<EvaluationResult> {
  const outDir = resolve(cwd, matrix.outDir);
  return evaluatePredictionFolders({
    predictionDirs: finished.map((c) => join(outDir, 'cells', c.key, 'predictions')),
    ids: finished.map((c) => ({ system: c.system.name, variant: c.variant?.name ?? 'default', seed: c.seed })),
    manifestPath: resolve(cwd, matrix.manifest),
    split: matrix.split,
    seed: matrix.eval.seed,
    resamples: matrix.eval.resamples,
    outDir,
  });
}
