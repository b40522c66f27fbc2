import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { InputError } from '@a2s/dataset';
import { refText as systemRefText } from '@a2s/eval';
import { htmlEscape } from '../tables/results-table.ts';

const RefSchema = z.object({ system: z.string(), variant: z.string(), seed: z.number().int().optional() });

const RowSchema = z.object({
  metric: z.string(),
  higherIsBetter: z.boolean(),
  nSongs: z.number().int(),
  seeds: z.object({ baseline: z.number().int(), candidate: z.number().int() }).optional(),
  baseline: z.number(),
  candidate: z.number(),
  diff: z.number(),
  ciLow: z.number(),
  ciHigh: z.number(),
  verdict: z.enum(['better', 'no worse', 'worse', 'inconclusive']),
});

/** The JSON `a2s compare --out` writes (schema version 1). */
const ComparisonFileSchema = z.object({
  schemaVersion: z.literal(1),
  baseline: RefSchema,
  options: z.object({ margin: z.number(), level: z.number().optional(), resamples: z.number().optional(), seed: z.number().optional() }),
  comparisons: z.array(z.object({ candidate: RefSchema, rows: z.array(RowSchema).min(1) })).min(1),
});

export type ComparisonFile = z.infer<typeof ComparisonFileSchema> & { readonly file: string };
type Ref = z.infer<typeof RefSchema>;
type Row = z.infer<typeof RowSchema>;

/** Reads a comparison JSON of `a2s compare --out`; anything else is an InputError naming the file. */
export async function readComparisonFile(file: string): Promise<ComparisonFile> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new InputError({ file, message: `cannot read comparison JSON (${(err as Error).message})`, cause: err });
  }
  const parsed = ComparisonFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError({ file, message: `not an a2s compare result of schema version 1 (${issue.path.join('.') || 'top level'}: ${issue.message}); write one with a2s compare --out` });
  }
  return { ...parsed.data, file };
}

const refText = (r: Ref, seeds?: number) => `${systemRefText(r)}${seeds !== undefined && seeds > 1 ? ` (${seeds} seeds)` : ''}`;

const MARK: Record<Row['verdict'], string> = { better: '▲', worse: '▼', 'no worse': '≈', inconclusive: '?' };

/** The caption under every ablation table. */
export function comparisonCaption(c: ComparisonFile): string {
  const level = Math.round((c.options.level ?? 0.95) * 100);
  return (
    `Each cell: mean over test songs of the paired difference candidate − ${refText(c.baseline)} (sign flipped for lower-is-better metrics, ` +
    `so positive = the candidate is better) and its ${level} % bootstrap CI over songs; ▲ better (CI above 0), ▼ worse (CI below 0), ` +
    `≈ no worse (CI within the margin ${c.options.margin}), ? inconclusive. Several seeds: each song's value is the mean over the seeds.`
  );
}

interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function table(c: ComparisonFile, decimals: number): Table {
  const f = (x: number) => x.toFixed(decimals);
  const signed = (x: number) => `${x >= 0 ? '+' : '−'}${f(Math.abs(x))}`;
  const metrics: string[] = [];
  for (const cmp of c.comparisons) for (const r of cmp.rows) if (!metrics.includes(r.metric)) metrics.push(r.metric);
  const baseSeeds = c.comparisons[0]!.rows[0]!.seeds?.baseline;
  const header = ['metric', refText(c.baseline, baseSeeds), ...c.comparisons.map((cmp) => refText(cmp.candidate, cmp.rows[0]!.seeds?.candidate))];
  const rows = metrics.map((m) => {
    const found = c.comparisons.map((cmp) => cmp.rows.find((r) => r.metric === m));
    const base = found.find((r) => r !== undefined)!;
    return [
      `${m} ${base.higherIsBetter ? '↑' : '↓'}`,
      f(base.baseline),
      ...found.map((r) => (r === undefined ? '—' : `${signed(r.diff)} [${signed(r.ciLow)}, ${signed(r.ciHigh)}] ${MARK[r.verdict]}`)),
    ];
  });
  const count = (cmp: ComparisonFile['comparisons'][number]) => {
    const n = (v: Row['verdict']) => cmp.rows.filter((r) => r.verdict === v).length;
    return `${n('better')} ▲ / ${n('no worse')} ≈ / ${n('inconclusive')} ? / ${n('worse')} ▼`;
  };
  rows.push(['verdicts', '', ...c.comparisons.map(count)]);
  return { title: `Against ${refText(c.baseline, baseSeeds)} (${basename(c.file)})`, header, rows };
}

/** Every comparison file as a paper-style table: one row per metric, one column per candidate. */
export function comparisonsMarkdown(files: readonly ComparisonFile[], decimals = 3): string {
  return files
    .map((c) => {
      const t = table(c, decimals);
      const esc = (s: string) => s.replaceAll('|', '\\|');
      return [
        `### ${t.title}`,
        '',
        `| ${t.header.map(esc).join(' | ')} |`,
        `| ${t.header.map(() => '---').join(' | ')} |`,
        ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
        '',
        comparisonCaption(c),
        '',
      ].join('\n');
    })
    .join('\n');
}

/** The report's "Paired comparisons" section; '' when there are none. */
export function comparisonsHtml(files: readonly ComparisonFile[], decimals = 3): string {
  if (files.length === 0) return '';
  const parts = ['<section id="comparisons"><h2>Paired comparisons</h2>'];
  for (const c of files) {
    const t = table(c, decimals);
    parts.push(
      `<h3>${htmlEscape(t.title)}</h3>`,
      `<table class="comparison"><thead><tr>${t.header.map((h) => `<th>${htmlEscape(h)}</th>`).join('')}</tr></thead><tbody>`,
      ...t.rows.map((r) => `<tr>${r.map((x) => `<td>${htmlEscape(x)}</td>`).join('')}</tr>`),
      '</tbody></table>',
      `<p>${htmlEscape(comparisonCaption(c))}</p>`,
    );
  }
  parts.push('<p class="files"><a href="comparisons.md">Markdown</a></p>', '</section>');
  return parts.join('\n');
}
