import { join, resolve } from 'node:path';
import { createRng, decodeAudioFile, renderMidi, sha256File, writeFileAtomic } from '@a2s/dataset';
import { bootstrapMean } from '../metrics/bootstrap.ts';
import { writeMetricsTable } from '../scoring/metrics-table.ts';
import type { MetricRow, SummaryRow, SystemId } from '../scoring/summarize.ts';
import { notesToMidiBytes } from './notes.ts';
import type { AudioEvalPair } from './pairs.ts';
import {
  ANALYSIS_SAMPLE_RATE,
  AUDIO_METRICS,
  analyzeRecording,
  scoreAgainstRecording,
  type ArrangementScore,
  type MonoAudio,
  type RecordingAnalysis,
} from './score-arrangement.ts';

/** FluidSynth settings for rendering arrangements (the dataset's synth defaults). */
export interface RenderSettings {
  readonly fluidsynth: string;
  readonly soundfont: string;
  /** FluidSynth gain. Default 0.8 (the level does not matter: audio is peak-normalized before analysis). */
  readonly gain?: number;
}

/** One system (one arrangement source) to score. */
export interface AudioEvalSystem {
  readonly id: SystemId;
  readonly pairs: readonly AudioEvalPair[];
}

export interface EvaluateAudioOptions {
  readonly systems: readonly AudioEvalSystem[];
  /** Render each arrangement with FluidSynth (acoustic grand piano); `null`: no rendering-based metrics. */
  readonly render: RenderSettings | null;
  /** Bootstrap seed. Default 0. */
  readonly seed?: number;
  readonly resamples?: number;
  /** Where metrics.arrow and summary.json go; nothing is written when absent. */
  readonly outDir?: string;
  /** Called after each scored song. */
  readonly onSong?: (info: { system: SystemId; song: string; done: number; total: number; seconds: number; audioSec: number }) => void;
}

/** One scored song of one system, as summary.json lists it. */
export interface AudioSongEntry {
  readonly song: string;
  readonly recording: string;
  readonly recordingSha256: string;
  readonly arrangement: string;
  readonly metrics: Record<string, number>;
  readonly details: ArrangementScore['details'];
}

/** summary.json of `a2s eval-audio`: the eval package's summary layout (rows, metrics, config, inputs). */
export interface AudioSummaryFile {
  schemaVersion: 1;
  rows: SummaryRow[];
  metrics: { name: string; higherIsBetter: boolean; description: string; compared: boolean }[];
  config: {
    kind: 'eval-audio';
    seed: number;
    resamples: number;
    level: 0.95;
    analysisSampleRate: number;
    /** What the arrangement-side chords, Qmax and WPD were computed from. */
    arrangementChroma: 'fluidsynth-rendering' | 'notes';
    render: RenderSettings | null;
  };
  inputs: { systems: { system: string; variant: string; seed: number | null; songs: AudioSongEntry[] }[] };
}

export interface AudioEvaluationResult {
  readonly rows: MetricRow[];
  readonly summary: SummaryRow[];
  readonly summaryFile: AudioSummaryFile;
  /** Seconds of recording scored and wall seconds spent (decoding and rendering included). */
  readonly audioSec: number;
  readonly wallSec: number;
}

async function renderArrangement(pair: AudioEvalPair, notes: Awaited<ReturnType<AudioEvalPair['loadNotes']>>, lengthSamples: number, r: RenderSettings): Promise<MonoAudio> {
  if (notes.length === 0) return { samples: new Float32Array(lengthSamples), sampleRate: ANALYSIS_SAMPLE_RATE };
  const samples = await renderMidi(notesToMidiBytes(notes), { fluidsynth: r.fluidsynth, soundfont: r.soundfont, gain: r.gain ?? 0.8, sampleRate: ANALYSIS_SAMPLE_RATE, songId: pair.song });
  return { samples, sampleRate: ANALYSIS_SAMPLE_RATE };
}

/**
 * Per-song rows and the summary (mean over songs with a 95 % percentile-bootstrap CI resampling songs,
 * `createRng(seed).fork(system|variant|seed|metric)`, as `a2s eval`). Metrics undefined for a song are left out.
 */
export function summarizeAudioScores(id: SystemId, scores: ReadonlyMap<string, Record<string, number>>, opts: { seed: number; resamples?: number }): { rows: MetricRow[]; summary: SummaryRow[] } {
  const rows: MetricRow[] = [];
  const summary: SummaryRow[] = [];
  const songs = [...scores.keys()].sort();
  const base = createRng(opts.seed);
  const label = `${id.system}|${id.variant}|${id.seed ?? ''}`;
  for (const info of AUDIO_METRICS) {
    const values: number[] = [];
    for (const song of songs) {
      const v = scores.get(song)![info.name];
      if (v === undefined) continue;
      values.push(v);
      rows.push({ ...id, metric: info.name, song, value: v });
    }
    if (values.length === 0) continue;
    const b = bootstrapMean(values, { rng: base.fork(`${label}|${info.name}`), resamples: opts.resamples });
    summary.push({ system: id.system, variant: id.variant, ...(id.seed === null ? {} : { seed: id.seed }), metric: info.name, mean: b.mean, ciLow: b.ciLow, ciHigh: b.ciHigh, nSongs: b.n });
  }
  return { rows, summary };
}

/**
 * Scores every system's arrangements against their recordings (`scoreArrangement`, FluidSynth rendering when
 * `render` is given) and writes `metrics.arrow` + `summary.json` into `outDir` when given.
 */
export async function evaluateAudioPairs(opts: EvaluateAudioOptions): Promise<AudioEvaluationResult> {
  const started = performance.now();
  const seed = opts.seed ?? 0;
  const resamples = opts.resamples ?? 1000;
  const rows: MetricRow[] = [];
  const summary: SummaryRow[] = [];
  const systems: AudioSummaryFile['inputs']['systems'] = [];
  const total = opts.systems.reduce((s, x) => s + x.pairs.length, 0);
  const recordingHash = new Map<string, string>();
  // Every system is scored against the same recordings: analyse each (recording, beats) once.
  const analyses = new Map<string, RecordingAnalysis>();
  let done = 0;
  let audioSec = 0;
  for (const system of opts.systems) {
    const scores = new Map<string, Record<string, number>>();
    const entries: AudioSongEntry[] = [];
    for (const pair of system.pairs) {
      const t0 = performance.now();
      const b = pair.beatTimesSec;
      const key = `${resolve(pair.recordingPath)}|${b ? `${b.length}|${b[0]}|${b[b.length - 1]}` : 'tracked'}`;
      let analysis = analyses.get(key);
      if (!analysis) {
        analysis = analyzeRecording(await decodeAudioFile(pair.recordingPath), b);
        analyses.set(key, analysis);
      }
      const notes = await pair.loadNotes();
      const lengthSamples = Math.round(analysis.durationSec * ANALYSIS_SAMPLE_RATE);
      const rendering = opts.render ? await renderArrangement(pair, notes, lengthSamples, opts.render) : null;
      const score = scoreAgainstRecording(analysis, notes, rendering);
      scores.set(pair.song, score.metrics);
      if (!recordingHash.has(pair.recordingPath)) recordingHash.set(pair.recordingPath, await sha256File(pair.recordingPath));
      entries.push({
        song: pair.song,
        recording: resolve(pair.recordingPath),
        recordingSha256: recordingHash.get(pair.recordingPath)!,
        arrangement: pair.arrangementSource,
        metrics: score.metrics,
        details: score.details,
      });
      audioSec += analysis.durationSec;
      opts.onSong?.({ system: system.id, song: pair.song, done: ++done, total, seconds: (performance.now() - t0) / 1000, audioSec: analysis.durationSec });
    }
    const s = summarizeAudioScores(system.id, scores, { seed, resamples });
    rows.push(...s.rows);
    summary.push(...s.summary);
    systems.push({ ...system.id, songs: entries });
  }
  const summaryFile: AudioSummaryFile = {
    schemaVersion: 1,
    rows: summary,
    metrics: AUDIO_METRICS.map(({ name, higherIsBetter, description, compared }) => ({ name, higherIsBetter, description, compared })),
    config: {
      kind: 'eval-audio',
      seed,
      resamples,
      level: 0.95,
      analysisSampleRate: ANALYSIS_SAMPLE_RATE,
      arrangementChroma: opts.render ? 'fluidsynth-rendering' : 'notes',
      render: opts.render,
    },
    inputs: { systems },
  };
  if (opts.outDir) {
    await writeMetricsTable(join(opts.outDir, 'metrics.arrow'), rows);
    await writeFileAtomic(join(opts.outDir, 'summary.json'), `${JSON.stringify(summaryFile, null, 2)}\n`);
  }
  return { rows, summary, summaryFile, audioSec, wallSec: (performance.now() - started) / 1000 };
}
