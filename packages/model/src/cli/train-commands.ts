import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { registerExecutorOptions, slurmFlagsWithoutSlurm, slurmOptionsFromFlags, type ExecutorFlags } from '@a2s/cluster';
import { createProgress, createRng, InputError, readManifest, sha256File, type Split } from '@a2s/dataset';
import { createBatchIterator, SongValuesSchema, type Batch } from '@a2s/features';
import { INFERENCE_MODES, resolveTrainConfig, STAGE_NAMES, type StageName } from '../config/train-config.ts';
import { PRESET_NAMES } from '../config/presets.ts';
import { selectBackend, type BackendName } from '../tf/backend.ts';
import { train, type BatchSource } from '../train/trainer.ts';
import { parallelFromFlags } from './parallel-flags.ts';
import { loadTrainedModel, predictSplit } from '../infer/predict.ts';
import { readTextureReference, resolveInferenceMode } from '../infer/modes.ts';
import { CHORD_BASS_HELP, describeDecoding, EOS_THRESHOLD_HELP, parseEosThreshold, parseTemperature, resolveDecoding } from '../infer/decoding.ts';
import { parseChordBassRule } from '../infer/chord-bass.ts';
import { exportWeights } from '../train/export.ts';
import type { ModelDecoding } from '../train/checkpoint.ts';
import { submitTrainJob } from './train-slurm.ts';

const DEFAULT_MANIFEST = 'data/datasets/default/manifest.json';

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function parseBackend(v: string | undefined): BackendName | 'auto' {
  if (v === undefined) return 'auto';
  if (v === 'wasm' || v === 'cpu' || v === 'tensorflow' || v === 'auto') return v;
  throw new InputError({ file: '--backend', message: `unknown backend ${v} (wasm, cpu, tensorflow)` });
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InputError({ file: name, message: `${name} must be a positive number, got ${v}` });
  return n;
}

async function readConfigFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new InputError({ file, message: `cannot read config: ${(err as Error).message}`, cause: err });
  }
}

/** A config error (zod issues, a stage-graph RangeError) as one readable line: `path: message; …`. */
function oneLine(err: unknown): string {
  const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (Array.isArray(issues) && issues.length > 0) return issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
}

/**
 * Refuses a batch size larger than the train split (training drops incomplete batches, so such a run would
 * see no batch at all), naming both numbers.
 */
async function checkBatchFits(manifestPath: string, batchSize: number): Promise<void> {
  const manifest = await readManifest(manifestPath);
  const segments = manifest.summary.segments.train;
  if (segments >= batchSize) return;
  const songs = manifest.songs.filter((s) => s.status === 'built' && s.split === 'train').length;
  throw new InputError({
    file: manifestPath,
    message:
      segments === 0
        ? 'the train split has no segments: build a dataset with more songs (see the manifest\'s summary)'
        : `the train split has ${segments} segments (${songs} song(s)), fewer than one batch of ${batchSize}: pass --batch-size ${segments} or less, or build more songs`,
  });
}

/** Batches from the dataset shards through features' iterator; one deterministic iterator per (stage, epoch). */
function datasetSource(manifestPath: string, cfg: ReturnType<typeof resolveTrainConfig>, cacheDir: string | undefined, memoryBudgetBytes?: number): BatchSource {
  const seedFor = (stage: string, epoch: number) => createRng(cfg.seed).fork(`${stage}/${epoch}`).int(2 ** 31);
  const make = (stage: { name: string; corruption: Parameters<typeof createBatchIterator>[0]['corruption'] }, epoch: number) =>
    createBatchIterator({
      manifestPath,
      split: 'train',
      batchSize: cfg.batchSize,
      features: cfg.features,
      corruption: stage.corruption,
      transpose: cfg.transpose,
      score: cfg.score,
      shuffle: true,
      seed: seedFor(stage.name, epoch),
      cacheDir,
      dropLast: true,
      memoryBudgetBytes,
    });
  return {
    epoch: (stage, _si, epoch) => make(stage, epoch),
    batchesPerEpoch: async () => (await make({ name: 'info', corruption: { type: 'none' } }, 0).info()).batchesPerEpoch,
    validation: async (stage, _si, segments) => {
      // a seeded sample spread over the whole valid split (shuffled once), with the stage's symbolic input
      const it = createBatchIterator({
        manifestPath,
        split: 'valid',
        batchSize: Math.min(32, segments),
        features: cfg.features,
        corruption: stage.corruption,
        score: cfg.score,
        shuffle: true,
        seed: createRng(cfg.seed).fork(`validation/${stage.name}`).int(2 ** 31),
        cacheDir,
      });
      const out: Batch[] = [];
      let n = 0;
      for await (const b of it) {
        out.push(b);
        n += b.size;
        if (n >= segments) break;
      }
      return out;
    },
  };
}

/** Registers `a2s train` and `a2s predict`. */
export function registerTrainCommands(program: Command): void {
  const trainCommand = program
    .command('train')
    .description('Train the A2S model in stages (warm-up, pre-train, drop-score, autoregressive) with checkpoints')
    .option('--config <file>', 'training config JSON (configs/*.json)')
    .option('--preset <name>', `model preset when no config is given: ${PRESET_NAMES.join(', ')}`)
    .option('--stage <name>', `all, or one of ${STAGE_NAMES.join(', ')}`, 'all')
    .option('--manifest <file>', 'dataset manifest', DEFAULT_MANIFEST)
    .option('--run-dir <dir>', 'run folder (default data/runs/<config or preset name>)')
    .option('--resume', "continue the run folder from its latest checkpoint, with the run's config; with --config, that config from here on: stages not begun may change, and the current (or just finished) stage may be made longer")
    .option('--backend <name>', 'wasm, cpu or tensorflow (default: fastest available)')
    .option('--max-steps <n>', 'total steps of the run: stop (with a checkpoint) when its global step reaches n, counting steps of earlier invocations (--resume --max-steps 40 after 20 steps trains 20 more)')
    .option('--batch-size <n>', 'segments per batch (overrides the config / preset; at most the train split\'s segment count)')
    .option('--max-minutes <m>', 'stop after m minutes (with a checkpoint)')
    .option('--feature-cache <dir>', 'feature cache folder (default data/cache/features)')
    .option('--feature-memory <MiB>', "songs' audio features kept in memory between batches, MiB (default 2048: all of POP909's CQT features fit, so a shuffled batch reads no song from disk)", '2048')
    .option('--workers <n>', 'data-parallel worker threads, one backend each (default: one per core, at least 16 segments each; 1 = no workers)')
    .option('--micro-batch <n>', 'segments per forward/backward pass: gradient accumulation over micro-batches (default: the whole batch)')
    .option('--seed <n>', 'seed (overrides the config)');
  registerExecutorOptions(trainCommand, { arrays: false });
  trainCommand.action(async (o: Record<string, string | boolean | undefined>) => {
      const configFile = o.config as string | undefined;
      const raw = configFile ? await readConfigFile(configFile) : { preset: (o.preset as string | undefined) ?? 'small' };
      if (configFile && o.preset) (raw as Record<string, unknown>).preset = o.preset;
      if (o.seed !== undefined) (raw as Record<string, unknown>).seed = Number(o.seed);
      const batchSize = positiveInt('--batch-size', o.batchSize as string | undefined);
      if (batchSize !== undefined) {
        if (!Number.isInteger(batchSize)) throw new InputError({ file: '--batch-size', message: `--batch-size must be a whole number, got ${String(o.batchSize)}` });
        (raw as Record<string, unknown>).batchSize = batchSize;
      }
      let cfg;
      try {
        cfg = resolveTrainConfig(raw);
      } catch (err) {
        throw new InputError({ file: configFile ?? (o.preset ? '--preset' : 'training config'), message: `invalid training config: ${oneLine(err)}`, cause: err });
      }
      const stageOpt = o.stage as string;
      if (stageOpt !== 'all' && !(STAGE_NAMES as readonly string[]).includes(stageOpt)) {
        throw new InputError({ file: '--stage', message: `unknown stage ${stageOpt}` });
      }
      const name = configFile ? path.basename(configFile, '.json') : `${cfg.preset}`;
      const runDir = (o.runDir as string | undefined) ?? path.join('data', 'runs', name);
      const manifest = o.manifest as string;
      const manifestSha256 = await sha256File(manifest).catch(() => {
        throw new InputError({ file: manifest, message: 'dataset manifest not found: build it with `a2s data build` or pass --manifest' });
      });
      const executorFlags = o as unknown as ExecutorFlags;
      const ignored = slurmFlagsWithoutSlurm(executorFlags);
      if (ignored.length > 0) throw new InputError({ file: 'command line', message: `${ignored.join(', ')} need --executor slurm` });
      if (executorFlags.executor === 'slurm') {
        const cli = [process.execPath, path.resolve(process.argv[1])];
        const job = await submitTrainJob({ argv: process.argv.slice(2), cli, runDir, cwd: process.cwd(), slurm: slurmOptionsFromFlags(executorFlags) });
        process.stderr.write(`a2s train: submitted Slurm job ${job.jobId} (requeueable, resumes from the last checkpoint); log ${job.logFile}\n`);
        return;
      }
      const backend = await selectBackend(parseBackend(o.backend as string | undefined));
      process.stderr.write(`a2s train: backend ${backend.active} (${backend.provider}), run folder ${runDir}\n`);
      const featureMiB = positiveInt('--feature-memory', o.featureMemory as string | undefined)!;
      const source = datasetSource(manifest, cfg, o.featureCache as string | undefined, featureMiB * 2 ** 20);
      await checkBatchFits(manifest, cfg.batchSize);
      const maxSteps = positiveInt('--max-steps', o.maxSteps as string | undefined);
      const parallel = parallelFromFlags(o as { workers?: string; microBatch?: string }, backend.active, cfg.batchSize);
      process.stderr.write(`a2s train: ${parallel.workers} worker(s)${parallel.microBatch ? `, micro-batches of ${parallel.microBatch}` : ''}\n`);
      const progress = createProgress({ label: 'train', total: maxSteps ?? 0, unit: 'steps', plain: !process.stderr.isTTY || !!process.env.CI });
      try {
        const r = await train({
          config: cfg,
          runDir,
          source,
          backend: backend.active,
          stages: stageOpt === 'all' ? undefined : [stageOpt as StageName],
          resume: !!o.resume,
          // a config given on --resume is checked against the run's and continues it (stages made longer,
          // stages not begun changed); without one the run keeps its own
          extend: !!o.resume && (configFile !== undefined || o.preset !== undefined || o.seed !== undefined || batchSize !== undefined),
          maxSteps,
          maxMinutes: positiveInt('--max-minutes', o.maxMinutes as string | undefined),
          manifestSha256,
          parallel,
          runInfo: { gitCommit: gitCommit(), backendProvider: backend.provider, manifestPath: path.resolve(manifest), command: process.argv.slice(2).join(' '), workers: parallel.workers, microBatch: parallel.microBatch },
          onStep: (e) => progress.tick(1, `${e.stage} loss ${e.loss.toFixed(3)} | ${e.segmentsPerSec.toFixed(1)} seg/s`),
          onMessage: (line) => process.stderr.write(`a2s train: ${line}\n`),
        });
        process.stderr.write(`a2s train: ${r.steps} steps; last checkpoint ${r.lastCheckpoint}\n`);
      } finally {
        progress.stop();
      }
    });

  program
    .command('predict')
    .description('Predict piano notes for every segment of a split; writes prediction shards, predictions.json and stitched MIDI')
    .requiredOption('--run <dir>', 'run folder or checkpoint folder')
    .option('--stage <name>', `the checkpoint of this stage in the run folder (its final one), e.g. dropscore or autoregressive: ${STAGE_NAMES.join(', ')} (default: the latest checkpoint)`)
    .option('--mode <mode>', `${INFERENCE_MODES.filter((m) => m !== 'texture').join(' or ')} (default: the mode the checkpoint was trained for)`)
    .option('--force', 'decode in --mode even when the checkpoint was trained for another mode')
    .option('--texture <file>', "z_sym of every window from this reference piano score (MIDI), at the window's beat (looped)")
    .option('--split <split>', 'train, valid or test', 'test')
    .option('--manifest <file>', 'dataset manifest', DEFAULT_MANIFEST)
    .option('--out <dir>', 'output folder (default <run>/predictions/<split>)')
    .option('--seed <n>', 'sampling seed', '0')
    .option('--temperature <t>', "sampling temperature, 0 = greedy (default: the model's recommended decoding when it has one, e.g. the bundled models, else 1; with --seed, deterministic)")
    .option('--eos-threshold <first[,rest]>', EOS_THRESHOLD_HELP)
    .option('--chord-bass <rule>', CHORD_BASS_HELP)
    .option('--backend <name>', 'wasm, cpu or tensorflow')
    .option('--feature-cache <dir>', 'feature cache folder (default data/cache/features)')
    .option('--name <system>', 'system name in predictions.json (default a2s)')
    .option('--variant <label>', 'variant label in predictions.json (default: the model variant)')
    .option('--song-values <file.json>', "for a model whose features take a value per song (features.songValues): the values to use instead of the model's own table (JSON object, song id → number)")
    .action(async (o: Record<string, string | undefined>) => {
      const split = o.split as Split;
      if (!['train', 'valid', 'test'].includes(split)) throw new InputError({ file: '--split', message: `unknown split ${split}` });
      const stage = o.stage as StageName | undefined;
      if (stage !== undefined && !(STAGE_NAMES as readonly string[]).includes(stage)) throw new InputError({ file: '--stage', message: `unknown stage ${stage} (${STAGE_NAMES.join(', ')})` });
      const temperature = parseTemperature(o.temperature);
      if (o.eosThreshold !== undefined) parseEosThreshold(o.eosThreshold, temperature ?? 0); // bad flags fail before the model loads
      parseChordBassRule(o.chordBass);
      const texture = o.texture ? await readTextureReference(o.texture) : undefined;
      const songValues = o.songValues !== undefined ? await readSongValues(o.songValues) : undefined;
      const loaded = await loadTrainedModel(o.run!, { backend: parseBackend(o.backend), stage });
      if (songValues && !loaded.features.songValues) {
        throw new InputError({ file: o.songValues!, message: `the model (${loaded.checkpointDir}) takes no value per song (its features have no songValues)` });
      }
      const trained = songValues ? { ...loaded, features: { ...loaded.features, songValues } } : loaded;
      for (const w of trained.warnings) process.stderr.write(`a2s predict: warning: ${w}\n`);
      const mode = resolveInferenceMode({ trainedFor: trained.trainedFor, requested: o.mode, texture: !!texture, force: !!o.force, what: trained.checkpointDir });
      const decoding = resolveDecoding({ temperature, eosThreshold: o.eosThreshold, chordBass: o.chordBass }, trained.decoding);
      process.stderr.write(`a2s predict: ${path.basename(trained.checkpointDir)} (trained for ${trained.trainedFor}), ${mode} windows, ${describeDecoding(decoding)} (${decoding.source})\n`);
      const outDir = o.out ?? path.join(o.run!, 'predictions', split);
      const progress = createProgress({ label: 'predict', total: 0, unit: 'segments', plain: !process.stderr.isTTY || !!process.env.CI });
      let done = 0;
      const r = await predictSplit({
        trained,
        manifestPath: o.manifest!,
        split,
        outDir,
        seed: Number(o.seed),
        temperature: decoding.temperature,
        eos: decoding.eos,
        chordBass: decoding.chordBass,
        featureCacheDir: o.featureCache,
        system: o.name,
        variant: o.variant,
        mode,
        texture,
        onProgress: (n, total) => {
          progress.setTotal(total);
          progress.tick(n - done);
          done = n;
        },
      });
      progress.stop();
      process.stderr.write(`a2s predict: ${r.segments} segments of ${r.songs} songs → ${outDir}\n`);
    });

  program
    .command('export')
    .description('Export the weights of a run (or checkpoint) without optimizer state, with a model card: what a2s arrange ships as its default model')
    .requiredOption('--run <dir>', 'run folder (its latest checkpoint) or checkpoint folder')
    .requiredOption('--out <dir>', 'output folder')
    .option('--training-data <text>', 'what the model was trained on, for the model card', '')
    .option('--reproduce <text>', 'the commands that reproduce it, for the model card', '')
    .option('--results <file.json>', 'test results (e.g. a2s compare --out JSON) to embed in the model card as they are')
    .option('--temperature <t>', "the model's recommended decoding, used by a2s predict and a2s arrange when neither flag is given: sampling temperature (0 = greedy)")
    .option('--eos-threshold <first[,rest]>', `the recommended decoding's EOS threshold (implies --temperature 0): ${EOS_THRESHOLD_HELP}`)
    .option('--chord-bass <rule>', `the recommended decoding's chord-bass rule: off, release, voice or fill (see a2s predict --help)`)
    .option('--decoding-note <text>', 'how the recommended decoding was chosen (data, metric), for the record; required with --temperature, --eos-threshold or --chord-bass')
    .action(async (o: { run: string; out: string; trainingData: string; reproduce: string; results?: string; temperature?: string; eosThreshold?: string; chordBass?: string; decodingNote?: string }) => {
      let results: unknown;
      if (o.results !== undefined) {
        try {
          results = JSON.parse(await fs.readFile(o.results, 'utf8'));
        } catch (err) {
          throw new InputError({ file: o.results, message: `cannot read results JSON: ${(err as Error).message}`, cause: err });
        }
      }
      let decoding: ModelDecoding | undefined;
      if (o.temperature !== undefined || o.eosThreshold !== undefined || o.chordBass !== undefined) {
        if (!o.decodingNote) throw new InputError({ file: '--decoding-note', message: 'say how the recommended decoding was chosen (e.g. "onset F1 on the 84 validation songs, experiments/…")' });
        const d = resolveDecoding({ temperature: parseTemperature(o.temperature), eosThreshold: o.eosThreshold, chordBass: o.chordBass }, null);
        decoding = { temperature: d.temperature, eosThreshold: d.eos, ...(d.chordBass !== 'off' ? { chordBass: d.chordBass } : {}), chosenOn: o.decodingNote };
      }
      const info = await exportWeights({ from: o.run, outDir: o.out, trainingData: o.trainingData, reproduce: o.reproduce, results, decoding });
      process.stderr.write(`a2s export: ${info.parameters} parameters (${(info.bytes / 2 ** 20).toFixed(1)} MiB) → ${info.dir}\n`);
    });
}

/** `--song-values`: a JSON object of finite numbers by song id, checked by the features' own `SongValuesSchema`. */
async function readSongValues(file: string): Promise<Record<string, number>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new InputError({ file, message: `cannot read song values: ${(err as Error).message}`, cause: err });
  }
  const checked = SongValuesSchema.safeParse(parsed);
  if (checked.success) return checked.data;
  const id = checked.error.issues[0].path[0];
  if (id === undefined) throw new InputError({ file, message: 'song values must be a JSON object (song id → number)' });
  const value = (parsed as Record<string, unknown>)[String(id)];
  throw new InputError({ file, message: `song ${String(id)}: the value must be a finite number (got ${JSON.stringify(value)})` });
}
