import { InputError, type Note } from '@a2s/dataset';
import { GROUND_TRUTH } from '../config.ts';
import type { RollSegment } from '../figures/piano-roll.ts';
import { readSegmentsFromDataset, type ReadSegments } from '../inputs/dataset-access.ts';
import { compareSegments, predictionLabel, segmentKey, toSegmentNotes, type PredictionSet, type SegmentNotes } from '../inputs/predictions.ts';
import { orderBy } from '../tables/results-table.ts';

export interface Comparison {
  /** Row order: ground truth, then systems. */
  readonly systems: readonly string[];
  /** The chosen segments, with the ground truth's beat times. */
  readonly segments: readonly SegmentNotes[];
  readonly rolls: readonly RollSegment[];
  /** Every ground-truth segment present in every prediction set (sorted by song, then start beat). */
  readonly common: readonly SegmentNotes[];
  /** The prediction sets in row order, each with its label (the `systems` after the ground truth). */
  readonly predictions: readonly { readonly label: string; readonly segments: readonly SegmentNotes[] }[];
}

/** Indices of `count` items spread evenly over `n` (deterministic). */
export function evenlySpaced(n: number, count: number): number[] {
  const k = Math.min(n, count);
  return Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * n) / k));
}

/**
 * Chooses `count` segments present in every prediction set and in the ground truth (the accompaniment
 * tracks of the dataset split the predictions were made on), spread evenly over the sorted segment list,
 * skipping segments whose ground truth has no note.
 */
export async function selectComparison(
  sets: readonly PredictionSet[],
  opts: { manifest?: string; count: number; systemOrder: readonly string[]; groundTruthTracks: readonly Note['track'][]; readSegments?: ReadSegments },
): Promise<Comparison> {
  const manifest = opts.manifest ?? sets.find((s) => s.manifestPath !== null)?.manifestPath ?? undefined;
  if (manifest === undefined) {
    throw new InputError({ file: sets[0]!.dir, message: 'no manifest for the ground truth: pass --manifest or set manifestPath in predictions.json' });
  }
  const split = (sets.find((s) => s.split !== null)?.split ?? 'test') as 'train' | 'valid' | 'test';
  const gtRows = await (opts.readSegments ?? readSegmentsFromDataset)(manifest, { split });
  const gt = toSegmentNotes(gtRows, opts.groundTruthTracks).filter((s) => s.notes.length > 0);
  const keysPerSet = sets.map((s) => new Set(s.segments.map(segmentKey)));
  const common = gt.filter((g) => keysPerSet.every((k) => k.has(segmentKey(g)))).sort(compareSegments);
  if (common.length === 0) {
    throw new InputError({ file: manifest, message: `no ${split} segment is present in the ground truth and in every prediction folder` });
  }
  const chosen = evenlySpaced(common.length, opts.count).map((i) => common[i]!);
  const systemRank = orderBy(sets.map((s) => s.system), opts.systemOrder);
  const ordered = [...sets].sort(
    (a, b) =>
      systemRank.indexOf(a.system) - systemRank.indexOf(b.system) ||
      (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0) ||
      (a.seed ?? -1) - (b.seed ?? -1),
  );
  const labels = ordered.map(predictionLabel);
  if (new Set(labels).size !== labels.length) {
    throw new InputError({ file: ordered[0]!.dir, message: `two prediction folders have the same system/variant/seed: ${labels.join(', ')}` });
  }
  const rolls: RollSegment[] = [];
  for (const seg of chosen) {
    rolls.push({ system: GROUND_TRUTH, songId: seg.songId, startBeat: seg.startBeat, notes: seg.notes });
    ordered.forEach((set, i) => {
      const pred = set.segments.find((s) => s.songId === seg.songId && s.startBeat === seg.startBeat)!;
      rolls.push({ system: labels[i]!, songId: seg.songId, startBeat: seg.startBeat, notes: pred.notes });
    });
  }
  const predictions = ordered.map((set, i) => ({ label: labels[i]!, segments: set.segments }));
  return { systems: [GROUND_TRUTH, ...labels], segments: chosen, rolls, common, predictions };
}
