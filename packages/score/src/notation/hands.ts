import type { LevelLimits } from './levels.ts';

/** A note on the written time line (divisions), before it gets a staff. */
export interface TimedNote {
  readonly onsetDiv: number;
  readonly durDiv: number;
  readonly pitch: number;
}

/** A note given to a hand: 1 right (treble staff), 2 left (bass staff). */
export interface HandNote extends TimedNote {
  readonly staff: 1 | 2;
}

/** Pitches from middle C up go to the right hand unless playability asks otherwise. */
export const SPLIT_PITCH = 60;

/** Counts of changes made to fit a level. */
export interface FitChanges {
  dropped: number;
  shortened: number;
  moved: number;
}

/**
 * Puts onsets and ends on the level's grid and removes what a piano cannot play twice: a note restruck
 * while held is cut at the new onset; two notes of one pitch at one onset keep the longer.
 */
export function snapToGrid(notes: readonly TimedNote[], grid: number, changes: FitChanges): TimedNote[] {
  const snapped = notes.map((n) => {
    const onset = Math.round(n.onsetDiv / grid) * grid;
    let end = Math.round((n.onsetDiv + n.durDiv) / grid) * grid;
    if (end <= onset) end = onset + grid;
    if (onset !== n.onsetDiv || end - onset !== n.durDiv) changes.moved++;
    return { onsetDiv: onset, durDiv: end - onset, pitch: n.pitch };
  });
  snapped.sort((a, b) => a.pitch - b.pitch || a.onsetDiv - b.onsetDiv || b.durDiv - a.durDiv);
  const out: TimedNote[] = [];
  for (const n of snapped) {
    const prev = out[out.length - 1];
    if (prev && prev.pitch === n.pitch && n.onsetDiv < prev.onsetDiv + prev.durDiv) {
      if (n.onsetDiv === prev.onsetDiv) {
        changes.dropped++;
        continue;
      }
      out[out.length - 1] = { ...prev, durDiv: n.onsetDiv - prev.onsetDiv };
      changes.shortened++;
    }
    out.push(n);
  }
  return out.sort((a, b) => a.onsetDiv - b.onsetDiv || a.pitch - b.pitch);
}

function handPenalty(pitches: readonly number[], limits: LevelLimits): number {
  if (pitches.length === 0) return 0;
  const over = Math.max(0, pitches.length - limits.maxNotesPerHand);
  const span = pitches[pitches.length - 1] - pitches[0];
  return over + (span > limits.maxSpanSemitones ? 1 + (span - limits.maxSpanSemitones) / 12 : 0);
}

/**
 * The hand of every note: each group of notes struck together is cut into a lower part (left hand) and an
 * upper part (right hand) at the point that first keeps both hands within the level's span and note
 * count, then keeps notes on their side of middle C.
 */
export function splitHands(notes: readonly TimedNote[], limits: LevelLimits): HandNote[] {
  const out: HandNote[] = [];
  let i = 0;
  while (i < notes.length) {
    let j = i;
    while (j < notes.length && notes[j].onsetDiv === notes[i].onsetDiv) j++;
    const group = notes.slice(i, j).sort((a, b) => a.pitch - b.pitch);
    const pitches = group.map((n) => n.pitch);
    let bestCut = 0;
    let bestCost = Infinity;
    for (let cut = 0; cut <= group.length; cut++) {
      const left = pitches.slice(0, cut);
      const right = pitches.slice(cut);
      let side = 0;
      for (const p of left) side += Math.max(0, p - SPLIT_PITCH + 1);
      for (const p of right) side += Math.max(0, SPLIT_PITCH - p);
      const cost = 1000 * (handPenalty(left, limits) + handPenalty(right, limits)) + side;
      if (cost < bestCost) {
        bestCost = cost;
        bestCut = cut;
      }
    }
    group.forEach((n, k) => out.push({ ...n, staff: k < bestCut ? 2 : 1 }));
    i = j;
  }
  return out;
}

/**
 * Lowest pitch of the hand position (`span` semitones wide) that covers the most of `pitches`; among equal
 * ones the highest for the right hand (staff 1, where the melody is) and the lowest for the left (the bass).
 */
function bestWindow(pitches: readonly number[], span: number, staff: 1 | 2): number {
  let best = pitches[0];
  let bestCount = -1;
  for (const lo of pitches) {
    const count = pitches.filter((p) => p >= lo && p <= lo + span).length;
    const better = count > bestCount || (count === bestCount && (staff === 1 ? lo > best : lo < best));
    if (better) {
      best = lo;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Makes each hand playable at every onset: the notes struck and the notes still held fit the level's
 * note count and span. New notes come first: the hand takes the position that covers most of them (the
 * higher one for the right hand, the lower for the left, when equal), then the outer voice first (top of the
 * right hand, bottom of the left); held notes that no longer fit are released at the onset, struck notes
 * that do not fit are left out.
 */
export function fitHands(notes: readonly HandNote[], limits: LevelLimits, changes: FitChanges): HandNote[] {
  const kept: HandNote[] = [];
  for (const staff of [1, 2] as const) {
    const mine = notes.filter((n) => n.staff === staff).sort((a, b) => a.onsetDiv - b.onsetDiv);
    const hand: { note: HandNote; end: number }[] = [];
    const outer = (a: HandNote, b: HandNote): number => (staff === 1 ? b.pitch - a.pitch : a.pitch - b.pitch);
    let i = 0;
    while (i < mine.length) {
      const t = mine[i].onsetDiv;
      let j = i;
      while (j < mine.length && mine[j].onsetDiv === t) j++;
      const chosen: number[] = [];
      const fits = (p: number): boolean =>
        chosen.length < limits.maxNotesPerHand &&
        Math.max(p, ...chosen) - Math.min(p, ...chosen) <= limits.maxSpanSemitones;
      const group = mine.slice(i, j).sort(outer);
      const lo = bestWindow(group.map((n) => n.pitch), limits.maxSpanSemitones, staff);
      for (const n of group) {
        if (n.pitch >= lo && n.pitch <= lo + limits.maxSpanSemitones && fits(n.pitch)) {
          chosen.push(n.pitch);
          hand.push({ note: n, end: n.onsetDiv + n.durDiv });
        } else changes.dropped++;
      }
      const held = hand.filter((h) => h.note.onsetDiv < t && h.end > t).sort((a, b) => outer(a.note, b.note));
      for (const h of held) {
        if (fits(h.note.pitch)) chosen.push(h.note.pitch);
        else {
          h.end = t;
          changes.shortened++;
        }
      }
      i = j;
    }
    for (const h of hand) kept.push({ ...h.note, durDiv: h.end - h.note.onsetDiv });
  }
  return kept.sort((a, b) => a.onsetDiv - b.onsetDiv || a.staff - b.staff || a.pitch - b.pitch);
}
