import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import tonejsMidi from '@tonejs/midi';
import { CHORD_DIMS } from '@a2s/features';
import { BUNDLED_MODEL_DIR } from '../../src/arrange/cli.ts';
import { loadTrainedArrangeModel } from '../../src/arrange/trained-model.ts';

const { Midi } = tonejsMidi;

async function referenceMidi(): Promise<string> {
  const midi = new Midi();
  const t = midi.addTrack();
  for (let k = 0; k < 32; k++) t.addNote({ midi: 60 + (k % 4) * 4, ticks: (k * midi.header.ppq) / 4, durationTicks: midi.header.ppq / 4, velocity: 0.7 });
  const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-modes-')), 'ref.mid');
  await fs.writeFile(file, midi.toArray());
  return file;
}

/** Three windows of the bundled model's input size (128 frames × 88 bins), starting at beats 0, 4 and 8. */
function windows() {
  return [0, 1, 2].map((i) => {
    const audio = new Float32Array(128 * 88);
    for (let f = 0; f < 128; f++) audio[f * 88 + ((f + 7 * i) % 88)] = 1;
    const chords = new Float32Array(8 * CHORD_DIMS);
    for (let b = 0; b < 8; b++) for (const pc of [0, 4, 7]) chords[b * CHORD_DIMS + 12 + pc] = 1;
    return { audio, chords };
  });
}

describe('a2s arrange with the trained model: inference modes', () => {
  it('the bundled drop-score model decodes independently by default and refuses other modes unless forced', async () => {
    const base = { checkpoint: BUNDLED_MODEL_DIR, seed: 0, temperature: 0 };
    const plain = await loadTrainedArrangeModel(base);
    expect(plain.arranger.arrangeSong).toBeUndefined();
    plain.dispose?.();
    const ref = await referenceMidi();
    await expect(loadTrainedArrangeModel({ ...base, texture: ref })).rejects.toThrow(/trained for independent windows.*texture mode is a mismatch.*--force/);
    await expect(loadTrainedArrangeModel({ ...base, mode: 'autoregressive' })).rejects.toThrow(/autoregressive mode is a mismatch/);
    for (const forced of [{ texture: ref }, { mode: 'autoregressive' }]) {
      const m = await loadTrainedArrangeModel({ ...base, ...forced, force: true });
      expect(m.arranger.arrangeSong).toBeDefined();
      const out = await m.arranger.arrangeSong!(windows(), [0, 4, 8]);
      expect(out).toHaveLength(3);
      for (const notes of out) for (const n of notes) expect(n.onsetStep).toBeLessThan(32);
      m.dispose?.();
    }
  }, 120_000);

  it('refuses a model whose features take a value per song (features.songValues): a recording has none', async () => {
    const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-songvalues-')), 'model');
    await fs.cp(path.join(path.dirname(BUNDLED_MODEL_DIR), 'a2s-small'), dir, { recursive: true });
    const header = JSON.parse(await fs.readFile(path.join(dir, 'header.json'), 'utf8'));
    header.config.features.songValues = { '001': 0.5 };
    await fs.writeFile(path.join(dir, 'header.json'), JSON.stringify(header));
    await expect(loadTrainedArrangeModel({ checkpoint: dir, seed: 0, temperature: 0 })).rejects.toThrow(/take a value per song \(features.songValues\), which a2s arrange cannot supply/);
    await fs.rm(path.dirname(dir), { recursive: true, force: true });
  }, 60_000);
});
