import { DIVISIONS } from './levels.ts';

/** MusicXML note types by undotted length in divisions (4 per quarter). */
const TYPES: readonly (readonly [number, string])[] = [
  [16, 'whole'],
  [8, 'half'],
  [4, 'quarter'],
  [2, 'eighth'],
  [1, '16th'],
];

/** One written value: a MusicXML `<type>` with dots. */
export interface NoteValue {
  readonly divisions: number;
  readonly type: string;
  readonly dots: number;
}

/** The written value of a length in divisions (plain, dotted or double-dotted), or undefined when none fits. */
export function noteValueOf(divisions: number): NoteValue | undefined {
  for (const [base, type] of TYPES) {
    if (divisions === base) return { divisions, type, dots: 0 };
    if (base >= 2 && divisions === base + base / 2) return { divisions, type, dots: 1 };
    if (base >= 4 && divisions === base + base / 2 + base / 4) return { divisions, type, dots: 2 };
  }
  return undefined;
}

/** The metre a span is written in: a bar of `beatsPerBar` quarter beats. */
export interface MetreGrid {
  readonly beatsPerBar: number;
}

/**
 * Metric weight of a boundary at `pos` divisions from the bar start: 4 bar, 3 half bar (even metres),
 * 2 beat, 1 eighth, 0 sixteenth.
 */
function boundaryLevel(pos: number, metre: MetreGrid): number {
  const bar = metre.beatsPerBar * DIVISIONS;
  if (pos % bar === 0) return 4;
  if (metre.beatsPerBar % 2 === 0 && metre.beatsPerBar > 2 && pos % (bar / 2) === 0) return 3;
  if (pos % DIVISIONS === 0) return 2;
  if (pos % (DIVISIONS / 2) === 0) return 1;
  return 0;
}

/**
 * Whether `[start, end)` (divisions from the bar start) may be written as one value, by the usual
 * engraving rules: a value of a beat or longer starts on a beat and, unless it starts the bar, does not
 * hide the middle of an even bar; a shorter value stays inside its beat.
 */
function writableAsOne(start: number, end: number, metre: MetreGrid): boolean {
  const d = end - start;
  if (!noteValueOf(d)) return false;
  if (d >= DIVISIONS) {
    if (start % DIVISIONS !== 0) return false;
    if (start === 0) return true;
    const bar = metre.beatsPerBar * DIVISIONS;
    const half = bar / 2;
    const evenBar = metre.beatsPerBar % 2 === 0 && metre.beatsPerBar > 2;
    return !(evenBar && start < half && end > half);
  }
  return Math.floor(start / DIVISIONS) === Math.floor((end - 1) / DIVISIONS);
}

/**
 * Splits `[start, end)` (divisions from the start of a full bar; `end` ≤ the bar length) into written
 * values joined by ties: where one value may not show the span, it is cut at its strongest inner
 * boundary (half bar, then beat, eighth, sixteenth) and each part split again.
 */
export function splitSpan(start: number, end: number, metre: MetreGrid): NoteValue[] {
  if (end <= start) return [];
  if (writableAsOne(start, end, metre)) return [noteValueOf(end - start) as NoteValue];
  let cut = start + 1;
  let best = -1;
  for (let p = start + 1; p < end; p++) {
    const level = boundaryLevel(p, metre);
    if (level > best) {
      best = level;
      cut = p;
    }
  }
  return [...splitSpan(start, cut, metre), ...splitSpan(cut, end, metre)];
}
