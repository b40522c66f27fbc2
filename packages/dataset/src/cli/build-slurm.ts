import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeState, latestLog, submitArray, submitJob, tailFile, waitForJobs, type SlurmOptions } from '@a2s/cluster';
import { selectSongs } from '../build/build.ts';
import { DatasetConfigSchema, type DatasetConfigInput } from '../build/config.ts';
import type { Manifest } from '../build/manifest.ts';
import { sha256, stableStringify, writeFileAtomic } from '../util/fs.ts';
import { createProgress } from '../util/progress.ts';

export interface SlurmBuildOptions {
  readonly config: DatasetConfigInput;
  readonly slurm: SlurmOptions;
  /** `[node, a2s.mjs]`: how jobs start the CLI. */
  readonly cli: readonly string[];
  readonly cwd: string;
  /** Array tasks the songs are spread over (round robin). */
  readonly arrayTasks: number;
  readonly force: boolean;
  readonly onError: 'skip' | 'fail';
  readonly wait: boolean;
  readonly pollSeconds: number;
}

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * `a2s data build --executor slurm`: a job array whose tasks fill the per-song cache of their share of the
 * songs (`--cache-only`), then one job (`--dependency=afterok`) that runs the ordinary build, which finds
 * every song cached and assembles shards and manifest exactly as a local build does. Both run the same
 * resolved config, snapshotted to `<out>/slurm/`. Returns the exit code.
 */
export async function buildOnSlurm(o: SlurmBuildOptions): Promise<number> {
  const config = DatasetConfigSchema.parse(o.config);
  const outDir = resolve(o.cwd, config.outDir);
  const selectConfig = config.splitsFrom ? { ...config, splitsFrom: { ...config.splitsFrom, manifest: resolve(o.cwd, config.splitsFrom.manifest) } } : config;
  const songs = await selectSongs(resolve(o.cwd, config.pop909Dir), selectConfig);
  const slurmDir = join(outDir, 'slurm');
  const snapshot = join(slurmDir, `build-config-${sha256(stableStringify(config)).slice(0, 12)}.json`);
  await writeFileAtomic(snapshot, `${JSON.stringify(config, null, 2)}\n`);
  const n = Math.min(o.arrayTasks, songs.length);
  const parts = Array.from({ length: n }, (_, i) => songs.filter((_, j) => j % n === i));
  const common = ['--config', snapshot, '--no-progress', '--on-error', o.onError, '--jobs', String(o.slurm.cpusPerTask ?? 1)];
  const names = parts.map((_, i) => `part-${String(i).padStart(3, '0')}`);
  const array = await submitArray({
    what: `dataset ${outDir} (${songs.length} songs in ${n} tasks)`,
    jobName: 'a2s-data-songs',
    cwd: o.cwd,
    logDir: join(slurmDir, 'logs'),
    slurm: o.slurm,
    tasks: parts.map((ids, i) => ({ name: names[i], argv: [...o.cli, 'data', 'build', ...common, '--songs', ids.join(','), '--cache-only', ...(o.force ? ['--force'] : [])] })),
  });
  const assemble = await submitJob({
    what: `dataset ${outDir} (shards and manifest)`,
    jobName: 'a2s-data-assemble',
    cwd: o.cwd,
    logDir: join(slurmDir, 'logs', 'assemble'),
    slurm: { ...o.slurm, maxParallel: undefined },
    afterOk: [array.jobId],
    argv: [...o.cli, 'data', 'build', ...common],
  });
  say(`submitted job array ${array.jobId} (${n} tasks filling the per-song cache of ${songs.length} songs) and job ${assemble.jobId} (shards + manifest, after ${array.jobId} succeeds)`);
  if (!o.wait) {
    say(`follow with: squeue -j ${array.jobId},${assemble.jobId}; the manifest appears at ${join(outDir, 'manifest.json')}`);
    return 0;
  }
  const progress = createProgress({ label: 'data build (slurm)', total: n + 1, unit: 'jobs', plain: !process.stderr.isTTY || !!process.env.CI });
  let shown = 0;
  const states = await waitForJobs([array.jobId, assemble.jobId], {
    slurm: o.slurm,
    pollSeconds: o.pollSeconds,
    onPoll: (s) => {
      const ended = [...s.values()].filter((x) => !x.active).length;
      progress.tick(ended - shown);
      shown = ended;
    },
  });
  progress.stop();
  let code = 0;
  for (const t of array.tasks) {
    const s = states.get(t.taskId);
    if (s?.state === 'COMPLETED') continue;
    code = 1;
    const log = await latestLog(join(slurmDir, 'logs', t.name));
    say(`songs ${parts[t.index].join(',')} (job ${t.taskId}): ${describeState(s)}${log ? `; last lines of ${log}:\n${(await tailFile(log, 10)).replace(/^/gm, '    ')}` : ''}`);
  }
  const a = states.get(assemble.jobId);
  if (a?.state !== 'COMPLETED') {
    say(`assembly job ${assemble.jobId}: ${describeState(a)} (log ${assemble.logFile}); songs already cached are not redone when you run the build again`);
    return 1;
  }
  const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as Manifest;
  const s = manifest.summary;
  process.stdout.write(
    `${s.built} songs built, ${s.excluded} excluded, ${s.failed} failed; segments train ${s.segments.train} / valid ${s.segments.valid} / test ${s.segments.test}\n` +
      `manifest: ${join(outDir, 'manifest.json')}\n`,
  );
  return s.failed > 0 ? 1 : code;
}
