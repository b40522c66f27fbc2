import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_SOUNDFONT, midiWithPrograms, readBeatMidi, readPop909Midi, renderMidi } from '@a2s/dataset';
import { notesToMidiBytes, type ArrangedNote } from '../../src/audio-eval/notes.ts';
import { ANALYSIS_SAMPLE_RATE, type MonoAudio } from '../../src/audio-eval/score-arrangement.ts';
import { FIXTURE_POP909 } from './fixture-dataset.ts';

/** One POP909 fixture song cut to its first `beats` beats: the accompaniment's notes, its beats and its rendering as a "recording". */
export interface AudioFixtureSong {
  readonly id: string;
  readonly notes: ArrangedNote[];
  readonly beatTimesSec: Float64Array;
  /** FluidSynth rendering of PIANO (program 0) + BRIDGE (program 48, strings), like a dataset build's synth audio. */
  readonly recording: MonoAudio;
}

export const FLUIDSYNTH = { fluidsynth: 'fluidsynth', soundfont: DEFAULT_SOUNDFONT, gain: 0.8 };

/**
 * Loads fixture song `id`: accompaniment notes (PIANO + BRIDGE) starting before the end of beat `beats`, the
 * first `beats` beat times, and the accompaniment rendered by FluidSynth and cut 1 s after the last beat.
 */
export async function loadAudioFixtureSong(id: string, beats: number): Promise<AudioFixtureSong> {
  const dir = join(FIXTURE_POP909, id);
  const grid = await readBeatMidi(join(dir, 'beat_midi.txt'), id);
  const beatTimesSec = grid.timesSec.slice(0, beats);
  const endSec = beatTimesSec[beatTimesSec.length - 1] + 1;
  const raw = await readPop909Midi(join(dir, `${id}.mid`), id);
  const notes = raw
    .filter((n) => n.track !== 'MELODY' && n.startSec < endSec)
    .map((n) => ({ onsetSec: n.startSec, offsetSec: Math.min(n.endSec, endSec), pitch: n.pitch, velocity: n.velocity }));
  const bytes = midiWithPrograms(new Uint8Array(await readFile(join(dir, `${id}.mid`))), { PIANO: 0, BRIDGE: 48 }, `${id}.mid`, id);
  const full = await renderMidi(bytes, { ...FLUIDSYNTH, sampleRate: ANALYSIS_SAMPLE_RATE, songId: id });
  return { id, notes, beatTimesSec, recording: { samples: full.slice(0, Math.round(endSec * ANALYSIS_SAMPLE_RATE)), sampleRate: ANALYSIS_SAMPLE_RATE } };
}

/** FluidSynth rendering of `notes` with the acoustic grand piano, at the analysis rate. */
export async function renderNotes(notes: readonly ArrangedNote[], lengthSec: number): Promise<MonoAudio> {
  const n = Math.round(lengthSec * ANALYSIS_SAMPLE_RATE);
  if (notes.length === 0) return { samples: new Float32Array(n), sampleRate: ANALYSIS_SAMPLE_RATE };
  const samples = await renderMidi(notesToMidiBytes(notes), { ...FLUIDSYNTH, sampleRate: ANALYSIS_SAMPLE_RATE });
  return { samples, sampleRate: ANALYSIS_SAMPLE_RATE };
}

/**
 * Moves every note by `k` beats along the beat grid `grid` (beat times in seconds; linear between beats,
 * extrapolated from the first and last beat intervals), e.g. a "one beat late" arrangement. Never mutates `notes`.
 */
export function shiftBeats(notes: readonly ArrangedNote[], grid: Float64Array, k: number): ArrangedNote[] {
  const toBeat = (t: number): number => {
    let i = 0;
    while (i + 2 < grid.length && grid[i + 1] <= t) i++;
    return i + (t - grid[i]) / (grid[i + 1] - grid[i]);
  };
  const toSec = (b: number): number => {
    const i = Math.min(grid.length - 2, Math.max(0, Math.floor(b)));
    return grid[i] + (b - i) * (grid[i + 1] - grid[i]);
  };
  return notes.map((n) => ({ ...n, onsetSec: toSec(toBeat(n.onsetSec) + k), offsetSec: toSec(toBeat(n.offsetSec) + k) }));
}
