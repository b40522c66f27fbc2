import { SEGMENT_BEATS, STEPS_PER_BEAT, type Note } from '@a2s/dataset';
import { buildScore, engraveMusicXml, keyFromNotes, writeMusicXml } from '@a2s/score';
import { GROUND_TRUTH } from '../config.ts';
import { segmentKey, type SegmentNotes } from '../inputs/predictions.ts';
import { htmlEscape } from '../tables/results-table.ts';
import { evenlySpaced, type Comparison } from './comparison.ts';

/** Beats per bar of the openings (the arranger's 4/4 grid). */
const BEATS_PER_BAR = 4;

/** The opening of one test song as written by every system: notes relative to the opening's first beat. */
export interface SongOpening {
  readonly songId: string;
  /** Beat of the song where the opening starts (its first segment present in every prediction set). */
  readonly startBeat: number;
  /** Length of the opening in beats. */
  readonly beats: number;
  /** One part per system, in row order (ground truth first); `onsetStep` counts from `startBeat`. */
  readonly parts: readonly { readonly system: string; readonly notes: readonly Note[] }[];
  /** Times in seconds of the opening's beats and its end (`beats + 1` values, from the ground truth), or null. */
  readonly beatTimesSec: readonly number[] | null;
}

/**
 * Stitches overlapping segments (sorted by start beat) into one note list from `start` to `end` (beats):
 * each segment contributes the notes that start before the next segment does, the last one all of its
 * notes; notes are cut at `end`.
 */
function stitch(segs: readonly { startBeat: number; notes: readonly Note[] }[], start: number, end: number): Note[] {
  const out: Note[] = [];
  const endStep = (end - start) * STEPS_PER_BEAT;
  segs.forEach((seg, i) => {
    const next = segs[i + 1]?.startBeat;
    const limit = next === undefined ? endStep : Math.min(endStep, (next - start) * STEPS_PER_BEAT);
    for (const n of seg.notes) {
      const onsetStep = (seg.startBeat - start) * STEPS_PER_BEAT + n.onsetStep;
      if (onsetStep < 0 || onsetStep >= limit) continue;
      out.push({ ...n, onsetStep, durationSteps: Math.max(1, Math.min(n.durationSteps, endStep - onsetStep)) });
    }
  });
  return out.sort((a, b) => a.onsetStep - b.onsetStep || a.pitch - b.pitch || a.durationSteps - b.durationSteps);
}

/**
 * The openings (first `bars` bars) of `songs` test songs, spread evenly over the sorted ids of the songs
 * with a segment present in the ground truth and in every prediction set. Each opening starts at the
 * song's first such segment and stitches the common segments that start within it, for the ground truth
 * and every system alike.
 */
export function selectOpenings(comparison: Comparison, opts: { songs: number; bars: number }): SongOpening[] {
  if (opts.songs <= 0) return [];
  const songIds = [...new Set(comparison.common.map((s) => s.songId))].sort();
  const chosen = evenlySpaced(songIds.length, opts.songs).map((i) => songIds[i]!);
  const bySet = comparison.predictions.map((p) => ({ label: p.label, byKey: new Map(p.segments.map((s) => [segmentKey(s), s])) }));
  const out: SongOpening[] = [];
  for (const songId of chosen) {
    const gtSongSegs = comparison.common.filter((s) => s.songId === songId).sort((a, b) => a.startBeat - b.startBeat);
    const start = gtSongSegs[0]!.startBeat;
    const segs = gtSongSegs.filter((s) => s.startBeat < start + opts.bars * BEATS_PER_BAR);
    const end = Math.min(start + opts.bars * BEATS_PER_BAR, segs[segs.length - 1]!.startBeat + SEGMENT_BEATS);
    const parts = [{ system: GROUND_TRUTH, notes: stitch(segs, start, end) }];
    for (const p of bySet) {
      const predSegs = segs.map((s) => p.byKey.get(segmentKey(s))).filter((s): s is SegmentNotes => s !== undefined);
      parts.push({ system: p.label, notes: stitch(predSegs, start, end) });
    }
    out.push({ songId, startBeat: start, beats: end - start, parts, beatTimesSec: openingBeatTimes(segs, start, end) });
  }
  return out;
}

/** Beat times of the opening from its segments' beat times; null when a beat is not covered. */
function openingBeatTimes(segs: readonly SegmentNotes[], start: number, end: number): number[] | null {
  const t: number[] = new Array<number>(end - start + 1).fill(Number.NaN);
  for (const s of segs) {
    if (s.beatTimesSec === null) continue;
    s.beatTimesSec.forEach((sec, k) => {
      const i = s.startBeat - start + k;
      if (i >= 0 && i < t.length && Number.isNaN(t[i]!)) t[i] = sec;
    });
  }
  return t.some((x) => Number.isNaN(x)) ? null : t;
}

/** One engraved opening: a system's notes for a song's opening as a grand-staff score (SVG), or null when it has no note. */
export interface ScoreExcerpt {
  readonly songId: string;
  readonly system: string;
  readonly svg: string | null;
  /** Report-relative path the SVG is written to (null when there is no SVG). */
  readonly file: string | null;
  /** Compact piano roll of the same notes (inline SVG). */
  readonly roll: string;
}

/**
 * Engraves, for every opening, each system's notes (the ground truth's first) as a two-staff piano score
 * with `@a2s/score`: level full; key from the ground-truth notes and the written beat (readable-tempo
 * rule) of the ground truth's score, so that every system is written in the same key and metre; tempo from
 * the opening's beat times. Next to each, a piano roll of the same notes on a pitch range shared by the song's
 * systems.
 */
export async function engraveOpenings(
  openings: readonly SongOpening[],
  opts: { fileName: (songId: string, system: string) => string },
): Promise<ScoreExcerpt[]> {
  const out: ScoreExcerpt[] = [];
  for (const op of openings) {
    const gt = op.parts[0]!.notes;
    const key = keyFromNotes(gt.length > 0 ? gt : op.parts.flatMap((p) => p.notes));
    const beatTimesSec = op.beatTimesSec ? Float64Array.from(op.beatTimesSec) : undefined;
    const source = (notes: readonly Note[], title: string) => ({
      notes,
      beatsPerBar: BEATS_PER_BAR,
      firstDownbeatBeat: 0,
      beatTimesSec,
      tempoBpm: beatTimesSec ? undefined : 80,
      key,
      title,
    });
    let beatFactor: 1 | 2 | undefined;
    const pitches = op.parts.flatMap((p) => p.notes.map((n) => n.pitch));
    const range = pitches.length > 0 ? { lo: Math.min(...pitches), hi: Math.max(...pitches) } : { lo: 48, hi: 84 };
    for (const part of op.parts) {
      const roll = rollSvg(part.notes, op.beats * STEPS_PER_BEAT, range, `${part.system}, song ${op.songId}`);
      if (part.notes.length === 0) {
        out.push({ songId: op.songId, system: part.system, svg: null, file: null, roll });
        continue;
      }
      const score = buildScore(source(part.notes, part.system), { level: 'full', beatFactor });
      beatFactor ??= score.beatFactor === 2 ? 2 : 1;
      const engraving = await engraveMusicXml(writeMusicXml(score), { excerpt: true, pageWidth: 2400, pageHeight: 60000, scale: 35 });
      out.push({ songId: op.songId, system: part.system, svg: engraving.pages[0] ?? '', file: opts.fileName(op.songId, part.system), roll });
    }
  }
  return out;
}

/** Pixels per step and per semitone of the compact piano rolls. */
const ROLL_STEP_PX = 3;
const ROLL_PITCH_PX = 3;

/**
 * A compact piano roll as an inline SVG: one rect per note (time in steps × pitch, opacity from velocity),
 * thin lines at every bar, a frame. Integer coordinates only, so equal notes give equal bytes.
 */
export function rollSvg(notes: readonly Note[], steps: number, range: { lo: number; hi: number }, label: string): string {
  const lo = range.lo - 1;
  const hi = range.hi + 1;
  const w = steps * ROLL_STEP_PX;
  const h = (hi - lo + 1) * ROLL_PITCH_PX;
  const parts: string[] = [
    `<svg class="roll" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${htmlEscape(`piano roll: ${label}`)}">`,
    `<rect x="0" y="0" width="${w}" height="${h}" fill="#fff" stroke="#999"/>`,
  ];
  for (let s = BEATS_PER_BAR * STEPS_PER_BEAT; s < steps; s += BEATS_PER_BAR * STEPS_PER_BEAT) {
    parts.push(`<line x1="${s * ROLL_STEP_PX}" y1="0" x2="${s * ROLL_STEP_PX}" y2="${h}" stroke="#ccc"/>`);
  }
  for (const n of notes) {
    const x = n.onsetStep * ROLL_STEP_PX;
    const width = Math.max(1, Math.min(n.durationSteps, steps - n.onsetStep)) * ROLL_STEP_PX;
    const y = (hi - n.pitch) * ROLL_PITCH_PX;
    const opacity = (0.35 + (0.65 * (Math.max(1, Math.min(127, n.velocity)) - 1)) / 126).toFixed(2);
    parts.push(`<rect class="note" x="${x}" y="${y}" width="${width}" height="${ROLL_PITCH_PX}" fill="#4c78a8" fill-opacity="${opacity}" stroke="#333" stroke-width="0.3"/>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/**
 * The "Scores" section: for every song opening, one row per system (ground truth first) with the engraved
 * score and, beside it, the piano roll of the same notes.
 */
export function scoresHtml(excerpts: readonly ScoreExcerpt[], openings: readonly SongOpening[], systems: readonly string[]): string {
  if (excerpts.length === 0) return '';
  const rows: string[] = [];
  for (const op of openings) {
    const bars = op.beats / BEATS_PER_BAR;
    const label = `song ${op.songId}, beats ${op.startBeat}–${op.startBeat + op.beats} (${Number.isInteger(bars) ? bars : bars.toFixed(2)} bars)`;
    for (const sys of systems) {
      const e = excerpts.find((x) => x.songId === op.songId && x.system === sys);
      if (!e) continue;
      const img =
        e.svg === null
          ? '<td>no notes</td>'
          : `<td><img class="score" alt="${htmlEscape(`${sys}, ${label}`)}" src="data:image/svg+xml;base64,${Buffer.from(e.svg).toString('base64')}"></td>`;
      rows.push(`<tr data-song="${htmlEscape(op.songId)}"><th scope="row">${htmlEscape(label)}</th><td>${htmlEscape(sys)}</td>${img}<td class="roll">${e.roll}</td></tr>`);
    }
  }
  return [
    '<section id="scores"><h2>Scores</h2>',
    '<p>The opening of each test song (its first bars present in every prediction set, overlapping segments stitched) written as a piano score by every system (packages/score: grand staff, hand split, level full, key and written beat from the ground truth; engraved with Verovio), with a piano roll of the same notes beside it (bar lines in grey, opacity follows velocity).</p>',
    '<table class="audio scores"><thead><tr><th>Song</th><th>System</th><th>Score</th><th>Piano roll</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table></section>',
  ].join('\n');
}
