import { z } from 'zod';

/** Difficulty levels of the notated score. */
export const LEVEL_NAMES = ['easy', 'intermediate', 'full'] as const;
export type LevelName = (typeof LEVEL_NAMES)[number];

/** Hard limits of one difficulty level, enforced when the score is built and verified by the playability checker. */
export const LevelLimitsSchema = z
  .object({
    /** Most notes one hand holds down at any moment (held notes included). */
    maxNotesPerHand: z.number().int().min(1).max(10),
    /** Widest interval one hand covers at any moment, in semitones (12 = an octave). */
    maxSpanSemitones: z.number().int().min(0).max(24),
    /** Shortest note value in divisions of a quarter (4 per quarter: 1 = sixteenth, 2 = eighth, 4 = quarter); onsets lie on this grid too. */
    shortestDivisions: z.number().int().min(1).max(4),
    /** Most voices (independent rhythms) on one staff. */
    maxVoicesPerStaff: z.number().int().min(1).max(2),
  })
  .strict();
export type LevelLimits = z.infer<typeof LevelLimitsSchema>;

/**
 * The limits of each level. `full` keeps the arrangement's rhythm (sixteenth grid) and changes notes only
 * where one hand could not play them (more than 5 keys, or wider than a ninth); `intermediate` reads in
 * eighths within an octave; `easy` is one voice per hand, at most 3 keys within a sixth, in eighths.
 */
export const LEVELS: Readonly<Record<LevelName, LevelLimits>> = {
  full: { maxNotesPerHand: 5, maxSpanSemitones: 14, shortestDivisions: 1, maxVoicesPerStaff: 2 },
  intermediate: { maxNotesPerHand: 4, maxSpanSemitones: 12, shortestDivisions: 2, maxVoicesPerStaff: 2 },
  easy: { maxNotesPerHand: 3, maxSpanSemitones: 9, shortestDivisions: 2, maxVoicesPerStaff: 1 },
};

/** Divisions per quarter note in every score we write: the sixteenth grid. */
export const DIVISIONS = 4;
