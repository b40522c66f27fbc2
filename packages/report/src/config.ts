import { TRACKS } from '@a2s/dataset';
import { z } from 'zod';

/** Options of one report build. Everything that changes the output is here, so equal options give equal bytes. */
export const ReportOptionsSchema = z
  .object({
    schemaVersion: z.literal(1).default(1),
    /** Page title of the HTML report. */
    title: z.string().min(1).default('a2s results'),
    /** Metrics where a smaller value is better (bolding, bar-chart captions). Others are higher-is-better. */
    lowerIsBetter: z.array(z.string()).default([]),
    /** Display order of metrics; metrics not listed follow in alphabetical order. */
    metricOrder: z.array(z.string()).default([]),
    /** Display order of systems; systems not listed follow in alphabetical order. */
    systemOrder: z.array(z.string()).default([]),
    /** Decimals printed in the tables. */
    decimals: z.number().int().min(0).max(6).default(3),
    /** Segments shown in the piano-roll comparison. */
    pianoRollSegments: z.number().int().min(1).max(12).default(3),
    /** Tracks of a dataset segment that make up the ground-truth accompaniment (as scored by @a2s/eval). */
    groundTruthTracks: z.array(z.enum(TRACKS)).min(1).default(['PIANO', 'BRIDGE']),
    /** Test songs whose opening is engraved in the Scores section (spread evenly over the song ids); 0 disables it. */
    scoreSongs: z.number().int().min(0).max(50).default(4),
    /** Bars of each song's opening engraved in the Scores section (4/4 bars of the beat grid). */
    scoreBars: z.number().int().min(1).max(32).default(8),
    /** Segments rendered to audio (ground truth + each system); 0 disables audio. */
    audioSegments: z.number().int().min(0).max(8).default(2),
    /** Most points per series in a training curve (longer logs are averaged into buckets). */
    maxCurvePoints: z.number().int().min(10).default(400),
    /** Logged steps in the moving average of the training loss in a learning curve; 0: about 1/50 of the log. */
    learningCurveWindow: z.number().int().min(0).default(0),
    /** PNG pixels per SVG pixel. */
    pngScale: z.number().positive().max(8).default(2),
    /** SoundFont used by FluidSynth for the audio previews. */
    soundFont: z.string().default('/usr/share/sounds/sf2/FluidR3_GM.sf2'),
    /** FluidSynth executable. */
    fluidsynth: z.string().default('fluidsynth'),
    /** Font file used to draw text in the PNGs (resvg loads no system fonts, for reproducible output). */
    fontFile: z.string().default('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'),
  })
  .strict();
export type ReportOptions = z.infer<typeof ReportOptionsSchema>;
export type ReportOptionsInput = z.input<typeof ReportOptionsSchema>;

/** Name of the ground-truth "system" in piano rolls and audio previews. */
export const GROUND_TRUTH = 'ground truth';
