/**
 * Texture control with a trained model: fixture song 098 rendered with FluidSynth and arranged by the shipped
 * autoregressive band-audio model (assets/a2s-band-ar) with a dense and with a sparse reference score as z_sym.
 * The arrangement must follow the reference: more onsets per beat and a sixteenth-note onset pattern with the
 * dense one, fewer onsets and a bar-start pattern with the sparse one (experiments/texture-control measures
 * the same on 24 held-out songs).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import tonejsMidi from '@tonejs/midi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFile, type DecodedAudio } from '@a2s/dataset';
import { arrangeAudio, loadTrainedArrangeModel, type Arrangement } from '../../src/arrange/index.ts';

const { Midi } = tonejsMidi;
const SONG = path.resolve(import.meta.dirname, '../../../../data/fixtures/pop909/098');
const MODEL = path.resolve(import.meta.dirname, '../../assets/a2s-band-ar');
const SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';

let dir: string;
let audio: DecodedAudio;
let wav: string;

/** 8 bars of C – Am – F – G: sixteenth arpeggios (dense) or one whole-note triad per bar (sparse). */
async function reference(kind: 'dense' | 'sparse'): Promise<string> {
  const midi = new Midi();
  const t = midi.addTrack();
  const ppq = midi.header.ppq;
  const chords = [
    [60, 64, 67],
    [57, 60, 64],
    [53, 57, 60],
    [55, 59, 62],
  ];
  for (let bar = 0; bar < 8; bar++) {
    const c = chords[bar % 4];
    if (kind === 'sparse') {
      for (const p of c) t.addNote({ midi: p, ticks: bar * 4 * ppq, durationTicks: 4 * ppq, velocity: 0.7 });
      continue;
    }
    for (let k = 0; k < 16; k++) t.addNote({ midi: c[k % 3] + (k % 4 === 3 ? 12 : 0), ticks: bar * 4 * ppq + (k * ppq) / 4, durationTicks: ppq / 4, velocity: 0.7 });
  }
  const file = path.join(dir, `${kind}.mid`);
  await fs.writeFile(file, midi.toArray());
  return file;
}

async function arrangeWith(texture: string): Promise<Arrangement> {
  const model = await loadTrainedArrangeModel({ checkpoint: MODEL, texture, seed: 0, temperature: 0 });
  try {
    return await arrangeAudio({ audio, audioPath: wav, model });
  } finally {
    model.dispose?.();
  }
}

/** Distinct onsets per beat, and the share of onsets off the beat (onsetStep counts sixteenths from beat 0). */
function rhythm(a: Arrangement): { onsetsPerBeat: number; offBeatShare: number } {
  const onsets = new Set(a.notes.map((n) => n.onsetStep));
  const offBeat = [...onsets].filter((s) => s % 4 !== 0).length;
  return { onsetsPerBeat: onsets.size / a.analysis.beatTimesSec.length, offBeatShare: onsets.size ? offBeat / onsets.size : 0 };
}

let dense: Arrangement;
let sparse: Arrangement;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-texture-'));
  wav = path.join(dir, '098.wav');
  await promisify(execFile)('fluidsynth', ['-ni', '-F', wav, '-r', '16000', '-g', '0.8', SOUNDFONT, path.join(SONG, '098.mid')]);
  audio = await decodeAudioFile(wav);
  dense = await arrangeWith(await reference('dense'));
  sparse = await arrangeWith(await reference('sparse'));
}, 300_000);

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('texture control with the trained autoregressive model (a2s-band-ar) on fixture song 098', () => {
  it('a dense reference gives many more onsets per beat than a sparse one', () => {
    const d = rhythm(dense);
    const s = rhythm(sparse);
    expect(d.onsetsPerBeat).toBeGreaterThan(1.5 * s.onsetsPerBeat);
    expect(dense.notes.length).toBeGreaterThan(sparse.notes.length);
  });

  it('the dense reference puts more of its onsets between the beats (its sixteenths)', () => {
    expect(rhythm(dense).offBeatShare).toBeGreaterThan(rhythm(sparse).offBeatShare + 0.1);
  });
});
