import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError, stableStringify, writeFileAtomic, type Note } from '@a2s/dataset';
import { ReportOptionsSchema, type ReportOptions, type ReportOptionsInput } from '../config.ts';
import { ablationFigure } from '../figures/ablation.ts';
import { datasetFigures } from '../figures/dataset.ts';
import type { Figure } from '../figures/figure.ts';
import { metricBarsFigure } from '../figures/metric-bars.ts';
import { songDistributionFigure } from '../figures/song-distribution.ts';
import { pianoRollFigure, segmentLabel } from '../figures/piano-roll.ts';
import { trainingCurvesFigure } from '../figures/training-curves.ts';
import { learningCurveFigure } from '../figures/learning-curve.ts';
import type { ReadManifest, ReadSegments, ReadShard } from '../inputs/dataset-access.ts';
import { computeDatasetStats, isDatasetStatsJson, readDatasetStatsJson, type DatasetStats } from '../inputs/dataset-stats.ts';
import { DEFAULT_VARIANT, readEvalDir, type SummaryRow } from '../inputs/eval-results.ts';
import { resolveMetricInfo } from '../inputs/metric-info.ts';
import { readPredictionFolder, type SegmentNotes } from '../inputs/predictions.ts';
import { readTrainingRun } from '../inputs/training-log.ts';
import { trainingHtml, trainingMarkdown } from './training-section.ts';
import { toCsv } from '../render/csv.ts';
import { renderSvg, svgToPng } from '../render/render.ts';
import { leakageHtml, leakageMarkdown, readLeakageFile } from './leakage.ts';
import { audioEvalSection } from './eval-audio.ts';
import { buildResultsTable, htmlEscape, resultsToHtml, resultsToLatex, resultsToMarkdown, type ResultsTable } from '../tables/results-table.ts';
import { canSynthesize, renderClipsToWav } from './audio.ts';
import { loadVegaRuntime, renderHtmlPage, type AudioClip } from './html.ts';
import { selectComparison } from './comparison.ts';
import { comparisonsHtml, comparisonsMarkdown, readComparisonFile } from './comparisons.ts';
import { engraveOpenings, scoresHtml, selectOpenings } from './scores.ts';

export interface BuildReportInput {
  /** Eval output folder (summary.json, optional metrics.arrow). */
  readonly evalDir: string;
  /** Training run folders (each with log.jsonl). */
  readonly runDirs?: readonly string[];
  /** Dataset manifest.json, or a precomputed dataset-stats JSON. */
  readonly manifest?: string;
  /** Prediction folders (predictions.json + shards/*.arrow), one per system. */
  readonly predictionDirs?: readonly string[];
  /** Leakage results (`leakage.json` of `a2s leakage`), shown in the dataset section and written to leakage.md. */
  readonly leakage?: readonly string[];
  /** An `a2s eval-audio` output folder: metrics against the recording, for every system on every song. */
  readonly evalAudioDir?: string;
  /** `a2s compare --out` JSON files: paper-style ablation tables (comparisons.md and a section of the page). */
  readonly comparisons?: readonly string[];
  /** Report folder; created if missing. */
  readonly outDir: string;
  readonly options?: ReportOptionsInput;
  /** Readers of the dataset package, replaceable in tests. */
  readonly io?: { readonly readShard?: ReadShard; readonly readManifest?: ReadManifest; readonly readSegments?: ReadSegments };
}

export interface BuildReportResult {
  readonly outDir: string;
  /** Files written, relative to outDir, sorted. */
  readonly files: readonly string[];
  readonly figures: readonly string[];
  readonly table: ResultsTable;
  /** Things left out, e.g. audio when FluidSynth is missing. */
  readonly warnings: readonly string[];
}

/** Results caption shared by the HTML page and README snippet. */
export const RESULTS_CAPTION =
  'Mean ± half-width of the 95 % confidence interval over test songs; best per column in bold; ↑ higher is better, ↓ lower is better.';

/** Rows of the main table: each system's default variant when it has one, all its variants otherwise. */
export function mainTableRows(rows: readonly SummaryRow[]): SummaryRow[] {
  const hasDefault = new Set(rows.filter((r) => r.variant === DEFAULT_VARIANT).map((r) => r.system));
  return rows.filter((r) => !hasDefault.has(r.system) || r.variant === DEFAULT_VARIANT);
}

function resultsCsv(t: ResultsTable): string {
  const rows = t.systems.flatMap((s, i) =>
    t.metrics.flatMap((metric, j) => {
      const c = t.cells[i]![j];
      if (c === null || c === undefined) return [];
      return [{ system: s.system, variant: s.variant, metric, mean: c.mean, ciLow: c.ciLow, ciHigh: c.ciHigh, nSongs: c.nSongs, best: c.best }];
    }),
  );
  return toCsv(rows, ['system', 'variant', 'metric', 'mean', 'ciLow', 'ciHigh', 'nSongs', 'best']);
}

async function loadDatasetStats(manifest: string, io: BuildReportInput['io']): Promise<DatasetStats> {
  if (await isDatasetStatsJson(manifest)) return readDatasetStatsJson(manifest);
  return computeDatasetStats(manifest, { readManifest: io?.readManifest, readSegments: io?.readSegments });
}

/**
 * Builds the report folder: index.html (self-contained), results.md/.tex/.csv, figures/<id>.{svg,png,csv,vl.json},
 * training.md when runs were given, audio/*.wav and dataset-stats.json when a manifest was given. Equal inputs and options give equal bytes.
 */
export async function buildReport(input: BuildReportInput): Promise<BuildReportResult> {
  const opts: ReportOptions = ReportOptionsSchema.parse(input.options ?? {});
  const outDir = resolve(input.outDir);
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  const warnings: string[] = [];
  const write = async (rel: string, data: string | Uint8Array) => {
    await writeFileAtomic(join(outDir, rel), data);
    files.push(rel);
  };

  const evalResults = await readEvalDir(input.evalDir);
  const rows = evalResults.summary.rows;
  if (rows.length === 0) throw new InputError({ file: join(input.evalDir, 'summary.json'), message: 'summary has no rows' });
  const info = await resolveMetricInfo(evalResults.summary);
  if (info.source === 'none') {
    warnings.push(`metric directions unknown (${info.error ?? 'no metric list'}): metrics not in lowerIsBetter count as higher-is-better`);
  }
  const present = new Set(rows.map((r) => r.metric));
  const metricInfo = info.metrics.filter((m) => present.has(m.name));
  const lowerIsBetter = [...new Set([...opts.lowerIsBetter, ...metricInfo.filter((m) => !m.higherIsBetter).map((m) => m.name)])].sort();
  const metricOrder = opts.metricOrder.length > 0 ? opts.metricOrder : metricInfo.map((m) => m.name);
  const tableOpts = { lowerIsBetter, metricOrder, systemOrder: opts.systemOrder, decimals: opts.decimals };
  const table = buildResultsTable(mainTableRows(rows), tableOpts);
  await write('results.md', resultsToMarkdown(table));
  await write('results.tex', resultsToLatex(table));
  await write('results.csv', resultsCsv(table));

  const figures: Figure[] = [metricBarsFigure(table)];
  const perSong = evalResults.metrics === null ? null : songDistributionFigure(evalResults.metrics, table);
  if (perSong !== null) figures.push(perSong);
  const ablation = ablationFigure(rows, tableOpts);
  if (ablation !== null) figures.push(ablation);

  const runs = await Promise.all([...(input.runDirs ?? [])].map((d) => readTrainingRun(d)));
  runs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const trainingRuns = runs.map((run) => {
    warnings.push(...run.warnings);
    const curves = [trainingCurvesFigure(run, { maxPoints: opts.maxCurvePoints })];
    const learning = learningCurveFigure(run, { maxPoints: opts.maxCurvePoints, window: opts.learningCurveWindow });
    if (learning !== null) curves.push(learning);
    figures.push(...curves);
    return { run, figures: curves };
  });
  if (runs.length > 0) await write('training.md', trainingMarkdown(trainingRuns));

  if (input.manifest !== undefined) {
    const stats = await loadDatasetStats(input.manifest, input.io);
    await write('dataset-stats.json', `${JSON.stringify(stats, null, 2)}\n`);
    figures.push(...datasetFigures(stats));
  }

  const leakage = await Promise.all([...(input.leakage ?? [])].map((f) => readLeakageFile(f)));
  if (leakage.length > 0) await write('leakage.md', leakageMarkdown(leakage));

  const audioEval = input.evalAudioDir === undefined ? null : await audioEvalSection(input.evalAudioDir, opts.decimals);
  if (audioEval !== null) {
    await write('eval-audio.md', audioEval.markdown);
    await write('eval-audio.csv', audioEval.csv);
  }

  const comparisons = await Promise.all([...(input.comparisons ?? [])].map((f) => readComparisonFile(f)));
  if (comparisons.length > 0) await write('comparisons.md', comparisonsMarkdown(comparisons, opts.decimals));

  let audio: AudioClip[] = [];
  let scoresSection = '';
  if ((input.predictionDirs ?? []).length > 0) {
    const sets = [];
    for (const d of input.predictionDirs!) sets.push(await readPredictionFolder(d, { readShard: input.io?.readShard }));
    const comparison = await selectComparison(sets, {
      manifest: input.manifest !== undefined && !(await isDatasetStatsJson(input.manifest)) ? input.manifest : undefined,
      count: opts.pianoRollSegments,
      systemOrder: opts.systemOrder,
      groundTruthTracks: opts.groundTruthTracks,
      readSegments: input.io?.readSegments,
    });
    figures.push(pianoRollFigure(comparison.rolls, { systemOrder: comparison.systems }));
    const openings = selectOpenings(comparison, { songs: opts.scoreSongs, bars: opts.scoreBars });
    const excerpts = await engraveOpenings(openings, {
      fileName: (songId, system) => `scores/${fileSafe(`song-${songId}-${system}`)}.svg`,
    });
    for (const e of excerpts) if (e.file !== null && e.svg !== null) await write(e.file, e.svg);
    scoresSection = scoresHtml(excerpts, openings, comparison.systems);
    if (opts.audioSegments > 0) {
      const synth = { fluidsynth: opts.fluidsynth, soundFont: opts.soundFont };
      if (await canSynthesize(synth)) {
        const clips: { segment: SegmentNotes; system: string; notes: readonly Note[] }[] = [];
        for (const seg of comparison.segments.slice(0, opts.audioSegments)) {
          for (const system of comparison.systems) {
            const roll = comparison.rolls.find((r) => r.system === system && r.songId === seg.songId && r.startBeat === seg.startBeat);
            if (roll !== undefined) clips.push({ segment: seg, system, notes: roll.notes });
          }
        }
        const wavs = await renderClipsToWav(
          clips.map((c) => ({ notes: c.notes, beatTimesSec: c.segment.beatTimesSec })),
          synth,
        );
        audio = [];
        for (let i = 0; i < clips.length; i++) {
          const { segment: seg, system } = clips[i]!;
          const file = `audio/${fileSafe(`${seg.songId}-${seg.startBeat}-${system}`)}.wav`;
          await write(file, wavs[i]!);
          audio.push({ segment: segmentLabel(seg), system, wav: wavs[i]!, file });
        }
      } else {
        warnings.push(`audio previews skipped: ${opts.fluidsynth} or ${opts.soundFont} not available`);
      }
    }
  }

  const stemOf = (f: Figure) => `figures/${f.id}`;
  for (const f of figures) {
    const svg = await renderSvg(f.spec);
    await write(`${stemOf(f)}.svg`, svg);
    await write(`${stemOf(f)}.png`, await svgToPng(svg, { fontFile: opts.fontFile, scale: opts.pngScale }));
    await write(`${stemOf(f)}.csv`, toCsv(f.data, f.columns));
    await write(`${stemOf(f)}.vl.json`, `${JSON.stringify(JSON.parse(stableStringify(f.spec)), null, 2)}\n`);
  }

  const html = renderHtmlPage(
    {
      title: opts.title,
      resultsTableHtml: resultsToHtml(table) + metricDefinitionsHtml(table.metrics, metricInfo) + (audioEval?.html ?? ''),
      resultsCaption: RESULTS_CAPTION,
      figures,
      figureStem: stemOf,
      audio,
      notes: warnings,
      datasetHtml: leakageHtml(leakage),
      comparisonsHtml: comparisonsHtml(comparisons, opts.decimals),
      scoresHtml: scoresSection,
      training: runs.length > 0 ? { figureIds: trainingRuns.flatMap((r) => r.figures.map((f) => f.id)), html: trainingHtml(trainingRuns) } : undefined,
    },
    await loadVegaRuntime(),
  );
  await write('index.html', html);
  files.sort();
  return { outDir, files, figures: figures.map((f) => f.id), table, warnings };
}

function metricDefinitionsHtml(metrics: readonly string[], info: readonly { name: string; description: string }[]): string {
  const items = metrics
    .map((m) => info.find((i) => i.name === m))
    .filter((i): i is { name: string; description: string } => i !== undefined && i.description !== '')
    .map((i) => `<dt>${htmlEscape(i.name)}</dt><dd>${htmlEscape(i.description)}</dd>`);
  return items.length === 0 ? '' : `<dl class="metrics">\n${items.join('\n')}\n</dl>\n`;
}

/** A file name made of letters, digits, '.', '_' and '-' only. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}
