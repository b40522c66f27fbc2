import { readFile } from 'node:fs/promises';
import { InputError } from '@a2s/dataset';
import { Command } from 'commander';
import { ReportOptionsSchema, type ReportOptionsInput } from '../config.ts';
import { buildReport } from '../report/build-report.ts';

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

interface ReportCliOptions {
  eval: string;
  runs: string[];
  manifest?: string;
  predictions: string[];
  leakage: string[];
  evalAudio?: string;
  compare: string[];
  out: string;
  config?: string;
  lowerIsBetter?: string[];
  audioSegments?: string;
  rollSegments?: string;
  title?: string;
}

/** `a2s report`: builds the report folder from eval results, training logs, a manifest and prediction folders. */
export function reportCommand(): Command {
  return new Command('report')
    .description('Build the results report: HTML page, figures (SVG/PNG/CSV), results.md and results.tex')
    .requiredOption('--eval <dir>', 'eval output folder (summary.json, metrics.arrow)')
    .option('--runs <dir...>', 'training run folders with log.jsonl (and validation.jsonl, when present: a learning-curve figure)', [] as string[])
    .option('--manifest <file>', 'dataset manifest.json, or a dataset-stats.json written by an earlier report')
    .option('--predictions <dir...>', 'prediction folders (predictions.json + shards/), one per system', [] as string[])
    .option('--leakage <file...>', 'leakage.json files of a2s leakage (one per dataset), shown in the dataset section and leakage.md', [] as string[])
    .option('--eval-audio <dir>', 'a2s eval-audio output folder: metrics against the recording, every system on every song (eval-audio.md)')
    .option('--compare <file...>', 'a2s compare --out JSON files: paper-style ablation tables with CIs (comparisons.md and the page)', [] as string[])
    .requiredOption('--out <dir>', 'report folder to write')
    .option('--config <file>', 'report options JSON (see ReportOptionsSchema)')
    .option('--lower-is-better <metrics>', 'comma-separated metrics where lower is better', list)
    .option('--audio-segments <n>', 'segments rendered to audio (0: none)')
    .option('--roll-segments <n>', 'segments in the piano-roll comparison')
    .option('--title <text>', 'title of the HTML page')
    .action(async (o: ReportCliOptions) => {
      let options: Record<string, unknown> = {};
      if (o.config !== undefined) {
        try {
          options = JSON.parse(await readFile(o.config, 'utf8')) as Record<string, unknown>;
        } catch (err) {
          throw new InputError({ file: o.config, message: `cannot read report config: ${(err as Error).message}` });
        }
      }
      if (o.lowerIsBetter !== undefined) options.lowerIsBetter = o.lowerIsBetter;
      if (o.audioSegments !== undefined) options.audioSegments = Number(o.audioSegments);
      if (o.rollSegments !== undefined) options.pianoRollSegments = Number(o.rollSegments);
      if (o.title !== undefined) options.title = o.title;
      const parsed = ReportOptionsSchema.safeParse(options);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError({ file: o.config ?? 'command line', message: `invalid report option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}` });
      }
      const result = await buildReport({
        evalDir: o.eval,
        runDirs: o.runs,
        manifest: o.manifest,
        predictionDirs: o.predictions,
        leakage: o.leakage,
        evalAudioDir: o.evalAudio,
        comparisons: o.compare,
        outDir: o.out,
        options: parsed.data as ReportOptionsInput,
      });
      for (const w of result.warnings) process.stderr.write(`a2s report: ${w}\n`);
      process.stdout.write(`report: ${result.files.length} files, ${result.figures.length} figures in ${result.outDir} (open index.html)\n`);
    });
}
