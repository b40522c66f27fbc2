/**
 * Exploratory (after the run; decides nothing): how well does what the audio itself shows of a song's activity
 * predict its pianist's note density, beside tempo and chord changes? The answer says whether a better estimate
 * of the `songValues` input is within reach (README, "What would move #14's density target now").
 *
 *   npx tsx experiments/density-condition/audio-estimate.ts <band manifest> <feature cache dir>
 *
 * Per song, from its cached beat-synchronous CQT (default feature config, log1p magnitudes, 16 frames per beat):
 * the spectral flux of each frame (sum over bins of the rise from the previous frame), its mean per beat (log),
 * and the share of frames whose flux exceeds 1.5× the song's median (an onset rate). Least squares of the
 * pianist's log(notes per segment) on the training songs with (a) tempo and chord changes (the fit of
 * decode-calibration's seventh part), (b) the audio's two measures, (c) all four; prints each model's correlation
 * with the pianists' on the training and validation songs. The band audio carries a quarter of the piano part
 * (`leak` 0.25), so an estimate from it may reach further here than on a recording.
 */
import { readManifest, readSegments } from '@a2s/dataset';
import { featureCacheKey, readCachedSongFeatures, resolveFeatureConfig } from '@a2s/features';
import { correlation, fitFeatures, leastSquares, logNotesPerSegment, songStats, type SongStats } from '../decode-calibration/song-stats.ts';

const [manifestPath, cacheDir] = process.argv.slice(2);
if (!cacheDir) {
  process.stderr.write('usage: audio-estimate.ts <band manifest> <feature cache dir>\n');
  process.exit(2);
}
const cfg = resolveFeatureConfig({});
const manifest = await readManifest(manifestPath);
const audio = new Map<string, number[]>();
for (const song of manifest.songs) {
  if (song.status !== 'built' || song.split === 'test' || !song.audioSha256 || !song.beatSamples) continue;
  const f = await readCachedSongFeatures(cacheDir, featureCacheKey(song.audioSha256, song.beatSamples, cfg));
  if (!f) throw new Error(`song ${song.songId}: no cached features in ${cacheDir} (run a2s features build)`);
  const flux = new Float64Array(f.frames);
  for (let t = 1; t < f.frames; t++) {
    let s = 0;
    for (let b = 0; b < f.bins; b++) s += Math.max(0, f.data[t * f.bins + b] - f.data[(t - 1) * f.bins + b]);
    flux[t] = s;
  }
  const sorted = Float64Array.from(flux).sort();
  const median = sorted[sorted.length >> 1];
  let onsets = 0;
  for (const v of flux) if (v > 1.5 * median) onsets++;
  const perBeat = (flux.reduce((a, v) => a + v, 0) / f.frames) * cfg.framesPerBeat;
  audio.set(song.songId, [Math.log(perBeat), onsets / f.frames]);
}
const train = songStats(await readSegments(manifestPath, { split: 'train' }));
const valid = songStats(await readSegments(manifestPath, { split: 'valid' }));
const models: Record<string, (id: string, s: SongStats) => number[]> = {
  'tempo and chord changes': (_id, s) => fitFeatures(s),
  'audio flux and onset rate': (id) => [1, ...audio.get(id)!],
  'all four': (id, s) => [...fitFeatures(s), ...audio.get(id)!],
};
const out: Record<string, unknown> = {};
for (const [name, x] of Object.entries(models)) {
  const tr = [...train], va = [...valid];
  const coef = leastSquares(tr.map(([id, s]) => x(id, s)), tr.map(([, s]) => logNotesPerSegment(s)));
  const pred = (id: string, s: SongStats) => x(id, s).reduce((acc, v, i) => acc + coef[i] * v, 0);
  out[name] = {
    coefficients: coef.map((c) => Number(c.toFixed(4))),
    trainCorrelation: Number(correlation(tr.map(([id, s]) => pred(id, s)), tr.map(([, s]) => logNotesPerSegment(s))).toFixed(4)),
    validCorrelation: Number(correlation(va.map(([id, s]) => pred(id, s)), va.map(([, s]) => logNotesPerSegment(s))).toFixed(4)),
  };
}
process.stdout.write(`${JSON.stringify({ trainSongs: train.size, validSongs: valid.size, models: out }, null, 1)}\n`);
