import { createRng, SEGMENT_HOP_BEATS } from '@a2s/dataset';
import { FeatureConfigSchema, type FeatureConfigInput } from '../audio/config.ts';
import { datasetIo, resolveSongAudioPath, type ManifestLike, type SegmentRowLike, type SongRecordLike } from '../cache/dataset-io.ts';
import { DEFAULT_FEATURE_CACHE_DIR, type AudioDecoder } from '../cache/feature-cache.ts';
import type { z } from 'zod';
import { CorruptionSchema } from '../corruption/schema.ts';
import { TransposeSchema } from '../score/transpose.ts';
import { ScoreTargetSchema } from '../score/tracks.ts';
import { assembleBatch, type AssembleContext } from './assemble.ts';
import { SongFeatureStore } from './song-store.ts';
import type { Batch } from './types.ts';

export interface BatchIteratorOptions {
  readonly manifestPath: string;
  readonly split: 'train' | 'valid' | 'test';
  readonly batchSize: number;
  /** Feature config (partial input is resolved with the schema's defaults). */
  readonly features: FeatureConfigInput;
  /** Corruption of the symbolic input (partial input resolved with the schema's defaults). */
  readonly corruption: z.input<typeof CorruptionSchema>;
  /** Transposition augmentation; default disabled. Needs the cqt transform when enabled. */
  readonly transpose?: z.input<typeof TransposeSchema>;
  /** Symbolic-input tracks and auxiliary-target sources (ScoreTargetSchema); default: ours (PIANO + BRIDGE, MELODY). */
  readonly score?: z.input<typeof ScoreTargetSchema>;
  readonly shuffle: boolean;
  readonly seed: number;
  /** Default {@link DEFAULT_FEATURE_CACHE_DIR}. Songs missing from the cache are computed and stored. */
  readonly cacheDir?: string;
  /** Passes over the split; default 1. `Infinity` iterates until the consumer stops. */
  readonly epochs?: number;
  /** Leave out a last, smaller batch of an epoch. Default false. */
  readonly dropLast?: boolean;
  /** Batches prepared ahead of the consumer. Default 2. */
  readonly prefetch?: number;
  /** In-memory song features, bytes (least recently used evicted). Default 512 MiB. */
  readonly memoryBudgetBytes?: number;
  /** Injected readers (tests, benchmarks); default `@a2s/dataset`'s. */
  readonly manifest?: ManifestLike;
  readonly segments?: readonly SegmentRowLike[];
  readonly decode?: AudioDecoder;
}

/** Batch iterator; `info()` reads the split (once, shared with the iteration) and tells its size. */
export interface BatchIterable extends AsyncIterable<Batch> {
  info(): Promise<{ segments: number; batchesPerEpoch: number }>;
  /** Songs loaded so far (from the disk cache or computed). */
  songLoads(): number;
}

/**
 * Iterates over batches of one split: segments from the shards, audio features from the feature cache.
 * Segment order is shuffled per epoch (seeded); each batch's random choices (transposition, corruption) come
 * from a generator forked from the seed by epoch and batch index, so batches do not depend on timing or on
 * prefetching. The next `prefetch` batches are assembled while the consumer works on the current one.
 */
export function createBatchIterator(opts: BatchIteratorOptions): BatchIterable {
  let setup: Promise<Prepared> | undefined;
  const prepared = (): Promise<Prepared> => (setup ??= prepare(opts));
  let store: SongFeatureStore | undefined;
  return {
    info: async () => {
      const p = await prepared();
      return { segments: p.rows.length, batchesPerEpoch: p.batchesPerEpoch };
    },
    songLoads: () => store?.loads ?? 0,
    [Symbol.asyncIterator]: async function* (): AsyncGenerator<Batch> {
      const p = await prepared();
      store = p.ctx.store;
      yield* iterate(p, opts);
    },
  };
}

interface Prepared {
  readonly rows: readonly SegmentRowLike[];
  readonly ctx: AssembleContext;
  readonly batchesPerEpoch: number;
}

async function prepare(opts: BatchIteratorOptions): Promise<Prepared> {
  const features = FeatureConfigSchema.parse(opts.features);
  const corruption = CorruptionSchema.parse(opts.corruption);
  const transpose = TransposeSchema.parse({ enabled: false, ...opts.transpose });
  const score = ScoreTargetSchema.parse(opts.score ?? {});
  if (transpose.enabled && features.transform.type !== 'cqt') {
    throw new RangeError('transposition augmentation needs the cqt transform: mel bands are not equally spaced in pitch');
  }
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${opts.batchSize}`);
  const needsIo = !opts.manifest || !opts.segments || !opts.decode;
  const io = needsIo ? datasetIo() : undefined;
  const manifest = opts.manifest ?? (await io!.readManifest(opts.manifestPath));
  const rows = (opts.segments ?? (await io!.readSegments(opts.manifestPath, { split: opts.split }))).filter((r) => r.split === opts.split);
  const songs = new Map<string, SongRecordLike & { audioPath: string; beatSamples: readonly number[] }>();
  for (const s of manifest.songs) {
    if (s.status === 'built' && s.audioPath && s.beatSamples) {
      songs.set(s.songId, { ...s, audioPath: resolveSongAudioPath(opts.manifestPath, s.audioPath), beatSamples: s.beatSamples });
    }
  }
  const byStart = new Map<string, SegmentRowLike>();
  for (const r of rows) {
    const song = songs.get(r.songId);
    if (!song) throw new Error(`${opts.manifestPath}: segment of song ${r.songId}, which is not a built song of the manifest`);
    // The shard's beat positions must be the manifest's, or the audio cut would not match the score.
    if (r.beatSamples[0] !== song.beatSamples[r.startBeat]) {
      throw new Error(`${opts.manifestPath}: song ${r.songId}, beat ${r.startBeat}: shard and manifest disagree on its sample position`);
    }
    byStart.set(`${r.songId}:${r.startBeat}`, r);
  }
  const store = new SongFeatureStore(songs, features, {
    cacheDir: opts.cacheDir ?? DEFAULT_FEATURE_CACHE_DIR,
    decode: opts.decode ?? io!.decodeAudioFile,
    budgetBytes: opts.memoryBudgetBytes ?? 512 * 2 ** 20,
  });
  const ctx: AssembleContext = {
    features,
    corruption,
    transpose,
    score,
    store,
    previousOf: (row) => byStart.get(`${row.songId}:${row.startBeat - SEGMENT_HOP_BEATS}`),
  };
  const batchesPerEpoch = opts.dropLast ? Math.floor(rows.length / opts.batchSize) : Math.ceil(rows.length / opts.batchSize);
  return { rows, ctx, batchesPerEpoch };
}

async function* iterate(p: Prepared, opts: BatchIteratorOptions): AsyncGenerator<Batch> {
  const { rows, ctx, batchesPerEpoch } = p;
  if (batchesPerEpoch === 0) return;
  const epochs = opts.epochs ?? 1;
  const prefetch = Math.max(1, opts.prefetch ?? 2);
  const root = createRng(opts.seed);

  function* plans(): Generator<{ rows: SegmentRowLike[]; epoch: number; index: number }> {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = opts.shuffle ? root.fork(`order-${epoch}`).shuffle(rows) : rows;
      for (let index = 0; index < batchesPerEpoch; index++) {
        yield { rows: order.slice(index * opts.batchSize, (index + 1) * opts.batchSize), epoch, index };
      }
    }
  }

  const pending = plans();
  const queue: Promise<Batch>[] = [];
  const fill = (): void => {
    while (queue.length < prefetch) {
      const next = pending.next();
      if (next.done) return;
      const { rows: batchRows, epoch, index } = next.value;
      const b = assembleBatch(batchRows, root.fork(`batch-${epoch}-${index}`), ctx);
      // A batch prepared ahead may fail after the consumer stopped; it is reported when awaited, never unhandled.
      b.catch(() => {});
      queue.push(b);
    }
  };
  fill();
  while (queue.length > 0) {
    const batch = await queue.shift()!;
    fill();
    yield batch;
  }
}
