import type { Figure } from '../figures/figure.ts';
import { validationSummary } from '../figures/learning-curve.ts';
import type { TrainingRun } from '../inputs/training-log.ts';
import { htmlEscape } from '../tables/results-table.ts';

/** A training run of the report with the figures drawn from it (training curves, learning curve). */
export interface TrainingSectionRun {
  readonly run: TrainingRun;
  readonly figures: readonly Pick<Figure, 'id' | 'title'>[];
}

/** How a run was validated, or that it logged no validation pass. */
function validationLine(run: TrainingRun): string {
  return validationSummary(run) ?? `${run.name}: no validation passes (no validation.jsonl, or no valid line in it), so no learning curve.`;
}

/**
 * `training.md`: per run, the logged steps and stages, how it was validated ("validation every N steps on K
 * segments", from validation.jsonl) and links to its figures (SVG, data as CSV).
 */
export function trainingMarkdown(runs: readonly TrainingSectionRun[]): string {
  const lines = ['# Training', ''];
  for (const { run, figures } of runs) {
    const stages = [...new Set(run.entries.map((e) => e.stage))];
    lines.push(`## ${run.name}`, '');
    lines.push(`${run.entries.length} logged steps over stage${stages.length === 1 ? '' : 's'} ${stages.join(', ') || '(none)'}.`, '');
    lines.push(validationLine(run), '');
    for (const f of figures) lines.push(`- ${f.title}: [SVG](figures/${f.id}.svg), [data (CSV)](figures/${f.id}.csv)`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The text of the HTML training section, before its figures: one line per run on how it was validated. */
export function trainingHtml(runs: readonly TrainingSectionRun[]): string {
  const items = runs.map(({ run }) => `<li>${htmlEscape(validationLine(run))}</li>`);
  return `<ul class="validation">\n${items.join('\n')}\n</ul>\n<p class="files"><a href="training.md">Markdown</a></p>`;
}
