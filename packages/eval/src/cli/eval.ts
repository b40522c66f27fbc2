import { InvalidArgumentError, type Command } from 'commander';
import { formatSummaryTable } from '../scoring/summarize.ts';

export const SPLITS = ['train', 'valid', 'test'] as const;

export function parseSplit(value: string): (typeof SPLITS)[number] {
  if (!(SPLITS as readonly string[]).includes(value)) throw new InvalidArgumentError(`split must be one of ${SPLITS.join(', ')}`);
  return value as (typeof SPLITS)[number];
}

export function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

/** Commander accumulator for a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `a2s eval`: scores prediction folders against a manifest split. */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('Score prediction folders (predictions.json + shards/) against the reference segments of a split')
    .requiredOption('--predictions <dir>', 'prediction folder (repeat for several systems)', collect)
    .requiredOption('--manifest <file>', 'dataset manifest.json')
    .option('--split <split>', 'split to score', parseSplit, 'test')
    .option('--out <dir>', 'write metrics.arrow and summary.json here')
    .option('--seed <n>', 'bootstrap seed', parseInteger, 0)
    .option('--resamples <n>', 'bootstrap resamples', parseInteger, 1000)
    .action(async (o: { predictions: string[]; manifest: string; split: (typeof SPLITS)[number]; out?: string; seed: number; resamples: number }) => {
      const started = performance.now();
      // Loaded on use: keeps `a2s --help` fast and independent of the shard reader.
      const { evaluatePredictionFolders } = await import('../scoring/evaluate.ts');
      const res = await evaluatePredictionFolders({
        predictionDirs: o.predictions,
        manifestPath: o.manifest,
        split: o.split,
        seed: o.seed,
        resamples: o.resamples,
        outDir: o.out,
      });
      process.stdout.write(`${formatSummaryTable(res.summary)}\n`);
      for (const c of res.coverage) {
        if (c.missing > 0 || c.extra > 0) {
          process.stderr.write(`warning: ${c.system}/${c.variant}: ${c.missing} reference segments without prediction (scored as empty), ${c.extra} predictions without reference\n`);
        }
      }
      const songs = Math.max(0, ...res.coverage.map((c) => c.songs));
      process.stderr.write(`scored ${res.coverage.length} system(s) × ${songs} songs in ${((performance.now() - started) / 1000).toFixed(1)} s${o.out ? `; wrote ${o.out}/metrics.arrow and summary.json` : ''}\n`);
    });
}
