// Parameter counts of the decoder-comparison configs (total and PianoTree decoder only).
// Run: npx tsx experiments/decoder-compare/count-params.ts
import path from 'node:path';
import { readdir, readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel, resolveTrainConfig } from '@a2s/model';

await tf.setBackend('cpu');
const names = (await readdir(import.meta.dirname)).filter((f) => f.endsWith('.json') && !f.startsWith('summary') && !f.startsWith('compare')).sort();
for (const name of names.map((f) => f.slice(0, -'.json'.length))) {
  const raw = JSON.parse(await readFile(path.join(import.meta.dirname, `${name}.json`), 'utf8'));
  const cfg = resolveTrainConfig(raw);
  // 128 frames × 88 bins: what the features-dataset-50 batches resolve to (run config.json).
  const model = buildModel({ ...cfg.model, audioFrames: 128, audioBins: 88 }, cfg.seed);
  let dec = 0;
  for (const [k, v] of model.params.vars) if (k.startsWith('ptDec') || k.startsWith('par')) dec += v.size;
  const names = [...model.params.vars.keys()].filter((k) => !k.startsWith('audEnc')).map((k) => k.split('.')[0]);
  console.log(name, 'total', model.params.count(), 'decoder', dec, 'prefixes', [...new Set(names)].join(','));
  model.params.dispose();
}
