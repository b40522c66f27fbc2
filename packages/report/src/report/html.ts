import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figure } from '../figures/figure.ts';
import { compileToVega } from '../render/render.ts';
import { htmlEscape } from '../tables/results-table.ts';

/** One audio preview cell: a system's rendering of a segment, as WAV bytes. */
export interface AudioClip {
  readonly segment: string;
  readonly system: string;
  readonly wav: Uint8Array;
  /** Path of the WAV file relative to the report folder. */
  readonly file: string;
}

export interface HtmlPageInput {
  readonly title: string;
  readonly resultsTableHtml: string;
  readonly resultsCaption: string;
  readonly figures: readonly Figure[];
  /** Path of each figure's files relative to the report folder, without extension (e.g. `figures/metric-bars`). */
  readonly figureStem: (f: Figure) => string;
  readonly audio: readonly AudioClip[];
  readonly notes: readonly string[];
  /** The dataset section (leakage table), inserted after the results; empty or absent: no section. */
  readonly datasetHtml?: string;
  /** Paired comparisons (`comparisonsHtml`): ablation tables with CIs, after the results. */
  readonly comparisonsHtml?: string;
  /** Engraved openings of the test songs with their piano rolls (`scoresHtml`), shown after the figures. */
  readonly scoresHtml?: string;
  /**
   * The training section, after the figures: the figures with these ids (training curves, learning curves)
   * are shown there instead of under Figures, after `html` (e.g. how each run was validated).
   */
  readonly training?: { readonly figureIds: readonly string[]; readonly html: string };
}

/** Reads the Vega runtime shipped in node_modules (vega/build/vega.min.js) to inline it into the page. */
export async function loadVegaRuntime(): Promise<string> {
  const moduleFile = fileURLToPath(import.meta.resolve('vega'));
  return readFile(join(dirname(moduleFile), 'vega.min.js'), 'utf8');
}

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
table.results, table.audio { border-collapse: collapse; font-size: 0.9rem; }
table.results th, table.results td, table.audio th, table.audio td { padding: 0.3rem 0.7rem; border-bottom: 1px solid #e4e4e4; text-align: right; }
table.results th[scope=row], table.audio th[scope=row], table th:first-child { text-align: left; }
figure { margin: 1.5rem 0; } figcaption { font-size: 0.9rem; color: #444; max-width: 60rem; }
.vega { min-height: 40px; overflow-x: auto; }
.files { font-size: 0.8rem; } .files a { margin-right: 0.8rem; }
audio { width: 220px; }
img.score { width: 640px; max-width: 100%; background: #fff; }
td.roll { vertical-align: middle; } svg.roll { width: 384px; height: auto; }
dl.metrics { font-size: 0.85rem; display: grid; grid-template-columns: max-content auto; gap: 0.1rem 1rem; }
dl.metrics dd { margin: 0; color: #444; }
`;

/** The self-contained HTML page: results table, every figure drawn by the inlined Vega runtime, audio previews. */
export function renderHtmlPage(input: HtmlPageInput, vegaRuntime: string): string {
  const figureBlocks = input.figures.map((f, i) => {
    const stem = input.figureStem(f);
    return [
      `<figure class="figure" id="fig-${htmlEscape(f.id)}">`,
      `<div class="vega" data-spec="spec-${i}" role="img" aria-label="${htmlEscape(f.title)}"></div>`,
      `<figcaption><strong>${htmlEscape(f.title)}.</strong> ${htmlEscape(f.caption)}</figcaption>`,
      `<p class="files"><a href="${htmlEscape(stem)}.svg">SVG</a><a href="${htmlEscape(stem)}.png">PNG</a><a href="${htmlEscape(stem)}.csv">data (CSV)</a><a href="${htmlEscape(stem)}.vl.json">Vega-Lite spec</a></p>`,
      `</figure>`,
    ].join('\n');
  });
  const trainingIds = new Set(input.training?.figureIds ?? []);
  const figureHtml = figureBlocks.filter((_, i) => !trainingIds.has(input.figures[i]!.id));
  const trainingFigures = figureBlocks.filter((_, i) => trainingIds.has(input.figures[i]!.id));
  const trainingHtml =
    trainingFigures.length > 0 || (input.training?.html ?? '') !== ''
      ? ['<section id="training"><h2>Training</h2>', input.training?.html ?? '', ...trainingFigures, '</section>']
      : [];
  const specs = input.figures.map((f, i) => `<script type="application/json" id="spec-${i}">${scriptJson(compileToVega(f.spec))}</script>`);
  const audioHtml: string[] = [];
  if (input.audio.length > 0) {
    const systems = [...new Set(input.audio.map((a) => a.system))];
    const segments = [...new Set(input.audio.map((a) => a.segment))];
    audioHtml.push('<section id="audio"><h2>Audio previews</h2>');
    audioHtml.push('<p>Renderings of the same segments with FluidSynth (General MIDI piano, program 0): the ground-truth accompaniment and each system\'s prediction; the melody is not included.</p>');
    audioHtml.push(`<table class="audio"><thead><tr><th>Segment</th>${systems.map((s) => `<th>${htmlEscape(s)}</th>`).join('')}</tr></thead><tbody>`);
    for (const seg of segments) {
      const cells = systems.map((sys) => {
        const clip = input.audio.find((a) => a.segment === seg && a.system === sys);
        if (clip === undefined) return '<td>–</td>';
        const b64 = Buffer.from(clip.wav).toString('base64');
        return `<td><audio controls preload="none" src="data:audio/wav;base64,${b64}" title="${htmlEscape(clip.file)}"></audio></td>`;
      });
      audioHtml.push(`<tr><th scope="row">${htmlEscape(seg)}</th>${cells.join('')}</tr>`);
    }
    audioHtml.push('</tbody></table></section>');
  }
  const boot = `
(function () {
  var figures = document.querySelectorAll('.vega');
  var pending = [];
  figures.forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.getAttribute('data-spec')).textContent);
    var view = new vega.View(vega.parse(spec), { renderer: 'svg', container: el, hover: false });
    pending.push(view.runAsync().then(function () { el.setAttribute('data-rendered', 'true'); }));
  });
  Promise.all(pending).then(function () { document.body.setAttribute('data-figures-rendered', String(figures.length)); },
    function (err) { console.error('figure rendering failed: ' + err); });
})();`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${htmlEscape(input.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${htmlEscape(input.title)}</h1>`,
    input.notes.length > 0 ? `<ul class="notes">${input.notes.map((n) => `<li>${htmlEscape(n)}</li>`).join('')}</ul>` : '',
    '<section id="results"><h2>Results</h2>',
    input.resultsTableHtml,
    `<p>${htmlEscape(input.resultsCaption)}</p>`,
    '<p class="files"><a href="results.md">Markdown</a><a href="results.tex">LaTeX</a><a href="results.csv">CSV</a></p>',
    '</section>',
    ...(input.comparisonsHtml ? [input.comparisonsHtml] : []),
    ...(input.datasetHtml ? [input.datasetHtml] : []),
    '<section id="figures"><h2>Figures</h2>',
    ...figureHtml,
    '</section>',
    ...trainingHtml,
    ...(input.scoresHtml ? [input.scoresHtml] : []),
    ...audioHtml,
    `<script>${vegaRuntime.replace(/<\/script/gi, '<\\/script')}</script>`,
    ...specs,
    `<script>${boot}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
