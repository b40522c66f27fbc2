/**
 * A song's density estimated from what a trained model hears in its audio (README, "An estimate from the audio
 * encoder"). Per song, the mean over its segments of the default model's audio-encoder mean (z_aud, `encodeAudio`'s
 * mu): what the model that arranges the song makes of its audio. A ridge regression of the pianist's
 * log(notes per segment) on those means plus tempo and chord changes (the seventh part's fit inputs), with the
 * ridge strength chosen by 5-fold cross-validation on the training songs alone; the validation songs only score it.
 *
 *   npx tsx experiments/density-condition/latent-estimate.ts <model> <band manifest> <band feature cache> \
 *     <test manifest> <test feature cache> <c> <out values>
 *
 * <c>: the centre of the values (results/song-values.json's c). Writes <out values> (JSON: song id → estimated
 * log(notes per segment) − c for the validation and test songs, the table `a2s predict --song-values` reads) and
 * prints the fit: λ, each λ's cross-validated correlation, and the correlation with the pianists on the training
 * songs (in sample), by cross-validation and on the validation songs, beside the tempo-and-chords fit's.
 * Test songs' pianists are not read.
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, readSegments } from '@a2s/dataset';
import { createBatchIterator } from '@a2s/features';
import { encodeAudio, loadTrainedModel, type TrainedModel } from '@a2s/model';
import { correlation, fitFeatures, leastSquares, logNotesPerSegment, mean, songStats, type SongStats } from '../decode-calibration/song-stats.ts';

const [modelDir, bandManifest, bandCache, testManifest, testCache, cArg, outFile] = process.argv.slice(2);
if (!outFile) {
  process.stderr.write('usage: latent-estimate.ts <model> <band manifest> <band feature cache> <test manifest> <test feature cache> <c> <out values>\n');
  process.exit(2);
}
const c = Number(cArg);
if (!Number.isFinite(c)) throw new Error(`latent-estimate.ts: <c> must be a number, got ${cArg}`);

/** Mean z_aud mu per song of a split. */
async function songLatents(trained: TrainedModel, manifestPath: string, split: 'train' | 'valid' | 'test', cacheDir: string): Promise<Map<string, Float64Array>> {
  const iter = createBatchIterator({
    manifestPath,
    split,
    batchSize: 64,
    features: trained.features,
    corruption: { type: 'none' },
    transpose: { enabled: false },
    shuffle: false,
    seed: 0,
    cacheDir,
  });
  const sums = new Map<string, { sum: Float64Array; n: number }>();
  let done = 0;
  for await (const batch of iter) {
    const mu = tf.tidy(() => encodeAudio(trained.model.audEnc, tf.tensor3d(batch.audio, [batch.size, batch.audioFrames, batch.audioBins])).mu.dataSync() as Float32Array);
    const dim = mu.length / batch.size;
    for (let i = 0; i < batch.size; i++) {
      let s = sums.get(batch.songIds[i]);
      if (!s) sums.set(batch.songIds[i], (s = { sum: new Float64Array(dim), n: 0 }));
      for (let k = 0; k < dim; k++) s.sum[k] += mu[i * dim + k];
      s.n++;
    }
    done += batch.size;
    if (done % 6400 < batch.size) process.stderr.write(`latent-estimate: ${split} ${done} segments\n`);
  }
  return new Map([...sums].map(([id, s]) => [id, s.sum.map((v) => v / s.n)]));
}

/** Ridge regression, intercept unpenalised: solve (XᵀX + λ·I')w = Xᵀy with columns standardised on `xs`. */
function ridge(xs: number[][], ys: number[], lambda: number): (x: number[]) => number {
  const k = xs[0].length;
  const mu = Array.from({ length: k }, (_, j) => mean(xs.map((x) => x[j])));
  const sd = Array.from({ length: k }, (_, j) => Math.sqrt(mean(xs.map((x) => (x[j] - mu[j]) ** 2))) || 1);
  const z = (x: number[]) => [1, ...x.map((v, j) => (v - mu[j]) / sd[j])];
  const rows = xs.map(z);
  // leastSquares on rows augmented by sqrt(λ)·e_j (j ≥ 1) is ridge with an unpenalised intercept
  const aug = [...rows, ...Array.from({ length: k }, (_, j) => Array.from({ length: k + 1 }, (_, q) => (q === j + 1 ? Math.sqrt(lambda) : 0)))];
  const w = leastSquares(aug, [...ys, ...new Array<number>(k).fill(0)]);
  return (x) => z(x).reduce((acc, v, i) => acc + w[i] * v, 0);
}

const trained = await loadTrainedModel(modelDir);
const bandTrain = songStats(await readSegments(bandManifest, { split: 'train' }));
const bandValid = songStats(await readSegments(bandManifest, { split: 'valid' }));
const test = songStats(await readSegments(testManifest, { split: 'test' }));
const latents = new Map([
  ...(await songLatents(trained, bandManifest, 'train', bandCache)),
  ...(await songLatents(trained, bandManifest, 'valid', bandCache)),
  ...(await songLatents(trained, testManifest, 'test', testCache)),
]);
const inputs = (id: string, s: SongStats) => {
  const z = latents.get(id);
  if (!z) throw new Error(`song ${id}: no segments read from the feature cache`);
  return [...fitFeatures(s).slice(1), ...z];
};
const trainIds = [...bandTrain.keys()];
const xTrain = trainIds.map((id) => inputs(id, bandTrain.get(id)!));
const yTrain = trainIds.map((id) => logNotesPerSegment(bandTrain.get(id)!));

// 5 folds of the training songs, drawn once from a fixed seed
const rng = createRng(14).fork('latent-estimate/folds');
const fold = trainIds.map(() => rng.int(5));
const lambdas = [0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000];
const cv = lambdas.map((lambda) => {
  const pred = new Array<number>(trainIds.length);
  for (let f = 0; f < 5; f++) {
    const inFold = trainIds.map((_, i) => fold[i] !== f);
    const m = ridge(xTrain.filter((_, i) => inFold[i]), yTrain.filter((_, i) => inFold[i]), lambda);
    trainIds.forEach((_, i) => {
      if (!inFold[i]) pred[i] = m(xTrain[i]);
    });
  }
  return { lambda, cvCorrelation: correlation(pred, yTrain) };
});
const best = cv.reduce((a, b) => (b.cvCorrelation > a.cvCorrelation ? b : a));
const model = ridge(xTrain, yTrain, best.lambda);
const validIds = [...bandValid.keys()];
const validPred = validIds.map((id) => model(inputs(id, bandValid.get(id)!)));
const validTrue = validIds.map((id) => logNotesPerSegment(bandValid.get(id)!));
// the tempo-and-chords fit refitted here on the same songs, for the side-by-side
const base = leastSquares(trainIds.map((id) => fitFeatures(bandTrain.get(id)!)), yTrain);
const basePred = (s: SongStats) => fitFeatures(s).reduce((acc, v, i) => acc + base[i] * v, 0);
const r4 = (v: number) => Number(v.toFixed(4));
const values: Record<string, number> = {};
validIds.forEach((id, i) => (values[id] = r4(validPred[i] - c)));
for (const [id, s] of test) {
  if (id in values) throw new Error(`song ${id} is in two splits`);
  values[id] = r4(model(inputs(id, s)) - c);
}
writeFileSync(outFile, `${JSON.stringify(values, null, 1)}\n`);
const sd = (a: readonly number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
process.stdout.write(
  `${JSON.stringify(
    {
      model: modelDir,
      latentDims: latents.values().next().value!.length,
      songs: { train: trainIds.length, valid: validIds.length, test: test.size },
      folds: 5,
      lambdas: cv.map((r) => ({ lambda: r.lambda, cvCorrelation: r4(r.cvCorrelation) })),
      chosenLambda: best.lambda,
      latent: {
        trainCorrelation: r4(correlation(xTrain.map(model), yTrain)),
        cvCorrelation: r4(best.cvCorrelation),
        validCorrelation: r4(correlation(validPred, validTrue)),
        validResidualSd: r4(sd(validPred.map((p, i) => p - validTrue[i]))),
        validValuesSd: r4(sd(validPred)),
        testValuesSd: r4(sd([...test.keys()].map((id) => values[id]))),
      },
      tempoAndChords: {
        trainCorrelation: r4(correlation(trainIds.map((id) => basePred(bandTrain.get(id)!)), yTrain)),
        validCorrelation: r4(correlation(validIds.map((id) => basePred(bandValid.get(id)!)), validTrue)),
      },
      pianistsValidSd: r4(sd(validTrue)),
    },
    null,
    1,
  )}\n`,
);
