import { z } from 'zod';
import type { Note } from '@a2s/dataset';

/** The accompaniment target: PIANO and BRIDGE notes, in input order. */
export function accompanimentNotes(notes: readonly Note[]): Note[] {
  return notes.filter((n) => n.track === 'PIANO' || n.track === 'BRIDGE');
}

/** The lead melody: MELODY notes, in input order. */
export function melodyNotes(notes: readonly Note[]): Note[] {
  return notes.filter((n) => n.track === 'MELODY');
}

/**
 * Two choices where our default differs from the reference (audio2midi's `TrainDataSample`), kept as options
 * so that they are measured (experiments/curriculum-ablation), not read off the code. The PianoTree target is
 * PIANO + BRIDGE in both.
 */
export const ScoreTargetSchema = z
  .object({
    /**
     * Tracks of the symbolic input of warm-up and pre-training (the roll before corruption): `piano+bridge`
     * (ours: the whole target) or `piano` (the reference: "piano track only"). The autoregressive stage's
     * input, the previous window's accompaniment, is PIANO + BRIDGE in both, as in the reference.
     */
    input: z.enum(['piano+bridge', 'piano']).default('piano+bridge'),
    /**
     * Sources of the auxiliary targets: `ours` (bass probability and onset intensity from PIANO + BRIDGE, the
     * melody-onset column from the MELODY track) or `reference` (bass and intensity from PIANO, the onset
     * column from the BRIDGE track, as audio2midi computes them).
     */
    aux: z.enum(['ours', 'reference']).default('ours'),
  })
  .strict();
export type ScoreTarget = z.infer<typeof ScoreTargetSchema>;

const pianoOnly = (notes: readonly Note[]): Note[] => notes.filter((n) => n.track === 'PIANO');
const bridgeOnly = (notes: readonly Note[]): Note[] => notes.filter((n) => n.track === 'BRIDGE');

/** The notes of the symbolic input (before corruption) of a score-input stage. */
export function scoreInputNotes(notes: readonly Note[], target: ScoreTarget): Note[] {
  return target.input === 'piano' ? pianoOnly(notes) : accompanimentNotes(notes);
}

/** The two note sets `auxTargets` reads: the accompaniment (bass, intensity) and the onset column's notes. */
export function auxSources(notes: readonly Note[], target: ScoreTarget): { accompaniment: Note[]; onsets: Note[] } {
  return target.aux === 'reference'
    ? { accompaniment: pianoOnly(notes), onsets: bridgeOnly(notes) }
    : { accompaniment: accompanimentNotes(notes), onsets: melodyNotes(notes) };
}
