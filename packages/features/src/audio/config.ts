import { z } from 'zod';

/** Version of {@link FeatureConfigSchema}; part of every cache key, so bumping it invalidates old caches. */
export const FEATURE_SCHEMA_VERSION = 1;

/**
 * Constant-Q (log-frequency) spectrogram: `binsPerSemitone` bins per semitone from MIDI `minMidi` to
 * `maxMidi` inclusive, so transposing by k semitones shifts the bins by exactly `k × binsPerSemitone`.
 */
export const CqtTransformSchema = z
  .object({
    type: z.literal('cqt'),
    binsPerSemitone: z.number().int().min(1).max(5).default(1),
    /** Lowest bin centre, MIDI pitch (21 = A0, 27.5 Hz). */
    minMidi: z.number().int().min(0).max(127).default(21),
    /** Highest bin centre, MIDI pitch (108 = C8, 4186 Hz). */
    maxMidi: z.number().int().min(0).max(135).default(108),
    /**
     * Scales every bin's window (1 = the window spans Q periods, Q = 1 / (2^(1/(12·binsPerSemitone)) − 1)).
     * Below 1 trades frequency resolution for time resolution and speed (shorter windows, smaller FFT).
     */
    filterScale: z.number().positive().max(2).default(1),
    /** Spectral-kernel entries below this fraction of a bin's largest entry are dropped (sparse kernel). */
    sparsity: z.number().min(0).max(0.1).default(0.005),
  })
  .strict();

/** Log-mel spectrogram with the reference code's parameters (229 HTK bands, 30 Hz–8 kHz, n_fft 2048 at 16 kHz). */
export const MelTransformSchema = z
  .object({
    type: z.literal('mel'),
    nFft: z.number().int().min(64).max(65536).default(2048),
    nMels: z.number().int().min(1).max(1024).default(229),
    fMinHz: z.number().min(0).default(30),
    fMaxHz: z.number().positive().default(8000),
  })
  .strict();

export const TransformSchema = z.discriminatedUnion('type', [CqtTransformSchema, MelTransformSchema]);

/**
 * Log compression of the spectrogram's value `v` (CQT: magnitude; mel: band power):
 * `log1p` → `ln(1 + gain·v)` (floor 0); `db` → power in dB, clamped below at `floorDb` (floor `floorDb`).
 */
export const CompressionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('log1p'), gain: z.number().positive().default(100) }).strict(),
  z.object({ type: z.literal('db'), floorDb: z.number().max(0).default(-80) }).strict(),
]);

/** The `songValues` table: song id → a finite number (see the field in {@link FeatureConfigSchema}). */
export const SongValuesSchema = z.record(z.string(), z.number().finite());

export const FeatureConfigSchema = z
  .object({
    schemaVersion: z.literal(FEATURE_SCHEMA_VERSION).default(FEATURE_SCHEMA_VERSION),
    /** Audio is resampled to this rate (Hz) before analysis when it differs. */
    sampleRate: z.number().int().min(4000).max(96000).default(16000),
    /** Frames per beat, centred at times interpolated linearly between beat times. */
    framesPerBeat: z.number().int().min(1).max(64).default(16),
    transform: TransformSchema.prefault({ type: 'cqt' }),
    compression: CompressionSchema.prefault({ type: 'log1p' }),
    /**
     * `true` appends one bin to every frame: log2(the length of the frame's beat / 0.5 s), the local tempo
     * (0 at 120 BPM, −1 at 240, +1 at 60). Beat-synchronous frames carry no tempo otherwise. Left out (not
     * `false`) when off, so that the cache keys of configurations without it stay as they were.
     */
    tempo: z.boolean().optional().transform((v) => (v ? (true as const) : undefined)),
    /**
     * Per-song values (song id → number): one more bin after the spectral and tempo bins, the song's value in
     * every frame, e.g. a conditioning scalar known per song (experiments/density-condition). Every song whose
     * features go into a batch must have one. Not cached: the feature cache keeps the spectrogram (and tempo)
     * under the key of the configuration without this table, and the value is appended when a song is loaded
     * for batches, so the table can change without recomputing anything. `a2s arrange` cannot supply a value
     * for a recording and refuses such a model.
     */
    songValues: SongValuesSchema.optional(),
  })
  .strict();

export type CqtTransform = z.infer<typeof CqtTransformSchema>;
export type MelTransform = z.infer<typeof MelTransformSchema>;
export type FeatureTransform = z.infer<typeof TransformSchema>;
export type FeatureCompression = z.infer<typeof CompressionSchema>;
/** Resolved feature configuration (every default filled in). */
export type FeatureConfig = z.infer<typeof FeatureConfigSchema>;
/** What a user may write: any field may be left out. */
export type FeatureConfigInput = z.input<typeof FeatureConfigSchema>;

/** Parses a partial config, filling in defaults; throws a ZodError on invalid input. */
export function resolveFeatureConfig(input: unknown = {}): FeatureConfig {
  return FeatureConfigSchema.parse(input);
}
