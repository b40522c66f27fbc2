import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { InputError, sha256File, writeFileAtomic } from '@a2s/dataset';
import { collect, parseInteger } from './eval.ts';

function parseMargin(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

/** `a2s compare`: paired, per-song comparison of systems already scored by `a2s eval`. */
export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      'Paired comparison of scored systems (from a2s eval\'s metrics.arrow): per metric the mean candidate − baseline difference over songs, ' +
        'a bootstrap CI over songs, and a verdict (better / no worse within --margin / inconclusive / worse)',
    )
    .requiredOption('--metrics <path>', 'metrics.arrow, or the a2s eval --out folder holding it')
    .requiredOption('--baseline <system/variant>', 'the reference system: system/variant (several seeds: each song averaged over them) or system/variant/seed')
    .requiredOption('--candidate <system/variant>', 'a system to compare with it (repeat for several)', collect)
    .option('--margin <x>', 'non-inferiority margin in metric units', parseMargin, 0.02)
    .option('--seed <n>', 'bootstrap seed', parseInteger, 0)
    .option('--resamples <n>', 'bootstrap resamples', parseInteger, 1000)
    .option('--out <file>', 'also write the comparison as JSON')
    .action(async (o: { metrics: string; baseline: string; candidate: string[]; margin: number; seed: number; resamples: number; out?: string }) => {
      const { readMetricsTable } = await import('../scoring/metrics-table.ts');
      const { compareSystems, comparisonMarkdown, parseSystemRef, verdictLine } = await import('../scoring/compare.ts');
      const file = await stat(o.metrics)
        .then((s) => (s.isDirectory() ? join(o.metrics, 'metrics.arrow') : o.metrics))
        .catch(() => {
          throw new InputError({ file: o.metrics, message: 'no such file or folder (pass a2s eval\'s metrics.arrow or its --out folder)' });
        });
      const rows = await readMetricsTable(file).catch((e: unknown) => {
        throw new InputError({ file, message: `cannot read the metrics table (${e instanceof Error ? e.message : String(e)})` });
      });
      const baseline = parseSystemRef(o.baseline);
      const opts = { seed: o.seed, resamples: o.resamples, margin: o.margin };
      const results = o.candidate.map((c) => {
        const candidate = parseSystemRef(c);
        return { candidate, rows: compareSystems(rows, baseline, candidate, opts, file) };
      });
      for (const r of results) {
        process.stdout.write(`${comparisonMarkdown(baseline, r.candidate, r.rows)}\n\n${verdictLine(baseline, r.candidate, r.rows, o.margin)}\n\n`);
      }
      if (o.out) {
        const json = {
          schemaVersion: 1,
          metrics: { path: file, sha256: await sha256File(file) },
          baseline,
          options: { ...opts, level: 0.95 },
          comparisons: results,
        };
        await writeFileAtomic(o.out, JSON.stringify(json, null, 2) + '\n');
        process.stderr.write(`wrote ${o.out}\n`);
      }
    });
}
