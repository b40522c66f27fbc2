import { buildScore, engraveMusicXml, keyFromNotes, writeMusicXml } from '@a2s/score';
import type { SegmentNotes } from '../inputs/predictions.ts';
import type { RollSegment } from '../figures/piano-roll.ts';
import { htmlEscape } from '../tables/results-table.ts';

/** One engraved excerpt: a system's notes for a segment as a grand-staff score (SVG). */
export interface ScoreExcerpt {
  readonly segment: string;
  readonly system: string;
  readonly svg: string;
  /** Report-relative path the SVG is written to. */
  readonly file: string;
}

/**
 * Engraves, for every segment of the piano-roll comparison, each system's notes (and the ground truth's) as
 * a two-staff piano score with `@a2s/score` (level full, key from the ground-truth notes so that every
 * system is written in the same key, tempo from the segment's beat times).
 */
export async function engraveComparison(
  segments: readonly SegmentNotes[],
  rolls: readonly RollSegment[],
  opts: { label: (s: SegmentNotes) => string; fileName: (segment: string, system: string) => string },
): Promise<ScoreExcerpt[]> {
  const out: ScoreExcerpt[] = [];
  for (const seg of segments) {
    const key = keyFromNotes(seg.notes);
    const beatTimesSec = seg.beatTimesSec ? Float64Array.from(seg.beatTimesSec) : undefined;
    for (const roll of rolls.filter((r) => r.songId === seg.songId && r.startBeat === seg.startBeat)) {
      if (roll.notes.length === 0) continue;
      const score = buildScore(
        { notes: roll.notes, beatsPerBar: 4, firstDownbeatBeat: 0, beatTimesSec, tempoBpm: beatTimesSec ? undefined : 80, key, title: roll.system },
        { level: 'full' },
      );
      const engraving = await engraveMusicXml(writeMusicXml(score), { excerpt: true, pageWidth: 2400, pageHeight: 60000, scale: 35 });
      const segment = opts.label(seg);
      out.push({ segment, system: roll.system, svg: engraving.pages[0] ?? '', file: opts.fileName(segment, roll.system) });
    }
  }
  return out;
}

/** The "Scores" section: one row per segment and system (ground truth first), each with its engraved excerpt. */
export function scoresHtml(excerpts: readonly ScoreExcerpt[], systems: readonly string[]): string {
  if (excerpts.length === 0) return '';
  const rows: string[] = [];
  for (const seg of new Set(excerpts.map((e) => e.segment))) {
    for (const sys of systems) {
      const e = excerpts.find((x) => x.segment === seg && x.system === sys);
      if (!e) continue;
      const img = `<img class="score" alt="${htmlEscape(`${sys}, ${seg}`)}" src="data:image/svg+xml;base64,${Buffer.from(e.svg).toString('base64')}">`;
      rows.push(`<tr><th scope="row">${htmlEscape(seg)}</th><td>${htmlEscape(sys)}</td><td>${img}</td></tr>`);
    }
  }
  return [
    '<section id="scores"><h2>Scores</h2>',
    '<p>The segments of the piano-roll figure written as piano scores (packages/score: grand staff, hand split, level full, key from the ground truth; engraved with Verovio).</p>',
    '<table class="audio"><thead><tr><th>Segment</th><th>System</th><th>Score</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table></section>',
  ].join('\n');
}
