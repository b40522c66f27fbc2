/**
 * Exports a checkpoint's weights alone (no Adam moments, so a third of the size) as a checkpoint folder that
 * `loadTrainedModel` reads: what `a2s arrange` ships as its bundled default model.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError, sha256, writeFileAtomic } from '@a2s/dataset';
import { loadCheckpoint, packTensors, type CheckpointHeader, type ModelDecoding } from './checkpoint.ts';
import { stageLineage, type StageName } from '../config/train-config.ts';
import { readJsonl } from './jsonl.ts';

export interface ExportedModelInfo {
  /** The exported folder (holds header.json, tensors.bin, model-card.json). */
  dir: string;
  parameters: number;
  bytes: number;
  tensorsSha256: string;
}

/** Provenance written beside the weights as `model-card.json`. */
export interface ModelCard {
  source: { checkpoint: string; position: CheckpointHeader['position']; manifestSha256: string | null; backend: string };
  trainingData: string;
  reproduce: string;
  parameters: number;
  tensorsSha256: string;
  /**
   * What training did, read from the run folder's log.jsonl and validation.jsonl for the exported stage and
   * the stages it started from (absent when the checkpoint is not inside a run folder with a log).
   */
  training?: {
    stages: { stage: StageName; steps: number; trainSeconds: number; segments: number }[];
    steps: number;
    trainSeconds: number;
    validation: { stage: StageName; step: number; globalStep: number; loss: number; onsetF1: number; best: boolean }[];
  };
  /** Test results supplied at export (`--results file.json`), embedded as given. */
  results?: unknown;
  /** The recommended decoding, also in header.json where a2s predict and a2s arrange read it. */
  decoding?: ModelDecoding;
}

/** What header.json keeps of a recommended decoding: the rule, without the test results the model card also holds. */
function decodingRule({ testResults: _results, ...rule }: ModelDecoding): ModelDecoding {
  return rule;
}

/** The training summary of the checkpoint's lineage from its run folder (`<run>/checkpoints/<name>`), or undefined. */
async function trainingSummary(checkpointDir: string, header: CheckpointHeader): Promise<ModelCard['training']> {
  const runDir = path.dirname(path.dirname(checkpointDir));
  const log = await readJsonl<{ stage: StageName; step: number; globalStep: number; timeSec: number; segmentsPerSec: number }>(path.join(runDir, 'log.jsonl'));
  if (log.length === 0) return undefined;
  const index = header.config.stages.findIndex((s) => s.name === header.position.stage);
  const lineage = index >= 0 ? stageLineage(header.config.stages, index) : [header.position.stage];
  const stages = lineage.map((stage) => {
    const lines = log.filter((e) => e.stage === stage && (stage !== header.position.stage || e.step <= header.position.stepInStage));
    return {
      stage,
      steps: lines.length,
      trainSeconds: Math.round(lines.reduce((t, e) => t + e.timeSec, 0)),
      segments: Math.round(lines.reduce((n, e) => n + e.segmentsPerSec * e.timeSec, 0)),
    };
  });
  const validation = (await readJsonl<{ stage: StageName; step: number; globalStep: number; loss: number; metrics: { onsetF1: number }; best: boolean }>(path.join(runDir, 'validation.jsonl')))
    .filter((e) => lineage.includes(e.stage))
    .map((e) => ({ stage: e.stage, step: e.step, globalStep: e.globalStep, loss: e.loss, onsetF1: e.metrics.onsetF1, best: e.best }));
  return {
    stages,
    steps: stages.reduce((n, s) => n + s.steps, 0),
    trainSeconds: stages.reduce((n, s) => n + s.trainSeconds, 0),
    validation,
  };
}

/**
 * Writes the `param:` tensors of the checkpoint at `from` (a checkpoint folder or a run folder) into `outDir`,
 * replacing it atomically (temporary folder, then rename).
 */
export async function exportWeights(opts: { from: string; outDir: string; trainingData: string; reproduce: string; results?: unknown; decoding?: ModelDecoding }): Promise<ExportedModelInfo> {
  const ck = await loadCheckpoint(opts.from);
  const params = [...ck.values].filter(([name]) => name.startsWith('param:'));
  const { index: tensors, bin } = packTensors(params);
  const parameters = params.reduce((n, [, v]) => n + v.data.length, 0);
  const tensorsSha256 = sha256(bin);
  const header: CheckpointHeader = { ...ck.header, adamStep: 0, createdAt: ck.header.createdAt, ...(opts.decoding ? { decoding: decodingRule(opts.decoding) } : {}), tensors };
  const card: ModelCard = {
    source: {
      checkpoint: path.basename(ck.dir),
      position: ck.header.position,
      manifestSha256: ck.header.manifestSha256,
      backend: ck.header.backend,
    },
    trainingData: opts.trainingData,
    reproduce: opts.reproduce,
    parameters,
    tensorsSha256,
  };
  const training = await trainingSummary(ck.dir, ck.header);
  if (training) card.training = training;
  if (opts.results !== undefined) card.results = opts.results;
  if (opts.decoding) card.decoding = opts.decoding;
  else if (header.decoding) card.decoding = header.decoding;
  const outDir = path.resolve(opts.outDir);
  const tmp = `${outDir}.tmp-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  await fs.writeFile(path.join(tmp, 'tensors.bin'), bin);
  await fs.writeFile(path.join(tmp, 'header.json'), `${JSON.stringify(header, null, 1)}\n`);
  await writeFileAtomic(path.join(tmp, 'model-card.json'), `${JSON.stringify(card, null, 2)}\n`);
  await fs.rm(outDir, { recursive: true, force: true });
  await fs.rename(tmp, outDir);
  return { dir: outDir, parameters, bytes: bin.byteLength, tensorsSha256 };
}

/**
 * Sets the recommended decoding of an exported model (header.json, where a2s predict and a2s arrange read it,
 * and model-card.json), each file replaced atomically; the weights are untouched. For a model exported before
 * its decoding was chosen (a decoding calibration on its validation split).
 */
export async function setModelDecoding(dir: string, decoding: ModelDecoding): Promise<void> {
  const read = async (name: string): Promise<Record<string, unknown>> => {
    const file = path.join(dir, name);
    try {
      return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new InputError({ file, message: `cannot read an exported model's ${name}: ${(err as Error).message}`, cause: err });
    }
  };
  const header = await read('header.json');
  const card = await read('model-card.json');
  if (header.format !== 'a2s-checkpoint') throw new InputError({ file: path.join(dir, 'header.json'), message: 'not an a2s checkpoint header' });
  await writeFileAtomic(path.join(dir, 'header.json'), `${JSON.stringify({ ...header, decoding: decodingRule(decoding) }, null, 1)}\n`);
  await writeFileAtomic(path.join(dir, 'model-card.json'), `${JSON.stringify({ ...card, decoding }, null, 2)}\n`);
}
