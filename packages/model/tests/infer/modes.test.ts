import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import tonejsMidi from '@tonejs/midi';
import type { Note } from '@a2s/dataset';
import { CHORD_DIMS, notesToPianoRoll } from '@a2s/features';
import { selectBackend } from '../../src/tf/backend.ts';
import { ModelConfigSchema } from '../../src/config/model-config.ts';
import { MODEL_PRESETS } from '../../src/config/presets.ts';
import { buildModel } from '../../src/net/model.ts';
import { arrangeAutoregressive, arrangeSegments } from '../../src/infer/predict.ts';
import { decodeInOrder, previousWindows, readTextureReference, resolveInferenceMode, textureRoll } from '../../src/infer/modes.ts';
import { syntheticBatch } from '../../src/testing/synthetic.ts';

const { Midi } = tonejsMidi;
const FRAMES = 32;
const BINS = 24;
const note = (onsetStep: number, pitch: number): Note => ({ onsetStep, durationSteps: 2, pitch, velocity: 80, track: 'PIANO' });

/** Runs decodeInOrder over a chain with a stand-in decoder; `perturb` changes the prediction of one window. */
async function chainRolls(prev: number[], perturb: number | null): Promise<{ rolls: Float32Array[]; notes: Note[][] }> {
  const rolls: Float32Array[] = [];
  const notes = await decodeInOrder(prev, async (items) =>
    items.map(({ index, roll }) => {
      rolls[index] = roll;
      // the stand-in's output depends on its input roll (as the model's does through z_sym) and on the window
      const heard = roll.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
      const out = [note(index % 32, 48 + (heard % 24))];
      if (index === perturb) out.push(note(7, 90));
      return out;
    }),
  );
  return { rolls, notes };
}

describe('inference modes', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('3b: changing window k’s prediction changes window k+1’s input and nothing before it', async () => {
    const prev = [-1, 0, 1, 2, 3, 4];
    const base = await chainRolls(prev, null);
    const k = 2;
    const changed = await chainRolls(prev, k);
    for (let i = 0; i <= k; i++) expect(Array.from(changed.rolls[i]), `window ${i}`).toEqual(Array.from(base.rolls[i]));
    expect(Array.from(changed.rolls[k + 1])).not.toEqual(Array.from(base.rolls[k + 1]));
    // window k+1's input is exactly window k's prediction as a piano-roll; the first window's is empty
    expect(Array.from(changed.rolls[k + 1])).toEqual(Array.from(notesToPianoRoll(changed.notes[k])));
    expect(base.rolls[0].every((v) => v === 0)).toBe(true);
  });

  it('predecessors are the windows 4 beats earlier in the same song; two songs decode side by side', async () => {
    const windows = [
      { song: 'a', startBeat: 0 },
      { song: 'b', startBeat: 0 },
      { song: 'a', startBeat: 4 },
      { song: 'b', startBeat: 4 },
      { song: 'a', startBeat: 12 },
      { song: 'a', startBeat: 8 },
    ];
    expect(previousWindows(windows)).toEqual([-1, -1, 0, 1, 5, 2]);
    const waves: number[][] = [];
    await decodeInOrder(previousWindows(windows), async (items) => {
      waves.push(items.map((i) => i.index));
      return items.map(() => []);
    });
    expect(waves).toEqual([[0, 1], [2, 3], [5], [4]]);
    await expect(decodeInOrder([1, 0], async (items) => items.map(() => []))).rejects.toThrow(/cycle/);
  });

  it('with the real model, each window after the first encodes the previous window’s predicted notes', async () => {
    const model = buildModel(ModelConfigSchema.parse({ ...MODEL_PRESETS.tiny, decoder: 'parallel', audioFrames: FRAMES, audioBins: BINS }), 5);
    const b = syntheticBatch({ size: 4, audioFrames: FRAMES, audioBins: BINS, seed: 3 });
    const inputs = Array.from({ length: 4 }, (_, i) => ({
      audio: b.audio.slice(i * FRAMES * BINS, (i + 1) * FRAMES * BINS),
      chords: b.chords.slice(i * 8 * CHORD_DIMS, (i + 1) * 8 * CHORD_DIMS),
    }));
    const seen: Float32Array[] = [];
    const notes = await arrangeAutoregressive(model, inputs, [-1, 0, 1, 2], { seed: 1, temperature: 1, onWindow: (i, roll) => (seen[i] = roll) });
    expect(seen[0].every((v) => v === 0)).toBe(true);
    for (let i = 1; i < 4; i++) expect(Array.from(seen[i])).toEqual(Array.from(notesToPianoRoll(notes[i - 1])));
    // and the encoded roll reaches the decoder: a dense prompt and an empty one decode differently
    const dense = notesToPianoRoll(Array.from({ length: 32 }, (_, t) => note(t, 60 + (t % 12))));
    const withDense = await arrangeSegments(model, inputs.map((x) => ({ ...x, pianoRoll: dense })), { seed: 0, temperature: 0 });
    const withEmpty = await arrangeSegments(model, inputs.map((x) => ({ ...x, pianoRoll: new Float32Array(32 * 128) })), { seed: 0, temperature: 0 });
    expect(JSON.stringify(withDense)).not.toEqual(JSON.stringify(withEmpty));
    model.params.dispose();
  }, 60_000);

  it('a mode the checkpoint was not trained for is refused with a clear message unless forced', () => {
    const what = 'run/checkpoints/autoregressive-0000100';
    expect(resolveInferenceMode({ trainedFor: 'autoregressive', what })).toBe('autoregressive');
    expect(resolveInferenceMode({ trainedFor: 'independent', what })).toBe('independent');
    expect(() => resolveInferenceMode({ trainedFor: 'autoregressive', requested: 'independent', what })).toThrow(
      /trained for windows in order, each given the previous window's score.*independent mode is a mismatch.*--mode autoregressive.*--force/,
    );
    expect(resolveInferenceMode({ trainedFor: 'autoregressive', requested: 'independent', force: true, what })).toBe('independent');
    expect(() => resolveInferenceMode({ trainedFor: 'independent', requested: 'autoregressive', what })).toThrow(/mismatch/);
    expect(() => resolveInferenceMode({ trainedFor: 'score', what })).toThrow(/--texture <reference.mid>/);
    expect(resolveInferenceMode({ trainedFor: 'score', texture: true, what })).toBe('texture');
    expect(resolveInferenceMode({ trainedFor: 'autoregressive', texture: true, what })).toBe('texture');
    expect(() => resolveInferenceMode({ trainedFor: 'independent', texture: true, what })).toThrow(/mismatch/);
    expect(() => resolveInferenceMode({ trainedFor: 'independent', requested: 'sideways', what })).toThrow(/unknown inference mode sideways/);
  });

  it('a texture reference is read on a 16th grid from its first bar and loops over the song’s windows', async () => {
    const midi = new Midi();
    const ppq = midi.header.ppq;
    const t = midi.addTrack();
    // 3 bars, starting in bar 2 of the file: one note per beat, pitch 60 + beat
    for (let beat = 0; beat < 12; beat++) t.addNote({ midi: 60 + beat, ticks: (4 + beat) * ppq, durationTicks: ppq / 2, velocity: 0.8 });
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-texture-')), 'ref.mid');
    await fs.writeFile(file, midi.toArray());
    const ref = await readTextureReference(file);
    expect(ref.beats).toBe(12);
    expect(ref.notes[0]).toMatchObject({ onsetStep: 0, durationSteps: 2, pitch: 60 });
    const at = (roll: Float32Array, step: number, pitch: number) => roll[step * 128 + pitch];
    const r0 = textureRoll(ref, 0);
    expect(at(r0, 0, 60)).toBe(2);
    expect(at(r0, 28, 67)).toBe(2);
    // a window from beat 8 wraps around the 12-beat reference: beats 8..11 then 0..3
    const r8 = textureRoll(ref, 8);
    expect(at(r8, 0, 68)).toBe(2);
    expect(at(r8, 16, 60)).toBe(2);
    await fs.writeFile(file, 'not midi');
    await expect(readTextureReference(file)).rejects.toThrow(/cannot read the texture reference as MIDI/);
  });
});
