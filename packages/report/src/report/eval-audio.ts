import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readEvalDir, type MetricRow } from '../inputs/eval-results.ts';
import { toCsv } from '../render/csv.ts';
import { buildResultsTable, htmlEscape, resultsToHtml, resultsToMarkdown, type ResultsTable } from '../tables/results-table.ts';

/** The "against the recording" section: tables of an `a2s eval-audio` output folder. */
export interface AudioEvalSection {
  readonly markdown: string;
  readonly html: string;
  /** Per-song values: system, variant, song, metric, value. */
  readonly csv: string;
}

export const AUDIO_EVAL_CAPTION =
  'Against the recording (a2s eval-audio): each arrangement judged against its song’s audio only, no ground-truth score — ' +
  'the measures that also exist for a real recording. Mean ± half-width of the 95 % CI over songs; ↑/↓ marks the better direction, ' +
  'descriptive statistics (no direction) are not bolded. Definitions: packages/eval/README.md.';

/** Metric names, their order and which ones are descriptive (no better direction), from summary.json. */
async function metricList(dir: string): Promise<{ name: string; higherIsBetter: boolean; compared: boolean }[]> {
  const raw = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { metrics?: { name: string; higherIsBetter: boolean; compared?: boolean }[] };
  return (raw.metrics ?? []).map((m) => ({ name: m.name, higherIsBetter: m.higherIsBetter, compared: m.compared !== false }));
}

function withoutBest(t: ResultsTable, descriptive: ReadonlySet<string>): ResultsTable {
  return { ...t, cells: t.cells.map((row) => row.map((c, j) => (c !== null && descriptive.has(t.metrics[j]!) ? { ...c, best: false } : c))) };
}

function perSong(rows: readonly MetricRow[], metrics: readonly string[], decimals: number): { markdown: string; html: string } {
  const key = (r: MetricRow) => `${r.system}${r.variant === 'default' ? '' : ` (${r.variant})`}${r.seed === null ? '' : ` s${r.seed}`}`;
  const systems = [...new Set(rows.map(key))].sort();
  const songs = [...new Set(rows.filter((r) => r.song !== '*').map((r) => r.song))].sort();
  const value = new Map(rows.map((r) => [`${key(r)}|${r.song}|${r.metric}`, r.value]));
  const cols = metrics.filter((m) => rows.some((r) => r.metric === m));
  const lines: string[][] = [];
  for (const song of songs) for (const s of systems) lines.push([song, s, ...cols.map((m) => value.get(`${s}|${song}|${m}`)?.toFixed(decimals) ?? '–')]);
  const md = [`| song | system | ${cols.map((c) => `\`${c}\``).join(' | ')} |`, `|---|---|${cols.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
  const html =
    `<table class="results per-song">\n<thead><tr><th>song</th><th>system</th>${cols.map((c) => `<th>${htmlEscape(c)}</th>`).join('')}</tr></thead>\n<tbody>\n` +
    lines.map((l) => `<tr>${l.map((x) => `<td>${htmlEscape(x)}</td>`).join('')}</tr>`).join('\n') +
    '\n</tbody>\n</table>\n';
  return { markdown: md, html };
}

/**
 * Reads an `a2s eval-audio --out` folder (summary.json + metrics.arrow) and returns the section: one row per
 * system with every metric's mean and CI, then every system on every song.
 */
export async function audioEvalSection(dir: string, decimals = 3): Promise<AudioEvalSection> {
  const results = await readEvalDir(dir);
  const list = await metricList(dir);
  const order = list.map((m) => m.name);
  const descriptive = new Set(list.filter((m) => !m.compared).map((m) => m.name));
  const table = withoutBest(
    buildResultsTable(results.summary.rows, { lowerIsBetter: list.filter((m) => !m.higherIsBetter).map((m) => m.name), metricOrder: order, decimals }),
    descriptive,
  );
  const songs = results.metrics === null ? null : perSong(results.metrics, order, decimals);
  // The tables mark every column ↑ or ↓; descriptive statistics have no better direction.
  const noArrow = (text: string, open: string, close: string): string =>
    [...descriptive].reduce((t, m) => t.split(`${open}${m} ↑${close}`).join(`${open}${m}${close}`), text);
  const markdown =
    `## Against the recording\n\n${AUDIO_EVAL_CAPTION}\n\n${noArrow(resultsToMarkdown(table), ' ', ' |')}\n` +
    (songs ? `\n### Every system on every song\n\n${songs.markdown}\n` : '');
  const html =
    `<h3>Against the recording</h3>\n<p class="caption">${htmlEscape(AUDIO_EVAL_CAPTION)}</p>\n${noArrow(resultsToHtml(table), '<th>', '</th>')}` +
    (songs ? `<details><summary>Every system on every song</summary>\n${songs.html}</details>\n` : '');
  const csv = toCsv(
    (results.metrics ?? []).map((r) => ({ system: r.system, variant: r.variant, seed: r.seed ?? '', song: r.song, metric: r.metric, value: r.value })),
    ['system', 'variant', 'seed', 'song', 'metric', 'value'],
  );
  return { markdown, html, csv };
}
