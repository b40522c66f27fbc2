/**
 * Exploratory (fourth part; decides nothing): would the melody bring the new information about a song's density
 * that the second part's answer asks for? The band audio renders the song's MELODY track, so a melody
 * transcriber could in principle read how many melody notes a song has; here the count is read from the MELODY
 * track itself, an upper bound on what such a transcriber could give.
 *
 *   npx tsx experiments/density-condition/melody-estimate.ts <band manifest>
 *
 * Least squares on the training songs of the pianist's log(notes per segment) (PIANO + BRIDGE, the target) on
 * (a) tempo and chord changes (decode-calibration's fit), (b) log(melody notes per segment) alone, (c) all three.
 * For each: correlation with the pianists' on the training and validation songs, and on the validation songs the
 * density similarity a model whose count followed the estimate exactly would reach (as density-ceiling.ts: mean of
 * exp(−|estimate + b − pianist's|), unshifted and with the best shift b searched on these same songs, an upper
 * bound), beside the best single count for every song.
 */
import { readSegments, type SegmentRow } from '@a2s/dataset';
import { correlation, fitFeatures, followingCeiling, leastSquares, logNotesPerSegment, mean, songStats } from '../decode-calibration/song-stats.ts';

const [manifestPath] = process.argv.slice(2);
if (!manifestPath) {
  process.stderr.write('usage: melody-estimate.ts <band manifest>\n');
  process.exit(2);
}

/** log(MELODY notes per segment) per song (at least one note, so that a song without melody stays finite). */
function logMelodyPerSegment(rows: readonly SegmentRow[]): Map<string, number> {
  const counts = new Map<string, { notes: number; segments: number }>();
  for (const r of rows) {
    const c = counts.get(r.songId) ?? { notes: 0, segments: 0 };
    c.segments++;
    c.notes += r.notes.filter((n) => n.track === 'MELODY').length;
    counts.set(r.songId, c);
  }
  return new Map([...counts].map(([id, c]) => [id, Math.log(Math.max(1, c.notes) / c.segments)]));
}

const trainRows = await readSegments(manifestPath, { split: 'train' });
const validRows = await readSegments(manifestPath, { split: 'valid' });
const stats = new Map([...songStats(trainRows), ...songStats(validRows)]);
const melody = new Map([...logMelodyPerSegment(trainRows), ...logMelodyPerSegment(validRows)]);
const trainIds = [...songStats(trainRows).keys()];
const validIds = [...songStats(validRows).keys()];
const target = (id: string) => logNotesPerSegment(stats.get(id)!);

const r4 = (v: number) => Number(v.toFixed(4));
const ceiling = (estimate: (id: string) => number) => followingCeiling(validIds, estimate, target);

const models: Record<string, { features: string[]; x: (id: string) => number[] }> = {
  'tempo and chord changes': { features: ['1', 'chord changes', 'log(seconds per beat)'], x: (id) => fitFeatures(stats.get(id)!) },
  'melody notes': { features: ['1', 'log(melody notes per segment)'], x: (id) => [1, melody.get(id)!] },
  'tempo, chord changes and melody notes': {
    features: ['1', 'chord changes', 'log(seconds per beat)', 'log(melody notes per segment)'],
    x: (id) => [...fitFeatures(stats.get(id)!), melody.get(id)!],
  },
};
const out: Record<string, unknown> = {};
for (const [name, { features, x }] of Object.entries(models)) {
  const coef = leastSquares(trainIds.map(x), trainIds.map(target));
  const predict = (id: string) => x(id).reduce((acc, v, i) => acc + coef[i] * v, 0);
  out[name] = {
    features,
    coefficients: coef.map(r4),
    trainCorrelation: r4(correlation(trainIds.map(predict), trainIds.map(target))),
    validCorrelation: r4(correlation(validIds.map(predict), validIds.map(target))),
    validDensitySimIfFollowedExactly: ceiling(predict),
  };
}
const center = mean(trainIds.map(target));
process.stdout.write(
  `${JSON.stringify({ trainSongs: trainIds.length, validSongs: validIds.length, models: out, sameCountEverySong: ceiling(() => center).best }, null, 1)}\n`,
);
