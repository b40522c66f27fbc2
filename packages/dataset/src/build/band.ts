/**
 * The `band` audio source: a seeded pop-band arrangement generated from a POP909 song's own material
 * (beat grid and downbeats, chord annotations, MELODY track), never from its PIANO/BRIDGE notes (the target)
 * except for the bars the `leak` knob lends to one comping part. See packages/dataset/README.md
 * ("Band audio") for the patterns, what is drawn and from which seed.
 */
import type { Pop909Song } from '../pop909/song.ts';
import { STEPS_PER_BEAT, type Chord, type Note } from '../score/types.ts';
import { InputError } from '../util/errors.ts';
import type { Rng } from '../util/rng.ts';
import { smfBytes, trackChunk, type TimedEvent } from './midi-writer.ts';

/** Bump when the generator's output for the same song and seed changes (part of the per-song cache key). */
export const BAND_GENERATOR_VERSION = 1;

/** Why a band note is there, beside the part's own pattern: `approach` (bass, leads into the next chord), `leak` (borrowed from the target). */
export type BandNoteRole = 'approach' | 'leak';

/** One generated note. Steps are absolute, {@link STEPS_PER_BEAT} per beat, step 0 = beat 0 of `beat_midi.txt`. */
export interface BandNote {
  onsetStep: number;
  durationSteps: number;
  pitch: number;
  velocity: number;
  /** Delay after the step in MIDI ticks (strums; 0 = on the grid). */
  delayTicks?: number;
  role?: BandNoteRole;
}

export type PartKind = 'drums' | 'bass' | 'comp' | 'lead';
export type CompStyle = 'strum-guitar' | 'picked-guitar' | 'pad' | 'strings' | 'organ' | 'electric-piano';
export const COMP_STYLES: readonly CompStyle[] = ['strum-guitar', 'picked-guitar', 'pad', 'strings', 'organ', 'electric-piano'];

export interface BandPart {
  name: string;
  kind: PartKind;
  /** Pattern family, e.g. `pop16` (drums), `syncopated` (bass), `strum-guitar` (comp), `melody` (lead). */
  style: string;
  /** MIDI channel 0–15; drums on 9 (GM channel 10). */
  channel: number;
  /** GM program (drums: the kit). */
  program: number;
  /** CC7 channel volume, CC10 pan, CC91 reverb send, CC93 chorus send. */
  volume: number;
  pan: number;
  reverb: number;
  chorus: number;
  notes: BandNote[];
}

/** A bar of the song: `beats` beats starting at `startBeat`. */
export interface Bar {
  startBeat: number;
  beats: number;
  /** 0-based bar index counted from the first downbeat; -1 for a pickup before it. */
  index: number;
}

export interface BandSection {
  startBar: number;
  bars: number;
  /** 0 sparse (intro, interlude, outro), 1 verse-like, 2 chorus-like. */
  energy: 0 | 1 | 2;
  /** The section holds MELODY notes. */
  vocal: boolean;
}

export interface BandArrangement {
  parts: BandPart[];
  bars: Bar[];
  sections: BandSection[];
  /** Median tempo of the beat grid. */
  tempoBpm: number;
  /** `half-time` at fast tempos, `sparse` at slow ones (drawn), else `normal`. */
  feel: 'normal' | 'half-time' | 'sparse';
  /** Bar indices (into `bars`) whose comping the borrowing part took from the target. */
  borrowedBars: number[];
  /** Relative level of the MELODY lead, 0 = absent. */
  melodyLevel: number;
  /** FluidSynth settings (`-o name=value`) for this song's mix. */
  fluidsynthSettings: Record<string, number>;
  /** Documented fallbacks taken for this song (e.g. no downbeats), empty when none. */
  fallbacks: string[];
}

export interface BandOptions {
  /** Share of bars in [0, 1] whose comping one part borrows from the target (PIANO + BRIDGE). */
  leak: number;
  /** Number of comping parts, drawn uniformly in [min, max]. */
  compParts: { min: number; max: number };
  /** Probability that the MELODY lead is absent. */
  melodyAbsent: number;
  /** Draw FluidSynth reverb/chorus settings per song (off: FluidSynth's defaults). */
  effects: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Pools

const GM = { kick: 36, rim: 37, snare: 38, clap: 39, closedHat: 42, pedalHat: 44, openHat: 46, lowTom: 45, midTom: 47, highTom: 50, floorTom: 41, crash: 49, ride: 51, tambourine: 54 } as const;
/** Drum kits (program on channel 10): standard, room, power, jazz. */
const DRUM_KITS = [0, 8, 16, 32];
const BASS_PROGRAMS = [32, 33, 34, 35, 38, 39];
const COMP_PROGRAMS: Record<CompStyle, readonly number[]> = {
  'strum-guitar': [24, 25],
  'picked-guitar': [25, 26, 27],
  pad: [88, 89, 90, 94, 95],
  strings: [48, 49, 50],
  organ: [16, 17, 18],
  'electric-piano': [4, 5],
};
/** Lead programs: voice-like (choir, voice oohs, synth voice, lead voice) and lead instruments. */
const LEAD_PROGRAMS = [52, 53, 54, 85, 40, 56, 65, 71, 73, 80, 81];

/** Drum grooves over a 4-beat bar (16 steps): per drum a 16-character string, `x` hit, `o` accented hit, `.` rest. */
interface Groove {
  name: string;
  lines: { drum: number; pattern: string; velocity: number }[];
}
const G = (name: string, lines: [number, string, number][]): Groove => ({ name, lines: lines.map(([drum, pattern, velocity]) => ({ drum, pattern, velocity })) });
const GROOVES: Record<string, Groove> = {
  rock8: G('rock8', [[GM.closedHat, 'o.x.o.x.o.x.o.x.', 80], [GM.kick, 'o.......o.x.....', 105], [GM.snare, '....o.......o...', 105]]),
  pop16: G('pop16', [[GM.closedHat, 'oxxxoxxxoxxxoxxx', 65], [GM.kick, 'o.....x.o.......', 105], [GM.snare, '....o.......o...', 105]]),
  disco: G('disco', [[GM.closedHat, 'x...x...x...x...', 70], [GM.openHat, '..o...o...o...o.', 75], [GM.kick, 'o...o...o...o...', 105], [GM.clap, '....o.......o...', 95]]),
  ride: G('ride', [[GM.ride, 'o.x.o.x.o.x.o.x.', 75], [GM.kick, 'o.....x...x.....', 100], [GM.snare, '....o.......o...', 100]]),
  ballad: G('ballad', [[GM.closedHat, 'x.x.x.x.x.x.x.x.', 55], [GM.kick, 'o.......o..x....', 95], [GM.rim, '....o.......o...', 85]]),
  sparse: G('sparse', [[GM.closedHat, 'x...x...x...x...', 50], [GM.kick, 'o...............', 90], [GM.rim, '........o.......', 75]]),
  halftime: G('halftime', [[GM.closedHat, 'o.x.o.x.o.x.o.x.', 75], [GM.kick, 'o.........x.....', 105], [GM.snare, '........o.......', 110]]),
  halftime16: G('halftime16', [[GM.closedHat, 'oxxxoxxxoxxxoxxx', 60], [GM.kick, 'o.....x...x.....', 100], [GM.snare, '........o.......', 110]]),
};
/** Grooves per energy level and feel. Energy 0 may also mean no drums at all (drawn). */
const GROOVE_POOLS: Record<BandArrangement['feel'], readonly [readonly string[], readonly string[], readonly string[]]> = {
  normal: [['sparse', 'ballad'], ['rock8', 'ballad', 'ride', 'pop16'], ['pop16', 'rock8', 'disco', 'ride']],
  'half-time': [['sparse'], ['halftime', 'halftime16'], ['halftime16', 'halftime', 'rock8']],
  sparse: [['sparse'], ['ballad', 'sparse'], ['ballad', 'rock8']],
};
/** Fills over the last beat (4 steps) or the last two beats (8 steps) of a phrase. */
const FILLS: readonly (readonly [number, number][])[] = [
  [[GM.snare, 0], [GM.snare, 1], [GM.snare, 2], [GM.snare, 3]],
  [[GM.highTom, 0], [GM.highTom, 1], [GM.midTom, 2], [GM.lowTom, 3]],
  [[GM.snare, 0], [GM.kick, 1], [GM.snare, 2], [GM.snare, 3]],
  [[GM.snare, 0], [GM.snare, 2], [GM.highTom, 4], [GM.midTom, 5], [GM.lowTom, 6], [GM.floorTom, 7]],
  [[GM.highTom, 0], [GM.highTom, 2], [GM.midTom, 4], [GM.midTom, 5], [GM.floorTom, 6], [GM.floorTom, 7]],
];

/** Bass rhythms over a 4-beat bar: [step, duration, degree]: `r` bass note (chord bass, else root), `5` fifth when in the chord, `8` octave above. */
const BASS_PATTERNS: Record<string, readonly [number, number, 'r' | '5' | '8'][]> = {
  whole: [[0, 16, 'r']],
  half: [[0, 8, 'r'], [8, 8, 'r']],
  quarters: [[0, 4, 'r'], [4, 4, 'r'], [8, 4, 'r'], [12, 4, 'r']],
  'root-fifth': [[0, 4, 'r'], [4, 4, '5'], [8, 4, 'r'], [12, 4, '5']],
  eighths: [0, 2, 4, 6, 8, 10, 12, 14].map((s) => [s, 2, 'r'] as [number, number, 'r']),
  syncopated: [[0, 6, 'r'], [6, 2, 'r'], [8, 4, 'r'], [12, 2, '5'], [14, 2, 'r']],
  octave: [0, 2, 4, 6, 8, 10, 12, 14].map((s, i) => [s, 2, i % 2 === 0 ? 'r' : '8'] as [number, number, 'r' | '8']),
};
const BASS_POOLS: readonly [readonly string[], readonly string[], readonly string[]] = [
  ['whole', 'half'],
  ['half', 'quarters', 'root-fifth', 'syncopated'],
  ['eighths', 'syncopated', 'octave', 'quarters'],
];

/** Comping rhythms over a 4-beat bar: [step, duration] (durations are clipped at the next hit and chord change). */
const COMP_RHYTHMS: Record<CompStyle, Record<string, readonly [number, number][]>> = {
  'strum-guitar': {
    'down-up': [[0, 4], [4, 2], [6, 4], [10, 2], [12, 2], [14, 2]],
    eighths: [0, 2, 4, 6, 8, 10, 12, 14].map((s) => [s, 2] as [number, number]),
    quarters: [[0, 4], [4, 4], [8, 4], [12, 4]],
    offbeat: [[2, 2], [6, 2], [10, 2], [14, 2]],
  },
  'picked-guitar': {
    eighths: [0, 2, 4, 6, 8, 10, 12, 14].map((s) => [s, 2] as [number, number]),
    'dotted': [[0, 3], [3, 3], [6, 2], [8, 3], [11, 3], [14, 2]],
  },
  pad: { whole: [[0, 16]], half: [[0, 8], [8, 8]] },
  strings: { whole: [[0, 16]], half: [[0, 8], [8, 8]] },
  organ: { whole: [[0, 16]], stabs: [[2, 1], [6, 1], [10, 1], [14, 1]], quarters: [[0, 3], [4, 3], [8, 3], [12, 3]] },
  'electric-piano': {
    charleston: [[0, 3], [6, 2], [8, 3], [14, 2]],
    offbeats: [[2, 2], [6, 2], [10, 2], [14, 2]],
    syncopated: [[0, 3], [3, 3], [6, 4], [10, 2], [12, 4]],
    quarters: [[0, 3], [4, 3], [8, 3], [12, 3]],
  },
};
/** Register (lowest, highest pitch) and notes per voicing of each comping style. */
const COMP_REGISTER: Record<CompStyle, { lo: number; hi: number; voices: number }> = {
  'strum-guitar': { lo: 40, hi: 69, voices: 5 },
  'picked-guitar': { lo: 45, hi: 74, voices: 4 },
  pad: { lo: 57, hi: 81, voices: 4 },
  strings: { lo: 60, hi: 84, voices: 3 },
  organ: { lo: 53, hi: 77, voices: 4 },
  'electric-piano': { lo: 58, hi: 79, voices: 4 },
};

// ---------------------------------------------------------------------------------------------------------
// Form: bars, phrases, sections, tempo

/**
 * Bars from the downbeats of `beat_midi.txt`: each downbeat opens a bar that lasts to the next one (so
 * metre changes give bars of other lengths); beats before the first downbeat form a pickup bar. With no
 * downbeat at all, bars of 4 beats from beat 0 (a documented fallback, reported in `fallbacks`).
 */
export function barsOf(song: Pick<Pop909Song, 'beatGrid' | 'metre'>): { bars: Bar[]; fallback?: string } {
  const n = song.beatGrid.timesSec.length;
  const downs = song.metre.downbeatBeats.filter((b) => b < n);
  const bars: Bar[] = [];
  if (downs.length === 0) {
    for (let b = 0, i = 0; b < n; b += 4, i++) bars.push({ startBeat: b, beats: Math.min(4, n - b), index: i });
    return { bars, fallback: 'no downbeats in beat_midi.txt: bars of 4 beats from the first beat' };
  }
  if (downs[0] > 0) bars.push({ startBeat: 0, beats: downs[0], index: -1 });
  downs.forEach((d, i) => {
    const end = i + 1 < downs.length ? downs[i + 1] : Math.min(n, d + Math.max(1, song.metre.beatsPerBar || 4));
    bars.push({ startBeat: d, beats: Math.max(1, end - d), index: i });
  });
  // Beats after the last full bar: one more (partial) bar so nothing is left without a part.
  const last = bars[bars.length - 1];
  if (last.startBeat + last.beats < n) bars.push({ startBeat: last.startBeat + last.beats, beats: n - last.startBeat - last.beats, index: last.index + 1 });
  return { bars };
}

/** Median tempo (BPM) of the beat grid. */
export function medianTempo(timesSec: Float64Array): number {
  const d: number[] = [];
  for (let i = 1; i < timesSec.length; i++) d.push(timesSec[i] - timesSec[i - 1]);
  d.sort((a, b) => a - b);
  return d.length > 0 ? 60 / d[d.length >> 1] : 120;
}

/** Sections of 8 bars (phrases of 4) counted from the first downbeat; energy from the MELODY (absent → 0; higher than the song's median register → 2). */
function sectionsOf(bars: readonly Bar[], melody: readonly Note[], rng: Rng): BandSection[] {
  const regular = bars.filter((b) => b.index >= 0);
  const sections: BandSection[] = [];
  const barOfStep = (step: number): number => {
    const beat = Math.floor(step / STEPS_PER_BEAT);
    let lo = 0;
    let hi = bars.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bars[mid].startBeat <= beat) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const pitchesByBar: number[][] = bars.map(() => []);
  for (const n of melody) if (n.onsetStep >= 0) pitchesByBar[barOfStep(n.onsetStep)].push(n.pitch);
  const all = melody.map((n) => n.pitch).sort((a, b) => a - b);
  const median = all.length > 0 ? all[all.length >> 1] : 0;
  const firstRegular = bars.findIndex((b) => b.index >= 0);
  if (firstRegular > 0) sections.push({ startBar: 0, bars: firstRegular, energy: 0, vocal: pitchesByBar[0].length > 0 });
  for (let s = 0; s < regular.length; s += 8) {
    const startBar = firstRegular + s;
    const count = Math.min(8, regular.length - s);
    const pitches = pitchesByBar.slice(startBar, startBar + count).flat();
    const vocal = pitches.length >= 4;
    let energy: 0 | 1 | 2;
    if (!vocal) energy = rng.bernoulli(0.7) ? 0 : 1;
    else {
      const mean = pitches.reduce((a, b) => a + b, 0) / pitches.length;
      energy = mean > median ? (rng.bernoulli(0.8) ? 2 : 1) : rng.bernoulli(0.8) ? 1 : 2;
    }
    sections.push({ startBar, bars: count, energy, vocal });
  }
  return sections;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

const mod12 = (n: number): number => ((n % 12) + 12) % 12;
const clampVel = (v: number): number => Math.max(1, Math.min(127, Math.round(v)));
const hasChord = (c: Chord | undefined): c is Chord => c !== undefined && c.root >= 0 && c.pcMask !== 0;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];
const sameChord = (a: Chord | undefined, b: Chord | undefined): boolean => (a?.pcMask ?? 0) === (b?.pcMask ?? 0) && (a?.bass ?? -1) === (b?.bass ?? -1) && (a?.root ?? -1) === (b?.root ?? -1);

/** Step where the chord sounding at `step` stops (next beat with a different chord, or the song end). */
function chordEndStep(chords: readonly Chord[], step: number): number {
  const beat = Math.floor(step / STEPS_PER_BEAT);
  let b = beat + 1;
  while (b < chords.length && sameChord(chords[b], chords[beat])) b++;
  return b * STEPS_PER_BEAT;
}

/** Pitch of pitch class `pc` nearest to `near`, kept within [lo, hi]. */
function nearestPitch(pc: number, near: number, lo: number, hi: number): number {
  let p = near + mod12(pc - near);
  if (p - near > 6) p -= 12;
  while (p < lo) p += 12;
  while (p > hi) p -= 12;
  return p;
}

/** The chord tones a voicing uses, at most `voices`: root, third, seventh, fifth, then extensions. */
function voicingPcs(chord: Chord, voices: number): number[] {
  const pcs: number[] = [];
  for (let i = 0; i < 12; i++) if (chord.pcMask & (1 << mod12(chord.root + i))) pcs.push(i);
  const priority = [0, 4, 3, 10, 11, 7, 6, 8, 9, 2, 5, 1];
  const ordered = priority.filter((i) => pcs.includes(i)).slice(0, voices);
  return ordered.map((i) => mod12(chord.root + i));
}

/** Close-position voicings (every inversion, every octave in range); the one nearest to `prev` (sum of distances) wins. */
function voiceChord(chord: Chord, style: CompStyle, prev: number[] | undefined): number[] {
  const { lo, hi, voices } = COMP_REGISTER[style];
  if (style === 'strum-guitar') return guitarVoicing(chord, lo, hi, voices);
  const pcs = voicingPcs(chord, voices).sort((a, b) => a - b);
  let best: number[] = [];
  let bestCost = Infinity;
  for (let inv = 0; inv < pcs.length; inv++) {
    const order = [...pcs.slice(inv), ...pcs.slice(0, inv)];
    for (let base = lo; base < lo + 12; base++) {
      if (mod12(base) !== order[0]) continue;
      const v = [base];
      for (let k = 1; k < order.length; k++) {
        let p = v[k - 1] + 1;
        while (mod12(p) !== order[k]) p++;
        v.push(p);
      }
      if (v[v.length - 1] > hi) continue;
      const centre = (lo + hi) / 2;
      const cost = prev && prev.length > 0
        ? v.reduce((s, p, k) => s + Math.abs(p - prev[Math.min(k, prev.length - 1)]), 0)
        : Math.abs((v[0] + v[v.length - 1]) / 2 - centre);
      if (cost < bestCost) {
        bestCost = cost;
        best = v;
      }
    }
  }
  return best;
}

/** Guitar-like open voicing: the chord's bass (else root) in the lowest string range, then chord tones stacked at least a minor third apart. */
function guitarVoicing(chord: Chord, lo: number, hi: number, voices: number): number[] {
  const bassPc = chord.bass >= 0 ? chord.bass : chord.root;
  const v = [nearestPitch(bassPc, lo + 5, lo, lo + 11)];
  const pcs = voicingPcs(chord, 4);
  let k = 0;
  let p = v[0] + 3;
  while (v.length < voices && p <= hi) {
    const want = pcs[(k + 1) % pcs.length];
    if (mod12(p) === want || (mod12(p) !== mod12(v[v.length - 1]) && pcs.includes(mod12(p)) && p - v[v.length - 1] >= 3)) {
      v.push(p);
      k++;
      p += 3;
    } else p++;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// Parts

interface Ctx {
  bars: readonly Bar[];
  sections: readonly BandSection[];
  chords: readonly Chord[];
  totalSteps: number;
  sectionOfBar: number[];
}

function drumPart(ctx: Ctx, feel: BandArrangement['feel'], rng: Rng): BandPart {
  const pools = GROOVE_POOLS[feel];
  const grooveByEnergy = [pick(rng, pools[0]), pick(rng, pools[1]), pick(rng, pools[2])];
  const silentIntro = rng.bernoulli(0.3);
  const fillProb = rng.uniform(0.3, 0.7);
  const notes: BandNote[] = [];
  const hit = (step: number, drum: number, vel: number): void => {
    if (step >= 0 && step < ctx.totalSteps) notes.push({ onsetStep: step, durationSteps: 1, pitch: drum, velocity: clampVel(vel + rng.normal() * 5) });
  };
  ctx.bars.forEach((bar, bi) => {
    const section = ctx.sections[ctx.sectionOfBar[bi]];
    // Pickup bars before the first downbeat stay silent; so do instrumental sparse sections when drawn.
    if (bar.index < 0 || (section.energy === 0 && silentIntro && !section.vocal)) return;
    const groove = GROOVES[grooveByEnergy[section.energy]];
    const barStart = bar.startBeat * STEPS_PER_BEAT;
    const barSteps = bar.beats * STEPS_PER_BEAT;
    const inSection = bi - section.startBar;
    const sectionEnd = inSection === section.bars - 1;
    const phraseEnd = bar.index >= 0 && (inSection + 1) % 4 === 0;
    let fillFrom = barSteps;
    if (bar.index >= 0 && (sectionEnd || (phraseEnd && rng.bernoulli(fillProb)))) {
      const fill = pick(rng, FILLS.filter((f) => f[f.length - 1][1] < barSteps));
      const len = fill[fill.length - 1][1] < 4 ? 4 : 8;
      fillFrom = barSteps - len;
      for (const [drum, at] of fill) hit(barStart + fillFrom + at, drum, 80 + 6 * at);
    }
    for (let s = 0; s < fillFrom; s++) {
      const pos = s % 16;
      for (const line of groove.lines) {
        const c = line.pattern[pos];
        if (c === 'x') hit(barStart + s, line.drum, line.velocity - 12);
        else if (c === 'o') hit(barStart + s, line.drum, line.velocity);
      }
    }
    if (inSection === 0 && bar.index >= 0 && section.energy > 0) hit(barStart, GM.crash, 100);
  });
  notes.sort((a, b) => a.onsetStep - b.onsetStep || a.pitch - b.pitch);
  return { name: 'DRUMS', kind: 'drums', style: grooveByEnergy.join('/'), channel: 9, program: pick(rng, DRUM_KITS), volume: 0, pan: 64, reverb: 0, chorus: 0, notes };
}

function bassPart(ctx: Ctx, rng: Rng): BandPart {
  const styleByEnergy = [pick(rng, BASS_POOLS[0]), pick(rng, BASS_POOLS[1]), pick(rng, BASS_POOLS[2])];
  const approachProb = rng.uniform(0.15, 0.5);
  const notes: BandNote[] = [];
  let prev = 38;
  ctx.bars.forEach((bar, bi) => {
    const section = ctx.sections[ctx.sectionOfBar[bi]];
    const pattern = BASS_PATTERNS[styleByEnergy[section.energy]];
    const barStart = bar.startBeat * STEPS_PER_BEAT;
    const barSteps = bar.beats * STEPS_PER_BEAT;
    // Pickup bars play the end of the pattern.
    const shift = bar.index < 0 ? 16 - (barSteps % 16 || 16) : 0;
    for (let rep = 0; rep * 16 < barSteps + shift; rep++) {
      for (const [at, dur, degree] of pattern) {
        const local = rep * 16 + at - shift;
        if (local < 0 || local >= barSteps) continue;
        const step = barStart + local;
        const beat = Math.floor(step / STEPS_PER_BEAT);
        const chord = ctx.chords[beat];
        if (!hasChord(chord)) continue;
        const bassPc = chord.bass >= 0 ? chord.bass : chord.root;
        let pc = bassPc;
        if (degree === '5' && chord.pcMask & (1 << mod12(chord.root + 7))) pc = mod12(chord.root + 7);
        let pitch = nearestPitch(pc, prev, 28, 50);
        if (degree === '8') pitch = nearestPitch(bassPc, prev, 28, 43) + 12;
        else prev = pitch;
        const end = Math.min(step + dur, chordEndStep(ctx.chords, step), barStart + barSteps, ctx.totalSteps);
        notes.push({ onsetStep: step, durationSteps: Math.max(1, end - step), pitch, velocity: clampVel(95 + (at % 4 === 0 ? 8 : -6) + rng.normal() * 4) });
      }
    }
  });
  // Approach notes: the last eighth before a chord change leads by a semitone or a whole tone into the
  // next chord's first bass note (only where a bass note starts on the change).
  notes.sort((a, b) => a.onsetStep - b.onsetStep);
  const starts = new Map(notes.map((n, i) => [n.onsetStep, i]));
  const out: BandNote[] = [];
  const approachAt = new Map<number, BandNote>();
  for (let beat = 1; beat < ctx.chords.length; beat++) {
    if (!hasChord(ctx.chords[beat]) || !hasChord(ctx.chords[beat - 1]) || sameChord(ctx.chords[beat], ctx.chords[beat - 1])) continue;
    const change = beat * STEPS_PER_BEAT;
    const target = starts.get(change);
    if (target === undefined || !rng.bernoulli(approachProb)) continue;
    const t = notes[target].pitch;
    const offset = pick(rng, [-1, 1, -2]);
    approachAt.set(change - 2, { onsetStep: change - 2, durationSteps: 2, pitch: Math.max(24, t + offset), velocity: 80, role: 'approach' });
  }
  const approaches = [...approachAt.values()];
  for (const n of notes) {
    // Notes overlapping an approach slot are cut before it, or dropped when they start inside it.
    let end = n.onsetStep + n.durationSteps;
    let drop = false;
    for (const a of approaches) {
      if (n.onsetStep >= a.onsetStep && n.onsetStep < a.onsetStep + a.durationSteps) drop = true;
      else if (n.onsetStep < a.onsetStep && end > a.onsetStep) end = a.onsetStep;
    }
    if (!drop) out.push(end === n.onsetStep + n.durationSteps ? n : { ...n, durationSteps: end - n.onsetStep });
  }
  out.push(...approachAt.values());
  out.sort((a, b) => a.onsetStep - b.onsetStep || a.pitch - b.pitch);
  return { name: 'BASS', kind: 'bass', style: styleByEnergy.join('/'), channel: 1, program: pick(rng, BASS_PROGRAMS), volume: 0, pan: 64, reverb: 0, chorus: 0, notes: out };
}

function compPart(ctx: Ctx, style: CompStyle, channel: number, rng: Rng): BandPart {
  const rhythms = COMP_RHYTHMS[style];
  const names = Object.keys(rhythms);
  const rhythmByEnergy = [pick(rng, names), pick(rng, names), pick(rng, names)];
  const arpOrder = pick(rng, ['up', 'up-down', 'pinch']);
  const notes: BandNote[] = [];
  let prevVoicing: number[] | undefined;
  let arpIndex = 0;
  ctx.bars.forEach((bar, bi) => {
    const section = ctx.sections[ctx.sectionOfBar[bi]];
    // Sparse sections drop some comping parts (drawn per bar from the part's stream).
    if (section.energy === 0 && style !== 'pad' && style !== 'strings' && rng.bernoulli(0.5)) return;
    const rhythm = rhythms[rhythmByEnergy[section.energy]];
    const barStart = bar.startBeat * STEPS_PER_BEAT;
    const barSteps = bar.beats * STEPS_PER_BEAT;
    const hits: [number, number][] = [];
    for (let rep = 0; rep * 16 < barSteps; rep++) for (const [at, dur] of rhythm) if (rep * 16 + at < barSteps) hits.push([rep * 16 + at, dur]);
    // Sustained styles restrike at every chord change inside the bar.
    if (style === 'pad' || style === 'strings' || (style === 'organ' && rhythmByEnergy[section.energy] === 'whole')) {
      for (let b = 1; b < bar.beats; b++) {
        const s = b * STEPS_PER_BEAT;
        if (!sameChord(ctx.chords[bar.startBeat + b], ctx.chords[bar.startBeat + b - 1]) && !hits.some(([h]) => h === s)) hits.push([s, barSteps - s]);
      }
      hits.sort((a, b) => a[0] - b[0]);
    }
    hits.forEach(([at, dur], hi) => {
      const step = barStart + at;
      const chord = ctx.chords[Math.floor(step / STEPS_PER_BEAT)];
      if (!hasChord(chord)) return;
      const next = hi + 1 < hits.length ? barStart + hits[hi + 1][0] : barStart + barSteps;
      const end = Math.min(step + dur, next, chordEndStep(ctx.chords, step), ctx.totalSteps);
      const durationSteps = Math.max(1, end - step);
      const voicing = voiceChord(chord, style, prevVoicing);
      prevVoicing = voicing;
      const accent = at % 4 === 0 ? 8 : -4;
      if (style === 'picked-guitar') {
        const order = arpOrder === 'up' ? voicing : arpOrder === 'up-down' ? [...voicing, ...voicing.slice(1, -1).reverse()] : [voicing[0], voicing[voicing.length - 1], voicing[1] ?? voicing[0], voicing[voicing.length - 1]];
        const pitch = order[arpIndex++ % order.length];
        notes.push({ onsetStep: step, durationSteps, pitch, velocity: clampVel(75 + accent + rng.normal() * 5) });
        return;
      }
      const up = style === 'strum-guitar' && at % 4 !== 0;
      const strum = style === 'strum-guitar' ? rng.int(6) + 6 : 0;
      const ordered = up ? [...voicing].reverse() : voicing;
      ordered.forEach((pitch, k) => {
        notes.push({ onsetStep: step, durationSteps, pitch, velocity: clampVel((style === 'pad' || style === 'strings' ? 70 : 80) + accent - (up ? 10 : 0) + rng.normal() * 4), ...(strum > 0 ? { delayTicks: k * strum } : {}) });
      });
    });
  });
  notes.sort((a, b) => a.onsetStep - b.onsetStep || a.pitch - b.pitch);
  return { name: style.toUpperCase(), kind: 'comp', style: `${style}:${rhythmByEnergy.join('/')}`, channel, program: pick(rng, COMP_PROGRAMS[style]), volume: 0, pan: 64, reverb: 0, chorus: 0, notes };
}

/**
 * Lends bars of the target (PIANO + BRIDGE) to a comping part: each bar is borrowed with probability
 * `leak` (draws from their own stream, so the rest of the arrangement does not depend on `leak`); in a
 * borrowed bar the part plays the target's notes of that bar (onsets, pitches, durations, velocities:
 * role `leak`) instead of its own pattern.
 */
function borrowTarget(part: BandPart, bars: readonly Bar[], target: readonly Note[], leak: number, rng: Rng): number[] {
  const borrowed: number[] = [];
  bars.forEach((_, i) => {
    const u = rng.next();
    if (u < leak) borrowed.push(i);
  });
  if (borrowed.length === 0) return borrowed;
  const inBorrowed = (step: number): boolean => {
    const beat = Math.floor(step / STEPS_PER_BEAT);
    return borrowed.some((i) => beat >= bars[i].startBeat && beat < bars[i].startBeat + bars[i].beats);
  };
  part.notes = part.notes.filter((n) => !inBorrowed(n.onsetStep));
  for (const n of target) {
    if (n.onsetStep >= 0 && inBorrowed(n.onsetStep)) part.notes.push({ onsetStep: n.onsetStep, durationSteps: n.durationSteps, pitch: n.pitch, velocity: n.velocity, role: 'leak' });
  }
  part.notes.sort((a, b) => a.onsetStep - b.onsetStep || a.pitch - b.pitch);
  return borrowed;
}

/**
 * Generates a song's band arrangement. `rng` is the song's stream (build seed forked by song id); every
 * concern draws from its own fork (`form`, `drums`, `bass`, `comp`, `lead`, `mix`, `leak`), so changing one
 * knob changes only what depends on it. Throws {@link InputError} when the song has no chord on any beat.
 */
export function generateBand(song: Pick<Pop909Song, 'id' | 'beatGrid' | 'metre' | 'notes' | 'chords' | 'files'>, opts: BandOptions, rng: Rng): BandArrangement {
  const nBeats = song.beatGrid.timesSec.length;
  if (!song.chords.some(hasChord)) {
    throw new InputError({ file: song.files.chordMidi ?? song.id, songId: song.id, message: 'no chord on any beat (only N/X): the band needs chord annotations for its bass and comping parts' });
  }
  const fallbacks: string[] = [];
  const { bars, fallback } = barsOf(song);
  if (fallback) fallbacks.push(fallback);
  const nBeatsNoChord = song.chords.filter((c) => !hasChord(c)).length;
  if (nBeatsNoChord > 0) fallbacks.push(`${nBeatsNoChord} of ${nBeats} beats without a chord (N/X): bass and comping rest there, drums and lead go on`);
  const melody = song.notes.filter((n) => n.track === 'MELODY' && n.onsetStep >= 0);
  const target = song.notes.filter((n) => n.track !== 'MELODY');
  const form = rng.fork('form');
  const tempoBpm = medianTempo(song.beatGrid.timesSec);
  let feel: BandArrangement['feel'] = 'normal';
  if (tempoBpm >= 125 && form.bernoulli(0.7)) feel = 'half-time';
  else if (tempoBpm < 80 && form.bernoulli(0.7)) feel = 'sparse';
  const sections = sectionsOf(bars, melody, form);
  const sectionOfBar: number[] = [];
  sections.forEach((s, i) => {
    for (let b = 0; b < s.bars; b++) sectionOfBar[s.startBar + b] = i;
  });
  const ctx: Ctx = { bars, sections, chords: song.chords, totalSteps: nBeats * STEPS_PER_BEAT, sectionOfBar };

  const parts: BandPart[] = [drumPart(ctx, feel, rng.fork('drums')), bassPart(ctx, rng.fork('bass'))];
  const compRng = rng.fork('comp');
  const nComp = opts.compParts.min + compRng.int(opts.compParts.max - opts.compParts.min + 1);
  const styles = compRng.shuffle(COMP_STYLES).slice(0, Math.min(nComp, COMP_STYLES.length));
  styles.forEach((style, i) => parts.push(compPart(ctx, style, 2 + i, compRng.fork(style))));
  // The borrowing part: the first drawn comping part with a rhythmic (not sustained) style, else the first.
  const borrower = parts.find((p) => p.kind === 'comp' && !/^(pad|strings):/.test(p.style)) ?? parts.find((p) => p.kind === 'comp');
  const borrowedBars = borrower && opts.leak > 0 ? borrowTarget(borrower, bars, target, opts.leak, rng.fork('leak')) : [];

  const leadRng = rng.fork('lead');
  const melodyLevel = leadRng.bernoulli(opts.melodyAbsent) || melody.length === 0 ? 0 : leadRng.uniform(0.25, 1);
  const leadProgram = pick(leadRng, LEAD_PROGRAMS);
  if (melodyLevel > 0) {
    parts.push({
      name: 'LEAD', kind: 'lead', style: 'melody', channel: 8, program: leadProgram, volume: 0, pan: 64, reverb: 0, chorus: 0,
      notes: melody.map((n) => ({ onsetStep: n.onsetStep, durationSteps: n.durationSteps, pitch: n.pitch, velocity: clampVel(n.velocity) })),
    });
  }

  const mix = rng.fork('mix');
  for (const p of parts) {
    if (p.kind === 'drums') p.volume = Math.round(mix.uniform(80, 115));
    else if (p.kind === 'bass') p.volume = Math.round(mix.uniform(85, 115));
    else if (p.kind === 'comp') p.volume = Math.round(mix.uniform(50, 100));
    else p.volume = Math.round(40 + 80 * melodyLevel);
    p.pan = p.kind === 'comp' ? Math.round(mix.uniform(24, 104)) : 64;
    p.reverb = Math.round(p.kind === 'bass' ? mix.uniform(0, 30) : mix.uniform(20, 90));
    p.chorus = Math.round(p.kind === 'bass' || p.kind === 'drums' ? 0 : mix.uniform(0, 60));
  }
  const fluidsynthSettings: Record<string, number> = opts.effects
    ? {
        'synth.reverb.room-size': round3(mix.uniform(0.2, 0.9)),
        'synth.reverb.damp': round3(mix.uniform(0, 0.6)),
        'synth.reverb.width': round3(mix.uniform(0.5, 1)),
        'synth.reverb.level': round3(mix.uniform(0.3, 0.9)),
        'synth.chorus.nr': 2 + mix.int(4),
        'synth.chorus.level': round3(mix.uniform(0.5, 2)),
        'synth.chorus.speed': round3(mix.uniform(0.2, 1)),
        'synth.chorus.depth': round3(mix.uniform(2, 10)),
      }
    : {};
  return { parts, bars, sections, tempoBpm, feel, borrowedBars, melodyLevel, fluidsynthSettings, fallbacks };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

// ---------------------------------------------------------------------------------------------------------
// MIDI

/** Ticks per beat of the band MIDI: one beat of `beat_midi.txt` = one quarter note. */
export const BAND_PPQ = 480;
const TICKS_PER_STEP = BAND_PPQ / STEPS_PER_BEAT;

/**
 * Encodes an arrangement as a Standard MIDI File (format 1) whose tempo map puts beat `i` of
 * `beat_midi.txt` at its time (one quarter note per beat; a first quarter note of pre-roll lasts until
 * beat 0). Tempo values are cumulative-rounded to the microsecond, so beats never drift. Drums on channel
 * 10; each part gets its program, volume, pan, reverb and chorus sends at tick 0; approach notes carry a
 * marker event `approach`.
 */
export function encodeBandMidi(arr: BandArrangement, beatTimesSec: Float64Array): Uint8Array {
  const pre = beatTimesSec[0] > 0 ? BAND_PPQ : 0;
  const conductor: TimedEvent[] = [];
  const us = Array.from(beatTimesSec, (t) => Math.round(t * 1e6));
  let tick = 0;
  if (pre > 0) {
    conductor.push({ tick: 0, order: 0, bytes: tempo(us[0]) });
    tick = pre;
  }
  for (let i = 0; i + 1 < us.length; i++, tick += BAND_PPQ) conductor.push({ tick, order: 0, bytes: tempo(us[i + 1] - us[i]) });
  conductor.push({ tick: 0, order: 1, bytes: [0xff, 0x58, 0x04, 4, 2, 24, 8] });
  const chunks = [trackChunk(conductor)];
  for (const p of arr.parts) {
    const ch = p.channel;
    const name = Array.from(p.name, (c) => c.charCodeAt(0) & 127);
    const ev: TimedEvent[] = [
      { tick: 0, order: -2, bytes: [0xff, 0x03, name.length, ...name] },
      { tick: 0, order: -1, bytes: [0xc0 | ch, p.program & 127] },
      { tick: 0, order: -1, bytes: [0xb0 | ch, 7, p.volume & 127] },
      { tick: 0, order: -1, bytes: [0xb0 | ch, 10, p.pan & 127] },
      { tick: 0, order: -1, bytes: [0xb0 | ch, 91, p.reverb & 127] },
      { tick: 0, order: -1, bytes: [0xb0 | ch, 93, p.chorus & 127] },
    ];
    for (const n of p.notes) {
      const on = pre + n.onsetStep * TICKS_PER_STEP + (n.delayTicks ?? 0);
      const off = pre + (n.onsetStep + n.durationSteps) * TICKS_PER_STEP - (p.kind === 'drums' ? TICKS_PER_STEP / 2 : 1);
      if (n.role === 'approach') ev.push({ tick: on, order: 2, bytes: [0xff, 0x06, 8, ...Array.from('approach', (c) => c.charCodeAt(0))] });
      ev.push({ tick: on, order: 3, bytes: [0x90 | ch, n.pitch & 127, n.velocity & 127] });
      ev.push({ tick: Math.max(on + 1, off), order: 1, bytes: [0x80 | ch, n.pitch & 127, 64] });
    }
    chunks.push(trackChunk(ev));
  }
  return smfBytes(chunks, BAND_PPQ);
}

function tempo(microsPerQuarter: number): number[] {
  const mpq = Math.max(1, Math.min(0xffffff, microsPerQuarter));
  return [0xff, 0x51, 0x03, (mpq >> 16) & 255, (mpq >> 8) & 255, mpq & 255];
}
