import { z } from 'zod';

/** Version of {@link DatasetConfigSchema}. */
export const DATASET_CONFIG_VERSION = 1;

export const DEFAULT_SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';

/**
 * General MIDI programs (0-based) the accompaniment (PIANO and BRIDGE tracks) is drawn from, one per track
 * per song: pianos, electric pianos, harpsichord, vibraphone, organ, guitars, harp, strings, warm pad.
 */
export const DEFAULT_ACCOMPANIMENT_PROGRAMS = [0, 1, 2, 4, 5, 6, 11, 16, 24, 25, 26, 27, 46, 48, 49, 89];
/** Programs the MELODY track is drawn from when it is rendered: piano, violin, choir, trumpet, sax, clarinet, flute, lead. */
export const DEFAULT_MELODY_PROGRAMS = [0, 40, 52, 56, 65, 71, 73, 80];

const Program = z.int().min(0).max(127);
const Ratio = z.number().min(0).max(1);

export const SynthAudioSchema = z
  .object({
    type: z.literal('synth'),
    /** FluidSynth executable (name on PATH or path). */
    fluidsynth: z.string().min(1).default('fluidsynth'),
    soundfont: z.string().min(1).default(DEFAULT_SOUNDFONT),
    /** FluidSynth master gain (`-g`); its default 0.2 peaks near -21 dBFS. */
    gain: z.number().positive().max(10).default(0.8),
    /** Also render the MELODY track (off: the audio holds the accompaniment only). */
    renderMelody: z.boolean().default(false),
    accompanimentPrograms: z.array(Program).min(1).default(DEFAULT_ACCOMPANIMENT_PROGRAMS),
    melodyPrograms: z.array(Program).min(1).default(DEFAULT_MELODY_PROGRAMS),
  })
  .strict();

export const RecordingsAudioSchema = z
  .object({
    type: z.literal('recordings'),
    /** Folder of recordings named `<song id>.wav|.mp3|.flac|.ogg`. */
    dir: z.string().min(1),
    /** Beat `k` of `beat_midi.txt` is paired with beat `k + beatOffset` of `beat_audio.txt`. */
    beatOffset: z.int().default(0),
    /**
     * Largest accepted relative difference between the beat counts of `beat_midi.txt` and
     * `beat_audio.txt` (after the offset); larger → the song fails (the files do not describe the same
     * performance, e.g. double-time beat tracking).
     */
    maxBeatCountMismatch: Ratio.default(0.1),
  })
  .strict();

/**
 * Default share of bars whose comping the band borrows from the target, chosen by measurement (README, "Band
 * audio", leakage): the largest measured leak (of 0, 0.25, 0.5) at which basic-pitch's transcription of the
 * audio matches the target less than the chord chart does on every song of the sample.
 */
export const DEFAULT_BAND_LEAK = 0.25;

export const BandAudioSchema = z
  .object({
    type: z.literal('band'),
    /** FluidSynth executable (name on PATH or path). */
    fluidsynth: z.string().min(1).default('fluidsynth'),
    /** Soundfonts one is drawn from per song (all must exist: a missing one stops the build at once). */
    soundfonts: z.array(z.string().min(1)).min(1).default([DEFAULT_SOUNDFONT]),
    /** FluidSynth master gain (`-g`); the mix is then scaled down when it would clip. */
    gain: z.number().positive().max(10).default(0.5),
    /** Share of bars in [0, 1] in which one comping part plays the target's own notes (0 = none). */
    leak: Ratio.default(DEFAULT_BAND_LEAK),
    /** Number of comping parts per song, drawn uniformly in [min, max] (of 6 styles). */
    compParts: z
      .object({ min: z.int().min(1).max(6).default(2), max: z.int().min(1).max(6).default(4) })
      .strict()
      .refine((c) => c.min <= c.max, { message: 'compParts.min must not exceed compParts.max' })
      .prefault({}),
    /** Probability that the MELODY lead is left out of a song (else its level is drawn from quiet to prominent). */
    melodyAbsent: Ratio.default(0.2),
    /** Draw FluidSynth reverb and chorus settings per song (off: FluidSynth's defaults; the per-part sends are drawn anyway). */
    effects: z.boolean().default(true),
  })
  .strict();

export const AudioSourceSchema = z.discriminatedUnion('type', [SynthAudioSchema, RecordingsAudioSchema, BandAudioSchema]);

export const SplitRatiosSchema = z
  .object({ train: Ratio.default(0.8), valid: Ratio.default(0.1), test: Ratio.default(0.1) })
  .strict()
  .refine((r) => Math.abs(r.train + r.valid + r.test - 1) < 1e-9, { message: 'split ratios must sum to 1' });

const SplitName = z.enum(['train', 'valid', 'test']);

/**
 * Take the songs and their splits from another dataset: build exactly the songs that are `built` in that
 * dataset's manifest and in one of `splits`, each in the split it has there (the split ratios are then not
 * used). E.g. a held-out rendering (other audio) of the same test songs.
 */
export const SplitsFromSchema = z
  .object({
    /** The other dataset's `manifest.json` (relative paths resolve against the working directory). */
    manifest: z.string().min(1),
    /** Splits of that dataset whose built songs are taken (default: test). */
    splits: z.array(SplitName).min(1).default(['test']),
  })
  .strict();
export type SplitsFromConfig = z.infer<typeof SplitsFromSchema>;

/** Configuration of `a2s data build` / {@link buildDataset}. Relative paths resolve against the working directory. */
export const DatasetConfigSchema = z
  .object({
    schemaVersion: z.literal(DATASET_CONFIG_VERSION).default(DATASET_CONFIG_VERSION),
    /** POP909-layout folder: one sub-folder per song. */
    pop909Dir: z.string().min(1).default('data/fixtures/pop909'),
    outDir: z.string().min(1).default('data/datasets/default'),
    /** Build only these song ids (folder names). With `splitsFrom`: only these of its songs (each must be one). */
    songs: z.array(z.string().min(1)).min(1).optional(),
    /** Build only the first N songs (sorted by id), after `songs` (and `splitsFrom`). */
    limit: z.int().positive().optional(),
    /** Songs and splits taken from another dataset's manifest instead of all songs split by `split` (see SplitsFromSchema). */
    splitsFrom: SplitsFromSchema.optional(),
    /** Seeds the instrument draw (synth), the band arrangement (band) and the split. */
    seed: z.int().default(0),
    /** Output sample rate (Hz), mono. */
    sampleRate: z.int().min(4000).max(192000).default(16000),
    audio: AudioSourceSchema.prefault({ type: 'synth' }),
    split: SplitRatiosSchema.prefault({}),
    /** Keep songs not in duple metre (default: excluded, with the reason in the manifest). */
    includeNonDuple: z.boolean().default(false),
    /** Rows per shard file at most. */
    shardMaxRows: z.int().positive().default(4096),
  })
  .strict();

export type DatasetConfig = z.infer<typeof DatasetConfigSchema>;
export type DatasetConfigInput = z.input<typeof DatasetConfigSchema>;
export type SynthAudioConfig = z.infer<typeof SynthAudioSchema>;
export type RecordingsAudioConfig = z.infer<typeof RecordingsAudioSchema>;
export type BandAudioConfig = z.infer<typeof BandAudioSchema>;
