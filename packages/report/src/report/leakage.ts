import { readFile } from 'node:fs/promises';
import { InputError } from '@a2s/dataset';
import { LEAKAGE_SCHEMA_VERSION, type LeakageResult } from '@a2s/eval';
import { htmlEscape } from '../tables/results-table.ts';

/** Reads a `leakage.json` written by `a2s leakage`; a file of another kind or version is an InputError naming it. */
export async function readLeakageFile(path: string): Promise<LeakageResult> {
  let value: Partial<LeakageResult>;
  try {
    value = JSON.parse(await readFile(path, 'utf8')) as Partial<LeakageResult>;
  } catch (err) {
    throw new InputError({ file: path, message: `cannot read leakage JSON (${(err as Error).message})`, cause: err });
  }
  if (value.kind !== 'a2s-leakage' || value.schemaVersion !== LEAKAGE_SCHEMA_VERSION || !Array.isArray(value.songs)) {
    throw new InputError({ file: path, message: `not a leakage result of version ${LEAKAGE_SCHEMA_VERSION} (expected kind "a2s-leakage", written by a2s leakage)` });
  }
  return value as LeakageResult;
}

function audioLabel(r: LeakageResult): string {
  if (r.audio.type !== 'band') return r.audio.type;
  const fonts = (r.audio.soundfonts ?? []).map((f) => f.split('/').pop()).join(', ');
  return `band, leak ${r.audio.leak}${fonts ? ` (${fonts})` : ''}`;
}

const HEADER = ['audio', 'songs', 'basic-pitch onset F1 (leakage)', 'chord chart onset F1'];

function rows(results: readonly LeakageResult[]): string[][] {
  return results.map((r) => [
    audioLabel(r),
    `${r.split}: ${r.songs.map((s) => s.song).join(', ')}${r.segmentsPerSong ? ` (${r.segmentsPerSong} middle segments each)` : ''}`,
    r.transcriptionF1.toFixed(3),
    r.chordChartF1.toFixed(3),
  ]);
}

/** The dataset section's leakage table as Markdown (one row per leakage file, in the order given). */
export function leakageMarkdown(results: readonly LeakageResult[]): string {
  const lines = [`| ${HEADER.join(' | ')} |`, `| ${HEADER.map(() => '---').join(' | ')} |`, ...rows(results).map((r) => `| ${r.join(' | ')} |`)];
  return `${lines.join('\n')}\n\n${LEAKAGE_CAPTION}\n`;
}

export const LEAKAGE_CAPTION =
  'How much of the target is literally in the audio: onset F1 (pitch exact, onsets within one sixteenth, counts pooled per song, mean over songs) of basic-pitch\'s transcription of the audio against the target accompaniment (PIANO + BRIDGE), next to the ground-truth chords played as block chords on the same songs. Audio at or below the chord chart does not give the answer away.';

/** The dataset section of the HTML page. */
export function leakageHtml(results: readonly LeakageResult[]): string {
  if (results.length === 0) return '';
  const head = `<tr>${HEADER.map((h) => `<th>${htmlEscape(h)}</th>`).join('')}</tr>`;
  const body = rows(results).map((r) => `<tr>${r.map((c) => `<td>${htmlEscape(c)}</td>`).join('')}</tr>`).join('\n');
  return `<section id="dataset"><h2>Dataset: leakage</h2>\n<table><thead>${head}</thead><tbody>\n${body}\n</tbody></table>\n<p>${htmlEscape(LEAKAGE_CAPTION)}</p>\n<p class="files"><a href="leakage.md">Markdown</a></p>\n</section>`;
}
