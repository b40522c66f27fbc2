import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { readSegmentShard } from '../shards/reader.ts';
import type { SegmentRow, Split } from '../shards/types.ts';
import { InputError, describeError } from '../util/errors.ts';
import { sha256File } from '../util/fs.ts';
import { DatasetConfigSchema } from './config.ts';

/** Version of the manifest layout. */
export const MANIFEST_SCHEMA_VERSION = 1;

const SplitSchema = z.enum(['train', 'valid', 'test']);
const Sha = z.string().regex(/^[0-9a-f]{64}$/);

/** Summary of a song's band arrangement (band audio); the full arrangement is the MIDI file at `midiPath`. */
export const BandRecordSchema = z
  .object({
    /** The band MIDI the audio was rendered from, relative to the manifest folder (`audio/<id>.mid`). */
    midiPath: z.string(),
    midiSha256: Sha,
    soundfont: z.string(),
    tempoBpm: z.number(),
    feel: z.string(),
    leak: z.number(),
    bars: z.int(),
    /** Bars whose comping one part borrowed from the target. */
    borrowedBars: z.int(),
    melodyLevel: z.number(),
    parts: z.array(z.object({ name: z.string(), style: z.string(), channel: z.int(), program: z.int(), volume: z.int(), notes: z.int(), approachNotes: z.int(), leakNotes: z.int() }).strict()),
    fluidsynthSettings: z.record(z.string(), z.number()),
    /** Documented fallbacks taken (no downbeats, beats without a chord…). */
    fallbacks: z.array(z.string()),
  })
  .strict();
export type BandRecord = z.infer<typeof BandRecordSchema>;

export const SongRecordSchema = z
  .object({
    songId: z.string(),
    split: SplitSchema,
    status: z.enum(['built', 'excluded', 'failed']),
    /** Why a song was excluded, or the error that made it fail (names file and line when known). */
    reason: z.string().optional(),
    /** Relative to the manifest folder. */
    audioPath: z.string().optional(),
    audioSha256: Sha.optional(),
    sampleRate: z.int().optional(),
    durationSec: z.number().optional(),
    /** Sample index in the audio of every beat of the song (of the beats paired with the audio, for recordings). */
    beatSamples: z.array(z.int()).optional(),
    /** Time of every beat in the audio (s). */
    beatTimesSec: z.array(z.number()).optional(),
    downbeatBeats: z.array(z.int()).optional(),
    metre: z.string().optional(),
    beatsPerBar: z.int().optional(),
    segments: z.int().optional(),
    /** GM programs the tracks were rendered with (synthesized audio). */
    programs: z.record(z.string(), z.int()).optional(),
    /** What the band generator drew for this song (band audio). */
    band: BandRecordSchema.optional(),
  })
  .strict();
export type SongRecord = z.infer<typeof SongRecordSchema>;

export const ShardEntrySchema = z
  .object({ path: z.string(), split: SplitSchema, rows: z.int().nonnegative(), sha256: Sha })
  .strict();
export type ShardEntry = z.infer<typeof ShardEntrySchema>;

export const ManifestSchema = z
  .object({
    schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
    kind: z.literal('a2s-dataset'),
    createdWith: z
      .object({ package: z.string(), buildVersion: z.int(), shardSchemaVersion: z.int(), fluidsynth: z.string().optional() })
      .strict(),
    config: DatasetConfigSchema,
    /** SHA-256 of each input: `songs[id][file name]`, the soundfont, and the config. */
    inputs: z
      .object({
        configSha256: Sha,
        soundfont: z.object({ path: z.string(), sha256: Sha }).strict().optional(),
        /** Band audio: every soundfont of the list, in order. */
        soundfonts: z.array(z.object({ path: z.string(), sha256: Sha }).strict()).optional(),
        /** `splitsFrom`: the manifest the songs and splits were taken from. */
        splitsFrom: z.object({ path: z.string(), sha256: Sha }).strict().optional(),
        songs: z.record(z.string(), z.record(z.string(), Sha)),
      })
      .strict(),
    splits: z.record(z.string(), SplitSchema),
    shards: z.array(ShardEntrySchema),
    songs: z.array(SongRecordSchema),
    summary: z
      .object({
        built: z.int(), excluded: z.int(), failed: z.int(),
        segments: z.object({ train: z.int(), valid: z.int(), test: z.int() }).strict(),
      })
      .strict(),
  })
  .strict();
export type Manifest = z.infer<typeof ManifestSchema>;

/** Reads and validates `manifest.json`. Paths inside stay relative to its folder. */
export async function readManifest(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError({ file: path, message: `cannot read manifest: ${describeError(err)}`, cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError({ file: path, message: `manifest is not valid JSON: ${describeError(err)}`, cause: err });
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError({ file: path, message: `not a dataset manifest (schema ${MANIFEST_SCHEMA_VERSION}): ${issue.path.join('.') || '(root)'}: ${issue.message}` });
  }
  return parsed.data;
}

/**
 * Reads the segments of a dataset (optionally one split), shard by shard in manifest order. Each shard's
 * SHA-256 is checked against the manifest first, so a shard changed or damaged after the build is reported
 * (InputError naming it) instead of read.
 */
export async function readSegments(manifestPath: string, opts: { split?: Split } = {}): Promise<SegmentRow[]> {
  const manifest = await readManifest(manifestPath);
  const base = dirname(resolve(manifestPath));
  const rows: SegmentRow[] = [];
  for (const shard of manifest.shards) {
    if (opts.split !== undefined && shard.split !== opts.split) continue;
    const path = resolve(base, shard.path);
    const actual = await sha256File(path).catch((err: unknown) => {
      throw new InputError({ file: path, message: `cannot read shard listed in ${manifestPath}: ${describeError(err)}`, cause: err });
    });
    if (actual !== shard.sha256) {
      throw new InputError({ file: path, message: `shard differs from the one recorded in ${manifestPath} (sha256 ${actual.slice(0, 12)}…, expected ${shard.sha256.slice(0, 12)}…): rebuild the dataset` });
    }
    for (const row of await readSegmentShard(path)) rows.push(row);
  }
  return rows;
}
