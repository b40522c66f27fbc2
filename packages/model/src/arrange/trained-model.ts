import { InputError } from '@a2s/dataset';
import type { StageName } from '../config/train-config.ts';
import type { ArrangeModel, ModelLoader, SegmentInput } from './types.ts';

/** Offset between the seeds of successive arranger calls, so batches do not replay one random stream. */
const SEED_STRIDE = 1_000_003;

/**
 * The default {@link ModelLoader}: the latest checkpoint of `--run` (or of its `--stage`), or `--checkpoint`,
 * through the model package's `loadTrainedModel` / `arrangeSegments`. Imported lazily so that `a2s --help`
 * does not load TensorFlow.js. The inference mode is the checkpoint's own unless `--mode` or `--texture` says
 * otherwise; a mode it was not trained for is refused unless `--force` (see README "Inference modes").
 * Independent windows: call `k` of the arranger samples with seed `seed + k · 1000003` (deterministic for a
 * given batch size). Autoregressive and texture modes decode the whole song through `arrangeSong`.
 */
export const loadTrainedArrangeModel: ModelLoader = async (source) => {
  const { loadTrainedModel, arrangeSegments, arrangeAutoregressive } = await import('../infer/predict.ts');
  const { resolveInferenceMode, readTextureReference, textureRoll } = await import('../infer/modes.ts');
  const { resolveDecoding, describeDecoding } = await import('../infer/decoding.ts');
  const where = source.run ?? source.checkpoint;
  if (where === undefined) throw new Error('loadTrainedArrangeModel: no run folder or checkpoint given');
  const reference = source.texture ? await readTextureReference(source.texture) : null;
  const trained = await loadTrainedModel(where, { stage: source.stage as StageName | undefined });
  if (trained.features.songValues) {
    throw new InputError({ file: trained.checkpointDir, message: "the model's features take a value per song (features.songValues), which a2s arrange cannot supply for a recording" });
  }
  const mode = resolveInferenceMode({ trainedFor: trained.trainedFor, requested: source.mode, texture: reference !== null, force: source.force, what: trained.checkpointDir });
  if (mode !== 'independent' && !trained.model.symEnc) {
    throw new Error(`${trained.checkpointDir}: a ${trained.config.model.variant} model has no score latent, so it cannot decode in ${mode} mode`);
  }
  const decoding = resolveDecoding({ temperature: source.temperature, eosThreshold: source.eosThreshold, chordBass: source.chordBass }, trained.decoding);
  const { temperature, eos, chordBass } = decoding;
  let call = 0;
  const independent = (inputs: SegmentInput[]) =>
    arrangeSegments(trained.model, inputs, { seed: source.seed + SEED_STRIDE * call++, temperature, eos, chordBass });
  const model: ArrangeModel = {
    features: trained.features,
    warnings: trained.warnings,
    decoding: `${describeDecoding(decoding)} (${decoding.source})`,
    arranger: {
      arrange: independent,
      ...(mode === 'independent'
        ? {}
        : {
            arrangeSong: async (inputs: SegmentInput[], starts: readonly number[], onProgress?: (done: number) => void) => {
              if (mode === 'texture') {
                const out = [];
                for (let i = 0; i < inputs.length; i += 16) {
                  const chunk = inputs.slice(i, i + 16).map((x, k) => ({ ...x, pianoRoll: textureRoll(reference!, starts[i + k]) }));
                  out.push(...(await independent(chunk)));
                  onProgress?.(out.length);
                }
                return out;
              }
              // 3b: window k encodes the prediction of the window 4 beats before it (as in training; at a 1-bar hop
              // in 4/4 that is the previous window), else of the window just before it
              const at = new Map(starts.map((s, i) => [s, i]));
              const prev = starts.map((s, i) => at.get(s - 4) ?? i - 1);
              return arrangeAutoregressive(trained.model, inputs, prev, { seed: source.seed, temperature, eos, chordBass, onProgress });
            },
          }),
    },
    dispose: () => trained.model.params.dispose(),
  };
  return model;
};
