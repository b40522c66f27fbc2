import { STEPS_PER_BEAT, type Chord } from '@a2s/dataset';
import { keyFromNotes } from '../key/key-finder.ts';
import type { ScoreMeasure, ScoreModel, ScoreNote, ScoreSource } from '../types.ts';
import { fitHands, snapToGrid, splitHands, type FitChanges, type TimedNote } from './hands.ts';
import { DIVISIONS, LEVELS, type LevelName } from './levels.ts';
import { chooseBeatFactor, gridTempoBpm, tempoMarks } from './metre.ts';
import { assignVoices } from './voices.ts';

/** Options of {@link buildScore}. */
export interface BuildScoreOptions {
  /** Difficulty level. Default 'full'. */
  readonly level?: LevelName;
  /** Written quarters per grid beat; default from the readable-tempo rule (`chooseBeatFactor`). */
  readonly beatFactor?: 1 | 2;
}

function floorTo(x: number, unit: number): number {
  return Math.floor(x / unit) * unit;
}

/**
 * The notated view of a source at one level: the written beat (readable-tempo rule), measures with a
 * pickup when the music starts before a bar line, the hand split, level limits, voices, tempo marks and
 * chord symbols. Throws RangeError when the source has no notes.
 */
export function buildScore(source: ScoreSource, opts: BuildScoreOptions = {}): ScoreModel {
  const levelName = opts.level ?? 'full';
  const limits = LEVELS[levelName];
  if (source.notes.length === 0) throw new RangeError('the arrangement has no notes to write');
  if (!(source.beatsPerBar >= 1)) throw new RangeError(`beatsPerBar must be at least 1, got ${source.beatsPerBar}`);
  const gridBpm = source.beatTimesSec && source.beatTimesSec.length > 1 ? gridTempoBpm(source.beatTimesSec) : (source.tempoBpm ?? 0);
  const factor = opts.beatFactor ?? chooseBeatFactor(gridBpm, source.notes);
  const divPerStep = (DIVISIONS / STEPS_PER_BEAT) * factor;
  const beatsPerBar = source.beatsPerBar;
  const barDiv = beatsPerBar * DIVISIONS;
  const barSteps = barDiv / divPerStep;
  const beatSteps = DIVISIONS / divPerStep;

  // Origin: the written beat of the first onset; a pickup when that is not a bar line.
  const firstOnset = Math.min(...source.notes.map((n) => n.onsetStep));
  const downbeatStep = source.firstDownbeatBeat * STEPS_PER_BEAT;
  const barOfFirst = downbeatStep + floorTo(firstOnset - downbeatStep, barSteps);
  const originStep = barOfFirst + floorTo(firstOnset - barOfFirst, beatSteps);
  const pickupDiv = originStep === barOfFirst ? 0 : (barOfFirst + barSteps - originStep) * divPerStep;

  const changes: FitChanges = { dropped: 0, shortened: 0, moved: 0 };
  const timed: TimedNote[] = source.notes.map((n) => ({
    onsetDiv: (n.onsetStep - originStep) * divPerStep,
    durDiv: Math.max(1, n.durationSteps) * divPerStep,
    pitch: n.pitch,
  }));
  const snapped = snapToGrid(timed, limits.shortestDivisions, changes);
  const hands = fitHands(splitHands(snapped, limits), limits, changes);
  const notes: ScoreNote[] = [
    ...assignVoices(hands, 1, limits.maxVoicesPerStaff, changes),
    ...assignVoices(hands, 2, limits.maxVoicesPerStaff, changes),
  ].sort((a, b) => a.onsetDiv - b.onsetDiv || a.staff - b.staff || a.voice - b.voice || a.pitch - b.pitch);

  const endDiv = Math.max(...notes.map((n) => n.onsetDiv + n.durDiv));
  const measures: ScoreMeasure[] = [];
  let start = 0;
  if (pickupDiv > 0) {
    measures.push({ number: 0, startDiv: 0, lengthDiv: pickupDiv, pickup: true });
    start = pickupDiv;
  }
  while (start < endDiv || measures.length === 0) {
    measures.push({ number: measures.length + (pickupDiv > 0 ? 0 : 1), startDiv: start, lengthDiv: barDiv, pickup: false });
    start += barDiv;
  }

  const tempos = tempoMarksFor(source, measures, originStep, divPerStep, factor, gridBpm);
  const harmonies = harmoniesFor(source.chords, originStep, divPerStep, start);
  return {
    title: source.title ?? 'Piano arrangement',
    key: source.key ?? keyFromNotes(source.notes),
    beatsPerBar,
    beatFactor: factor,
    measures,
    notes,
    tempos,
    harmonies,
    originStep,
    level: levelName,
    limits,
    changes,
  };
}

function tempoMarksFor(
  source: ScoreSource,
  measures: readonly ScoreMeasure[],
  originStep: number,
  divPerStep: number,
  factor: number,
  gridBpm: number,
): { div: number; bpm: number }[] {
  const t = source.beatTimesSec;
  const perMeasure = measures.map((m) => {
    if (!t || t.length < 2) return gridBpm * factor;
    const fromBeat = Math.floor((originStep + m.startDiv / divPerStep) / STEPS_PER_BEAT);
    const toBeat = Math.ceil((originStep + (m.startDiv + m.lengthDiv) / divPerStep) / STEPS_PER_BEAT);
    const bpms: number[] = [];
    for (let b = Math.max(0, fromBeat); b < Math.min(toBeat, t.length - 1); b++) bpms.push((60 / (t[b + 1] - t[b])) * factor);
    bpms.sort((a, b) => a - b);
    return bpms.length ? bpms[bpms.length >> 1] : NaN;
  });
  return tempoMarks(perMeasure).map((mk) => ({ div: measures[mk.measure].startDiv, bpm: mk.bpm }));
}

function harmoniesFor(
  chords: readonly Chord[] | undefined,
  originStep: number,
  divPerStep: number,
  endDiv: number,
): { div: number; chord: Chord }[] {
  if (!chords) return [];
  const out: { div: number; chord: Chord }[] = [];
  let prev = '';
  for (let b = 0; b < chords.length; b++) {
    const div = (b * STEPS_PER_BEAT - originStep) * divPerStep;
    const c = chords[b];
    if (div < 0) continue;
    if (div >= endDiv) break;
    if (c.label !== prev && c.root >= 0) out.push({ div, chord: c });
    prev = c.label;
  }
  return out;
}
