import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { registerExecutorOptions, slurmFlagsWithoutSlurm, slurmOptionsFromFlags, type ExecutorFlags } from '@a2s/cluster';
import { buildDataset, buildSongCaches } from '../build/build.ts';
import { buildOnSlurm } from './build-slurm.ts';
import { DatasetConfigSchema, type DatasetConfigInput } from '../build/config.ts';
import { InputError, describeError } from '../util/errors.ts';
import { createProgress } from '../util/progress.ts';
import { SPLITS, type Split } from '../shards/types.ts';

interface BuildFlags {
  pop909?: string;
  out?: string;
  songs?: string[];
  limit?: number;
  splitsFrom?: { manifest: string; splits: Split[] };
  jobs?: number;
  force?: boolean;
  seed?: number;
  audioDir?: string;
  sampleRate?: number;
  renderMelody?: boolean;
  band?: boolean;
  leak?: number;
  includeNonDuple?: boolean;
  soundfont?: string;
  onError: 'skip' | 'fail';
  config?: string;
  progress?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

function ratio(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number in [0, 1]');
  return n;
}

function songList(value: string): string[] {
  const ids = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (ids.length === 0) throw new InvalidArgumentError('expected song ids like 001,002');
  return ids;
}

/**
 * `<manifest.json>[:split,split]`: the text after the last `:` is a split list when it holds no `/` and no
 * `.` (so `C:/x/manifest.json` stays a path); default splits: test.
 */
export function parseSplitsFrom(value: string): { manifest: string; splits: Split[] } {
  const colon = value.lastIndexOf(':');
  const tail = colon >= 0 ? value.slice(colon + 1) : '';
  if (colon < 0 || /[/\\.]/.test(tail)) {
    if (value.length === 0) throw new InvalidArgumentError('expected <manifest.json>[:split,split]');
    return { manifest: value, splits: ['test'] };
  }
  const manifest = value.slice(0, colon);
  const splits = tail.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const bad = splits.filter((s) => !(SPLITS as readonly string[]).includes(s));
  if (manifest.length === 0 || splits.length === 0 || bad.length > 0) {
    throw new InvalidArgumentError(`expected <manifest.json>[:split,split] with splits of ${SPLITS.join(', ')}${bad.length > 0 ? ` (got ${bad.join(', ')})` : ''}`);
  }
  return { manifest, splits: [...new Set(splits)] as Split[] };
}

/** Merges a config file (if any) with the flags; flags win. Validated by the schema. */
async function resolveConfig(flags: BuildFlags): Promise<DatasetConfigInput> {
  let base: Record<string, unknown> = {};
  if (flags.config) {
    try {
      base = JSON.parse(await readFile(flags.config, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new InputError({ file: flags.config, message: `cannot read config: ${describeError(err)}`, cause: err });
    }
  }
  const cfg: Record<string, unknown> = { ...base };
  if (flags.pop909 !== undefined) cfg.pop909Dir = flags.pop909;
  if (flags.out !== undefined) cfg.outDir = flags.out;
  if (flags.songs !== undefined) cfg.songs = flags.songs;
  if (flags.limit !== undefined) cfg.limit = flags.limit;
  if (flags.splitsFrom !== undefined) cfg.splitsFrom = flags.splitsFrom;
  if (flags.seed !== undefined) cfg.seed = flags.seed;
  if (flags.sampleRate !== undefined) cfg.sampleRate = flags.sampleRate;
  if (flags.includeNonDuple) cfg.includeNonDuple = true;
  let audio = { ...((base.audio as Record<string, unknown> | undefined) ?? { type: 'synth' }) };
  if (flags.audioDir !== undefined) audio = { type: 'recordings', dir: flags.audioDir };
  if (flags.band || flags.leak !== undefined) {
    if (flags.audioDir !== undefined || flags.renderMelody) throw new InputError({ file: '--band', message: '--band/--leak cannot be combined with --audio-dir or --render-melody' });
    if (audio.type !== 'band') audio = { type: 'band' };
    if (flags.leak !== undefined) audio.leak = flags.leak;
  }
  if (audio.type === 'band' && flags.soundfont !== undefined) audio.soundfonts = [flags.soundfont];
  else if (flags.renderMelody || flags.soundfont !== undefined) {
    if (audio.type !== 'synth') throw new InputError({ file: flags.config ?? '--audio-dir', message: '--render-melody and --soundfont apply to synthesized audio, not to --audio-dir recordings' });
    if (flags.renderMelody) audio.renderMelody = true;
    if (flags.soundfont !== undefined) audio.soundfont = flags.soundfont;
  }
  cfg.audio = audio;
  const parsed = DatasetConfigSchema.safeParse(cfg);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError({ file: flags.config ?? 'command line', message: `invalid dataset config: ${issue.path.join('.') || '(root)'}: ${issue.message}` });
  }
  return parsed.data;
}

/** Registers `a2s data build`. */
export function registerBuildCommand(data: Command): void {
  const command = data
    .command('build')
    .description(
      'Build a dataset from a POP909-layout folder: synthesize (FluidSynth) or decode the audio of each song, ' +
        'cut it into 8-beat segments and write Arrow shards + manifest.json.\n' +
        'Output: <out>/manifest.json, <out>/shards/<split>-NNNNN-<hash>.arrow, <out>/audio/<id>.wav, <out>/cache/ (per-song cache).\n' +
        'Unchanged songs are taken from the cache; --force redoes everything.',
    )
    .option('--pop909 <dir>', 'POP909-layout input folder (default data/fixtures/pop909)')
    .option('--out <dir>', 'output folder (default data/datasets/default)')
    .addOption(new Option('--songs <ids>', 'only these songs, comma separated (e.g. 001,002)').argParser(songList).conflicts('limit'))
    .option('--limit <n>', 'only the first N songs (sorted by id)', positiveInt)
    .option('--splits-from <manifest.json>', 'build the songs built in the test split of that dataset\'s manifest, each in the same split (held-out rendering of the same songs); append :split,split for other splits (e.g. m.json:valid,test); --songs/--limit narrow them', parseSplitsFrom)
    .option('--jobs <n>', `songs processed in parallel (default: cores = ${availableParallelism()})`, positiveInt)
    .option('--force', 're-render and re-process every song, ignoring the per-song cache')
    .option('--seed <n>', 'seed of the instrument draw and of the train/valid/test split (default 0)', integer)
    .option('--audio-dir <dir>', 'use recordings <dir>/<id>.wav|mp3|flac|ogg instead of synthesis (aligned via beat_audio.txt)')
    .option('--sample-rate <hz>', 'output sample rate, mono (default 16000)', positiveInt)
    .option('--band', 'render a generated pop-band arrangement (drums, bass, comping, MELODY lead) instead of the accompaniment itself (see packages/dataset/README.md, "Band audio")')
    .option('--leak <x>', 'band audio: share of bars in [0, 1] in which one comping part plays the target\'s own notes (implies --band)', ratio)
    .option('--render-melody', 'also render the MELODY track (default: accompaniment only)')
    .option('--soundfont <sf2>', 'soundfont for FluidSynth (default /usr/share/sounds/sf2/FluidR3_GM.sf2; with --band it replaces the list audio.soundfonts)')
    .option('--include-non-duple', 'keep songs not in duple metre (default: excluded, reason in the manifest)')
    .addOption(new Option('--on-error <mode>', 'bad song: skip = record it in the manifest and go on (exit code 1 at the end); fail = stop').choices(['skip', 'fail']).default('skip'))
    .option('--config <file.json>', 'dataset config (JSON, see packages/dataset/README.md); flags override it')
    .option('--no-progress', 'no progress output')
    .option('--cache-only', 'only fill the per-song cache of the selected songs: no shards, no manifest (what each Slurm array task runs)')
    .option('--array-tasks <n>', 'slurm: array tasks the songs are spread over (default 32)', positiveInt, 32)
    .option('--wait', 'slurm: wait for the jobs with a progress bar, then print the summary', false)
    .option('--poll <seconds>', 'slurm: seconds between state queries while waiting', positiveInt, 10);
  registerExecutorOptions(command, { arrays: true });
  command.action(async (flags: BuildFlags & ExecutorFlags & { cacheOnly?: boolean; arrayTasks: number; wait: boolean; poll: number }) => {
      const config = await resolveConfig(flags);
      const ignored = slurmFlagsWithoutSlurm(flags);
      if (ignored.length > 0) throw new InputError({ file: 'command line', message: `${ignored.join(', ')} need --executor slurm` });
      if (flags.executor === 'slurm' && !flags.cacheOnly) {
        const cli = [process.execPath, resolve(process.argv[1])];
        const opts = { config, slurm: slurmOptionsFromFlags(flags), cli, cwd: process.cwd(), arrayTasks: flags.arrayTasks, force: !!flags.force, onError: flags.onError, wait: flags.wait, pollSeconds: flags.poll };
        process.exitCode = await buildOnSlurm(opts);
        return;
      }
      if (flags.cacheOnly) {
        const scratchDir = join(resolve(config.outDir ?? 'data/datasets/default'), 'tmp', `cache-only-${process.pid}-${Date.now()}`);
        const results = await buildSongCaches(config, { jobs: flags.jobs, force: flags.force, onError: flags.onError, scratchDir });
        for (const r of results) process.stderr.write(`${r.songId}: ${r.status}${r.status === 'built' ? '' : ` (${r.reason})`}\n`);
        process.stdout.write(`${results.length} songs processed into the per-song cache (no shards, no manifest)\n`);
        return;
      }
      const interactive = process.stderr.isTTY === true && !process.env.CI;
      const progress = createProgress({ label: 'data build', total: 0, unit: 'songs', plain: !interactive, silent: flags.progress === false });
      const manifest = await buildDataset(config, {
        jobs: flags.jobs, force: flags.force, onError: flags.onError, progress,
        onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
      });
      const s = manifest.summary;
      const out = resolve(config.outDir ?? 'data/datasets/default');
      process.stdout.write(
        `${s.built} songs built, ${s.excluded} excluded, ${s.failed} failed; segments train ${s.segments.train} / valid ${s.segments.valid} / test ${s.segments.test}\n` +
          `manifest: ${join(out, 'manifest.json')}\n`,
      );
      for (const song of manifest.songs) {
        if (song.status === 'failed') process.stderr.write(`failed: ${song.reason}\n`);
      }
      if (s.failed > 0) process.exitCode = 1;
    });
}
