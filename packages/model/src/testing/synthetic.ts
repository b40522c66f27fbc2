/**
 * Synthetic, structured batches for tests and benchmarks (no dataset needed): two chords per segment, block
 * chords on beats, a bass note per bar, a melody-like top line, and "audio" features that are a blurred
 * function of the notes, so that every encoder has something learnable.
 */
import { createRng, type Note, SEGMENT_BEATS, SEGMENT_STEPS, STEPS_PER_BEAT } from '@a2s/dataset';
import type { BatchSource } from '../train/trainer.ts';
import type { TrainKnobs } from '../net/model.ts';
import {
  AUX_DIMS,
  CHORD_DIMS,
  DUR_PAD,
  DURATION_BITS,
  PIANOTREE_COLUMNS,
  PIANOTREE_MAX_NOTES,
  PITCH_EOS,
  PITCH_PAD,
  PITCH_SOS,
  PITCHES,
  type Batch,
} from '@a2s/features';

const TRIADS = [
  [0, 4, 7],
  [0, 3, 7],
];

export interface SyntheticOptions {
  size: number;
  audioFrames: number;
  audioBins: number;
  seed: number;
}

/** Notes of one synthetic segment, sorted by onset then pitch. */
export function syntheticNotes(seed: number): { notes: Note[]; chordRoots: number[]; minor: boolean[] } {
  const rng = createRng(seed);
  const chordRoots: number[] = [];
  const minor: boolean[] = [];
  const notes: Note[] = [];
  for (let half = 0; half < 2; half++) {
    const root = rng.int(12);
    const isMinor = rng.bernoulli(0.4);
    for (let b = 0; b < 4; b++) {
      chordRoots.push(root);
      minor.push(isMinor);
    }
    const triad = TRIADS[isMinor ? 1 : 0].map((iv) => 48 + ((root + iv) % 12));
    notes.push({ onsetStep: half * 16, durationSteps: 16, pitch: 36 + root, velocity: 80, track: 'PIANO' });
    for (let b = 0; b < 4; b++) {
      const onset = half * 16 + b * STEPS_PER_BEAT;
      for (const p of triad) notes.push({ onsetStep: onset, durationSteps: STEPS_PER_BEAT, pitch: p, velocity: 70, track: 'PIANO' });
      if (rng.bernoulli(0.5)) notes.push({ onsetStep: onset + 2, durationSteps: 2, pitch: triad[rng.int(3)] + 24, velocity: 90, track: 'PIANO' });
    }
  }
  notes.sort((a, b) => a.onsetStep - b.onsetStep || a.pitch - b.pitch);
  return { notes, chordRoots, minor };
}

/** A batch of `size` synthetic segments; segment i of a batch with seed s is the same for every call. */
export function syntheticBatch(o: SyntheticOptions): Batch {
  const B = o.size;
  const T = SEGMENT_STEPS;
  const S = PIANOTREE_MAX_NOTES;
  const audio = new Float32Array(B * o.audioFrames * o.audioBins);
  const chords = new Float32Array(B * SEGMENT_BEATS * CHORD_DIMS);
  const pianoRoll = new Float32Array(B * T * PITCHES);
  const pianoTree = new Int32Array(B * T * S * PIANOTREE_COLUMNS);
  const aux = new Float32Array(B * T * AUX_DIMS);
  const framesPerStep = o.audioFrames / T;
  for (let b = 0; b < B; b++) {
    const { notes, chordRoots, minor } = syntheticNotes(o.seed * 100003 + b);
    for (let beat = 0; beat < SEGMENT_BEATS; beat++) {
      const c = (b * SEGMENT_BEATS + beat) * CHORD_DIMS;
      const root = chordRoots[beat];
      chords[c + root] = 1;
      for (const iv of TRIADS[minor[beat] ? 1 : 0]) chords[c + 12 + ((root + iv) % 12)] = 1;
      chords[c + 24 + root] = 1;
    }
    const slot = new Int32Array(T).fill(1);
    for (let t = 0; t < T; t++) {
      const base = ((b * T + t) * S) * PIANOTREE_COLUMNS;
      for (let s = 0; s < S; s++) {
        pianoTree[base + s * PIANOTREE_COLUMNS] = s === 0 ? PITCH_SOS : PITCH_PAD;
        for (let k = 1; k <= DURATION_BITS; k++) pianoTree[base + s * PIANOTREE_COLUMNS + k] = DUR_PAD;
      }
    }
    const countAt = new Int32Array(T);
    const lowest = new Int32Array(T).fill(999);
    for (const n of notes) {
      const t = n.onsetStep;
      pianoRoll[(b * T + t) * PITCHES + n.pitch] = n.durationSteps;
      countAt[t]++;
      lowest[t] = Math.min(lowest[t], n.pitch);
      const s = slot[t]++;
      if (s >= S - 1) continue;
      const cell = ((b * T + t) * S + s) * PIANOTREE_COLUMNS;
      pianoTree[cell] = n.pitch;
      const d = Math.min(n.durationSteps, 32) - 1;
      for (let k = 0; k < DURATION_BITS; k++) pianoTree[cell + 1 + k] = (d >> (DURATION_BITS - 1 - k)) & 1;
      for (let f = Math.floor(t * framesPerStep); f < Math.min(o.audioFrames, (t + n.durationSteps) * framesPerStep); f++) {
        const decay = Math.exp(-(f - t * framesPerStep) / (4 * framesPerStep));
        audio[(b * o.audioFrames + f) * o.audioBins + (n.pitch % o.audioBins)] += decay;
      }
    }
    for (let t = 0; t < T; t++) {
      pianoTree[(((b * T + t) * S + Math.min(slot[t], S - 1)) * PIANOTREE_COLUMNS)] = PITCH_EOS;
      const a = (b * T + t) * AUX_DIMS;
      if (countAt[t] > 0) {
        aux[a] = lowest[t] <= 48 ? 1 : lowest[t] <= 60 ? (60 - lowest[t]) / 12 : 0;
        aux[a + 1] = countAt[t] / 14;
        aux[a + 2] = t % 4 === 2 ? 1 : 0;
      }
    }
  }
  for (let i = 0; i < audio.length; i++) audio[i] = Math.log1p(audio[i]);
  return {
    size: B,
    audioFrames: o.audioFrames,
    audioBins: o.audioBins,
    audio,
    chords,
    pianoRoll,
    pianoTree,
    aux,
    songIds: Array.from({ length: B }, (_, i) => `synthetic-${o.seed}-${i}`),
    startBeats: new Int32Array(B),
    transpose: new Int8Array(B),
  };
}

/** A {@link BatchSource} over `batches` fixed synthetic batches (the same every epoch): for tests and benchmarks. */
export function syntheticSource(o: SyntheticOptions & { batches: number; nanAt?: number }): BatchSource {
  return {
    async *epoch() {
      for (let i = 0; i < o.batches; i++) {
        const b = syntheticBatch({ ...o, seed: o.seed + i });
        if (o.nanAt === i) (b.audio as Float32Array)[0] = Number.NaN;
        yield b;
      }
    },
    batchesPerEpoch: async () => o.batches,
    // validation segments: other seeds than every training batch's
    validation: async (_stage, _si, segments) => {
      const out: Batch[] = [];
      for (let i = 0; out.length * o.size < segments; i++) out.push(syntheticBatch({ ...o, seed: o.seed + 10_000 + i }));
      return out;
    },
  };
}

/** Mid-training knobs for tests and benchmarks: small KL weights, teacher forcing 0.8 (chords 0.5), score input. */
export const SYNTHETIC_KNOBS: TrainKnobs = {
  klWeights: { chd: 0.01, aud: 0.01, sym: 0.01 },
  tfr: { time: 0.8, note: 0.8, chord: 0.5 },
  symbolic: 'encode',
  priorStd: 0.1,
  pitchWeight: 1,
  durWeight: 0.5,
};
