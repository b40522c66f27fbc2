import { availableParallelism } from 'node:os';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { listPop909Songs } from '../pop909/index.ts';
import { decodeSegmentShard } from '../shards/reader.ts';
import { SHARD_SCHEMA_VERSION } from '../shards/schema.ts';
import { SPLITS, type SegmentRow, type Split } from '../shards/types.ts';
import { encodeSegmentShard } from '../shards/writer.ts';
import { InputError, describeError } from '../util/errors.ts';
import { sha256, sha256File, stableStringify, writeFileAtomic } from '../util/fs.ts';
import type { Progress } from '../util/progress.ts';
import { DatasetConfigSchema, type DatasetConfig, type DatasetConfigInput } from './config.ts';
import { MANIFEST_SCHEMA_VERSION, readManifest, type Manifest, type ShardEntry, type SongRecord } from './manifest.ts';
import { processSong, songCachePaths, type SongOutcome, type SongResult } from './song.ts';
import { assignSplits, hashedSplit } from './split.ts';
import { checkSoundfont, fluidsynthVersion } from './synth.ts';
import { BAND_GENERATOR_VERSION } from './band.ts';

/**
 * Version of the per-song processing. Bump it when a change of the code changes a song's output, so that
 * per-song caches of older builds are not reused.
 */
export const BUILD_VERSION = 1;

export interface BuildOptions {
  /** Songs processed in parallel. Default: the number of cores. */
  jobs?: number;
  /** Ignore per-song caches: re-render and re-process every song. */
  force?: boolean;
  /** `skip` (default): record a failed song in the manifest and go on; `fail`: stop at the first failure and throw it. */
  onError?: 'skip' | 'fail';
  progress?: Progress;
  /** Aborting stops starting new songs, kills running FluidSynth processes and rejects; finished songs stay cached. */
  signal?: AbortSignal;
  /** Called after each song (built, excluded, failed or cached). */
  onSong?: (result: SongResult, info: { cached: boolean }) => void;
  /** Called with each warning of the build (e.g. a split that got no built song); the CLI prints them. */
  onWarning?: (message: string) => void;
}

/**
 * Builds a dataset: processes every selected song (in parallel, per-song cache), assigns song-level splits,
 * assembles Arrow shards song by song, and writes `manifest.json` last (atomically). Returns the manifest.
 * Every output file is written under a temporary name and renamed, so an interrupted build leaves no
 * half-written file and running it again completes it; same inputs and seed give byte-identical shards.
 */
export async function buildDataset(configInput: DatasetConfig | DatasetConfigInput, opts: BuildOptions = {}): Promise<Manifest> {
  return (await runBuild(configInput, opts, null)) as Manifest;
}

/**
 * Processes the selected songs into the per-song cache only (audio, segments) and returns their results:
 * no splits, shards or manifest. Each Slurm array task of `a2s data build --executor slurm` runs this on its
 * share of the songs, several at once on one output folder, so it leaves other processes' temporary files
 * alone and keeps its own in `scratchDir`; the dependent `buildDataset` then finds every song cached.
 */
export async function buildSongCaches(configInput: DatasetConfig | DatasetConfigInput, opts: BuildOptions & { scratchDir: string }): Promise<SongResult[]> {
  return (await runBuild(configInput, opts, resolve(opts.scratchDir))) as SongResult[];
}

/** The build; with `songsOnlyScratch`, only the per-song part (see buildSongCaches). */
async function runBuild(configInput: DatasetConfig | DatasetConfigInput, opts: BuildOptions, songsOnlyScratch: string | null): Promise<Manifest | SongResult[]> {
  const config = DatasetConfigSchema.parse(configInput);
  const outDir = resolve(config.outDir);
  const pop909Dir = resolve(config.pop909Dir);
  const resolved: DatasetConfig = {
    ...config,
    pop909Dir,
    outDir,
    ...(config.splitsFrom ? { splitsFrom: { ...config.splitsFrom, manifest: resolve(config.splitsFrom.manifest) } } : {}),
    audio: config.audio.type === 'synth'
      ? { ...config.audio, soundfont: resolve(config.audio.soundfont) }
      : config.audio.type === 'band'
        ? { ...config.audio, soundfonts: config.audio.soundfonts.map((p) => resolve(p)) }
        : { ...config.audio, dir: resolve(config.audio.dir) },
  };
  const onError = opts.onError ?? 'skip';
  const selection = await selectSongsAndSplits(pop909Dir, resolved);
  const songIds = selection.ids;
  // Leftovers of a killed build (temporary files, FluidSynth's scratch folders) go before anything new is written.
  if (songsOnlyScratch === null) await removeLeftovers(outDir);
  const tmpDir = songsOnlyScratch ?? join(outDir, 'tmp');

  let fluidsynth: string | undefined;
  let soundfont: { path: string; sha256: string } | undefined;
  if (resolved.audio.type === 'synth') {
    fluidsynth = await fluidsynthVersion(resolved.audio.fluidsynth);
    await checkSoundfont(resolved.audio.soundfont);
    soundfont = { path: resolved.audio.soundfont, sha256: await soundfontSha256(resolved.audio.soundfont, outDir) };
  }
  let soundfonts: { path: string; sha256: string }[] | undefined;
  if (resolved.audio.type === 'band') {
    fluidsynth = await fluidsynthVersion(resolved.audio.fluidsynth);
    // Every soundfont of the list is checked before any song starts: a missing one stops the build at once.
    for (const path of resolved.audio.soundfonts) {
      await checkSoundfont(path, 'listed in audio.soundfonts; Debian/Ubuntu: apt-get install fluid-soundfont-gm musescore-general-soundfont (scripts/install-system-deps.sh), or remove it from the list');
    }
    soundfonts = [];
    for (const path of resolved.audio.soundfonts) soundfonts.push({ path, sha256: await soundfontSha256(path, outDir) });
  }
  const songConfig = {
    buildVersion: BUILD_VERSION,
    sampleRate: config.sampleRate,
    includeNonDuple: config.includeNonDuple,
    audio: resolved.audio.type === 'synth'
      ? { ...resolved.audio, soundfont: soundfont?.sha256, fluidsynth, seed: config.seed }
      : resolved.audio.type === 'band'
        ? { ...resolved.audio, soundfonts: soundfonts?.map((s) => s.sha256), fluidsynth, seed: config.seed, generator: BAND_GENERATOR_VERSION }
        : { ...resolved.audio, dir: undefined },
  };
  const keyBase = sha256(stableStringify(songConfig));

  const outcomes = new Map<string, SongOutcome | { error: unknown }>();
  let firstFailure: unknown;
  const limit = pLimit(Math.max(1, opts.jobs ?? availableParallelism()));
  opts.progress?.setTotal(songIds.length);
  await Promise.all(
    songIds.map((songId) =>
      limit(async () => {
        if (opts.signal?.aborted || (onError === 'fail' && firstFailure !== undefined)) return;
        try {
          const outcome = await processSong(join(pop909Dir, songId), songId, { config: resolved, outDir, keyBase, force: opts.force ?? false, signal: opts.signal, tmpDir });
          outcomes.set(songId, outcome);
          opts.onSong?.(outcome.result, { cached: outcome.cached });
        } catch (err) {
          if (opts.signal?.aborted) return;
          if (!isInputLike(err)) throw err;
          outcomes.set(songId, { error: err });
          firstFailure ??= err;
          opts.onSong?.({ songId, status: 'failed', reason: failureReason(songId, err) }, { cached: false });
        }
        opts.progress?.tick(1, songId);
      }),
    ),
  );
  opts.progress?.stop();
  await rm(tmpDir, { recursive: true, force: true });
  if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('build aborted');
  if (onError === 'fail' && firstFailure !== undefined) throw firstFailure;

  const results: SongResult[] = [];
  const inputs: Record<string, Record<string, string>> = {};
  for (const songId of songIds) {
    const o = outcomes.get(songId);
    if (o === undefined) continue;
    if ('error' in o) {
      results.push({ songId, status: 'failed', reason: failureReason(songId, o.error) });
      inputs[songId] = {};
    } else {
      results.push(o.result);
      inputs[songId] = o.inputs;
    }
  }
  if (songsOnlyScratch !== null) return results;
  // splitsFrom: every song keeps the split it has in the other dataset. Otherwise only built songs take
  // split slots: a failed song must not leave valid or test empty.
  const from = selection.splitsFrom;
  const splits = from?.splits ?? assignSplits(results.filter((r) => r.status === 'built').map((r) => r.songId), config.split, config.seed);
  const songs: SongRecord[] = results.map((r) => ({ ...r, split: splits[r.songId] ?? hashedSplit(r.songId, config.split, config.seed) }));
  const expected = from ? SPLITS.filter((x) => config.splitsFrom?.splits.includes(x)) : SPLITS.filter((x) => config.split[x] > 0);
  for (const split of expected) {
    if (!songs.some((s) => s.status === 'built' && s.split === split)) {
      const built = songs.filter((s) => s.status === 'built').length;
      opts.onWarning?.(from
        ? `split "${split}" is empty: none of its songs in ${from.path} was built here (${built} song(s) built)`
        : `split "${split}" is empty: ${built} song(s) built for ${expected.length} split(s) with a positive ratio`);
    }
  }
  // Paths of the dataset's own files are relative to the manifest's folder (outDir is "."), so a copied or
  // moved dataset has the same manifest; input paths stay absolute so they still point at the inputs.
  const recorded: DatasetConfig = { ...resolved, outDir: '.' };
  const allSplits: Record<string, Split> = Object.fromEntries(songs.map((s) => [s.songId, s.split]));

  const shards = await assembleShards(songs, outDir, config.shardMaxRows);
  const segments = { train: 0, valid: 0, test: 0 };
  for (const s of shards) segments[s.split] += s.rows;
  const manifest: Manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    kind: 'a2s-dataset',
    createdWith: { package: '@a2s/dataset', buildVersion: BUILD_VERSION, shardSchemaVersion: SHARD_SCHEMA_VERSION, ...(fluidsynth ? { fluidsynth } : {}) },
    config: recorded,
    inputs: { configSha256: sha256(stableStringify(recorded)), ...(soundfont ? { soundfont } : {}), ...(soundfonts ? { soundfonts } : {}), ...(from ? { splitsFrom: { path: from.path, sha256: from.sha256 } } : {}), songs: inputs },
    splits: allSplits,
    shards,
    songs,
    summary: {
      built: songs.filter((s) => s.status === 'built').length,
      excluded: songs.filter((s) => s.status === 'excluded').length,
      failed: songs.filter((s) => s.status === 'failed').length,
      segments,
    },
  };
  await writeFileAtomic(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await removeStale(join(outDir, 'shards'), new Set(shards.map((s) => s.path.split('/').pop() as string)));
  return manifest;
}

/**
 * SHA-256 of a soundfont, remembered in `<out>/cache/soundfont.json` (a list, one entry per path) by path, size and modification time
 * (hashing FluidR3_GM's 141 MB on every build would dominate an incremental build).
 */
async function soundfontSha256(path: string, outDir: string): Promise<string> {
  const cacheFile = join(outDir, 'cache', 'soundfont.json');
  const s = await stat(path);
  const id = { path, size: s.size, mtimeMs: s.mtimeMs };
  type Entry = typeof id & { sha256: string };
  let entries: Entry[] = [];
  try {
    const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as Entry | Entry[];
    entries = Array.isArray(cached) ? cached : [cached];
    const hit = entries.find((c) => c.path === id.path && c.size === id.size && c.mtimeMs === id.mtimeMs);
    if (hit) return hit.sha256;
  } catch {
    // No usable cache: hash below.
  }
  const hash = await sha256File(path);
  await writeFileAtomic(cacheFile, JSON.stringify([...entries.filter((e) => e.path !== path), { ...id, sha256: hash }]));
  return hash;
}

/**
 * Input-caused failures (bad files, tool errors, file-system errors such as EACCES on one song's files) are
 * recorded per song; programming errors propagate.
 */
function isInputLike(err: unknown): boolean {
  if (err instanceof InputError) return true;
  if (!(err instanceof Error)) return false;
  return /FluidSynth failed/.test(err.message) || typeof (err as NodeJS.ErrnoException).code === 'string';
}

/** The manifest's `reason` of a failed song: the error's message, prefixed with the song id when it lacks it. */
function failureReason(songId: string, err: unknown): string {
  const message = describeError(err);
  return message.startsWith(`song ${songId}`) ? message : `song ${songId}: ${message}`;
}

/**
 * Removes what a killed build may have left in `outDir`: the scratch folder `tmp/` (FluidSynth's
 * `a2s-synth-*` folders) and `*.tmp-*` files of interrupted atomic writes. Only one build may write to a
 * folder at a time, so nothing here belongs to a running build.
 */
async function removeLeftovers(outDir: string): Promise<void> {
  // Retried: a FluidSynth started by a build killed with kill -9 outlives it and may create its WAV in the
  // folder while it is being removed (ENOTEMPTY); once removed, the orphan's file open fails and it exits.
  await rm(join(outDir, 'tmp'), { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  for (const dir of [outDir, join(outDir, 'audio'), join(outDir, 'cache'), join(outDir, 'cache', 'songs'), join(outDir, 'shards')]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.includes('.tmp-')).map((n) => rm(join(dir, n), { force: true })));
  }
}

/**
 * The song ids a build of `config` processes, sorted (InputError for unknown ids or none). With `splitsFrom`,
 * the songs built in the listed splits of that manifest (resolved against the working directory), narrowed
 * by `songs` (each must be one of them) and then `limit`.
 */
export async function selectSongs(pop909Dir: string, config: DatasetConfig): Promise<string[]> {
  return (await selectSongsAndSplits(pop909Dir, config)).ids;
}

interface Selection {
  ids: string[];
  /** splitsFrom: the manifest read (absolute path, SHA-256) and the split of each of its songs. */
  splitsFrom?: { path: string; sha256: string; splits: Record<string, Split> };
}

async function selectSongsAndSplits(pop909Dir: string, config: DatasetConfig): Promise<Selection> {
  const all = await listPop909Songs(pop909Dir);
  let ids = all;
  let splitsFrom: Selection['splitsFrom'];
  if (config.splitsFrom) {
    const path = resolve(config.splitsFrom.manifest);
    const other = await readManifest(path);
    const hash = await sha256File(path).catch((err: unknown) => {
      throw new InputError({ file: path, message: `cannot read manifest: ${describeError(err)}`, cause: err });
    });
    const wanted = new Set<Split>(config.splitsFrom.splits);
    const picked = other.songs.filter((s) => s.status === 'built' && wanted.has(s.split));
    if (picked.length === 0) {
      throw new InputError({ file: path, message: `splitsFrom: no built song in split(s) ${[...wanted].join(', ')} of this manifest` });
    }
    const known = new Set(all);
    const missing = picked.map((s) => s.songId).filter((s) => !known.has(s));
    if (missing.length > 0) throw new InputError({ file: pop909Dir, message: `splitsFrom ${path}: no such song folder(s): ${missing.join(', ')}` });
    splitsFrom = { path, sha256: hash, splits: Object.fromEntries(picked.map((s) => [s.songId, s.split])) };
    ids = [...new Set(picked.map((s) => s.songId))].sort();
  }
  if (config.songs) {
    const known = new Set(ids);
    const missing = config.songs.filter((s) => !known.has(s));
    if (missing.length > 0) {
      if (splitsFrom) throw new InputError({ file: splitsFrom.path, message: `songs ${missing.join(', ')} are not built in split(s) ${config.splitsFrom?.splits.join(', ')} of this manifest (with splitsFrom, "songs" may only narrow its songs)` });
      throw new InputError({ file: pop909Dir, message: `no such song folder(s): ${missing.join(', ')}` });
    }
    ids = [...new Set(config.songs)].sort();
  }
  if (config.limit !== undefined) ids = ids.slice(0, config.limit);
  if (ids.length === 0) throw new InputError({ file: pop909Dir, message: 'no songs to build (expected sub-folders NNN/ holding NNN.mid and beat_midi.txt)' });
  return { ids, ...(splitsFrom ? { splitsFrom } : {}) };
}

/**
 * Writes shards split by split, songs in id order, reading one song's cached segments at a time and
 * flushing every `maxRows` rows: memory holds at most one shard's rows, whatever the number of songs.
 * File names carry the content hash, so a previous manifest's shards stay valid until the new manifest
 * replaces it.
 */
async function assembleShards(songs: readonly SongRecord[], outDir: string, maxRows: number): Promise<ShardEntry[]> {
  const entries: ShardEntry[] = [];
  const shardDir = join(outDir, 'shards');
  for (const split of SPLITS) {
    let rows: SegmentRow[] = [];
    const flush = async (): Promise<void> => {
      const bytes = encodeSegmentShard(rows, { baseDir: outDir, shardDir });
      const hash = sha256(bytes);
      const name = `${split}-${String(entries.filter((e) => e.split === split).length).padStart(5, '0')}-${hash.slice(0, 12)}.arrow`;
      await writeFileAtomic(join(shardDir, name), bytes);
      entries.push({ path: `shards/${name}`, split, rows: rows.length, sha256: hash });
      rows = [];
    };
    for (const song of songs) {
      if (song.split !== split || song.status !== 'built') continue;
      const path = songCachePaths(outDir, song.songId).segments;
      for (const row of decodeSegmentShard(await readFile(path), path)) {
        rows.push({ ...row, split });
        if (rows.length >= maxRows) await flush();
      }
    }
    if (rows.length > 0) await flush();
  }
  return entries;
}

/** Removes files in `dir` that the manifest does not list (older shards, temporary files of interrupted runs). */
async function removeStale(dir: string, keep: ReadonlySet<string>): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => !keep.has(n)).map((n) => rm(join(dir, n), { force: true })));
}
