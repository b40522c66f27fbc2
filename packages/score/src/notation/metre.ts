import { STEPS_PER_BEAT, type Note } from '@a2s/dataset';

/** Grid tempos below this may be half-tempo tracking (POP909's beat convention centres near 74 BPM). */
export const DOUBLE_BELOW_BPM = 80;
/** Share of onsets on the odd sixteenths of the grid beat from which the written beat is halved. */
export const DOUBLE_MIN_ODD_SHARE = 0.25;

/** Share of the notes' onsets that fall on odd sixteenths of the grid beat (steps 1 and 3 of 4). */
export function oddSixteenthShare(notes: readonly Note[]): number {
  if (notes.length === 0) return 0;
  let odd = 0;
  const onsets = new Set<number>();
  for (const n of notes) onsets.add(n.onsetStep);
  for (const s of onsets) if ((s % STEPS_PER_BEAT) % 2 === 1) odd++;
  return odd / onsets.size;
}

/**
 * The readable-tempo rule. A beat tracker (and POP909's beat annotations) often takes the half note of a
 * fast song as its beat: a 134 BPM song is tracked at 67 BPM, and written as-is its bars hold 8 felt beats
 * and its eighths look like sixteenths. The grid beat is written as two quarter notes (factor 2: written
 * tempo doubled, each grid bar written as two bars, grid sixteenths written as eighths) when the grid
 * tempo is below {@link DOUBLE_BELOW_BPM} and at least {@link DOUBLE_MIN_ODD_SHARE} of the distinct onsets
 * lie on odd sixteenths of the grid beat, i.e. when the music would otherwise be read in sixteenths at a
 * slow tempo. Otherwise the grid beat is the quarter note (factor 1). Returns 1 or 2.
 */
export function chooseBeatFactor(gridTempoBpm: number, notes: readonly Note[]): 1 | 2 {
  if (!(gridTempoBpm > 0) || gridTempoBpm >= DOUBLE_BELOW_BPM) return 1;
  return oddSixteenthShare(notes) >= DOUBLE_MIN_ODD_SHARE ? 2 : 1;
}

/** Median of a non-empty list. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Grid tempo in BPM from beat times: the median inter-beat interval. */
export function gridTempoBpm(beatTimesSec: Float64Array): number {
  const iv: number[] = [];
  for (let i = 1; i < beatTimesSec.length; i++) iv.push(beatTimesSec[i] - beatTimesSec[i - 1]);
  return iv.length ? 60 / median(iv) : 0;
}

/** Relative tempo change (6 %) that, held for {@link TEMPO_CHANGE_BARS} bars, earns a new tempo mark. */
export const TEMPO_CHANGE_RATIO = 0.06;
export const TEMPO_CHANGE_BARS = 4;

/**
 * Tempo marks from per-measure tempos (written quarter notes per minute): one mark at the start, the
 * median of the first 8 measures, rounded; a new mark where the tempo stays more than
 * {@link TEMPO_CHANGE_RATIO} away from the current mark for {@link TEMPO_CHANGE_BARS} measures in a row
 * (the median of those measures). The tracker's beat-to-beat wobble never makes a mark.
 */
export function tempoMarks(measureBpm: readonly number[]): { measure: number; bpm: number }[] {
  const valid = measureBpm.map((b) => (Number.isFinite(b) && b > 0 ? b : NaN));
  const firsts = valid.slice(0, 8).filter((b) => !Number.isNaN(b));
  if (firsts.length === 0) return [];
  const marks = [{ measure: 0, bpm: Math.round(median(firsts)) }];
  let run = 0;
  for (let m = 0; m < valid.length; m++) {
    const cur = marks[marks.length - 1].bpm;
    const off = !Number.isNaN(valid[m]) && Math.abs(valid[m] / cur - 1) > TEMPO_CHANGE_RATIO;
    run = off ? run + 1 : 0;
    if (run === TEMPO_CHANGE_BARS) {
      const start = m - TEMPO_CHANGE_BARS + 1;
      const bpm = Math.round(median(valid.slice(start, m + 1)));
      if (Math.abs(bpm / cur - 1) > TEMPO_CHANGE_RATIO) marks.push({ measure: start, bpm });
      run = 0;
    }
  }
  return marks;
}
