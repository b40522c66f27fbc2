/**
 * Writes the two texture references of this experiment (8 bars each, 120 BPM, C major / A minor / F major /
 * G major, two bars each):
 * - dense.mid: sixteenth-note arpeggios (root, third, fifth, octave, upward), 16 onsets per bar;
 * - sparse.mid: one whole-note block chord per bar (root position, 3 notes), 1 onset per bar.
 *
 *   npx tsx experiments/texture-control/make-references.ts <out dir>
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import tonejsMidi from '@tonejs/midi';

const { Midi } = tonejsMidi;
const CHORDS = [
  [60, 64, 67],
  [57, 60, 64],
  [53, 57, 60],
  [55, 59, 62],
];

function reference(kind: 'dense' | 'sparse'): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(120);
  const ppq = midi.header.ppq;
  const track = midi.addTrack();
  track.name = 'PIANO';
  for (let bar = 0; bar < 8; bar++) {
    const chord = CHORDS[Math.floor(bar / 2) % CHORDS.length];
    const start = bar * 4 * ppq;
    if (kind === 'sparse') {
      for (const p of chord) track.addNote({ midi: p, ticks: start, durationTicks: 4 * ppq, velocity: 0.6 });
    } else {
      const cycle = [...chord, chord[0] + 12];
      for (let k = 0; k < 16; k++) track.addNote({ midi: cycle[k % 4], ticks: start + (k * ppq) / 4, durationTicks: ppq / 4, velocity: 0.6 });
    }
  }
  return midi.toArray();
}

const out = process.argv[2] ?? 'data/texture-control';
await mkdir(out, { recursive: true });
for (const kind of ['dense', 'sparse'] as const) {
  await writeFile(path.join(out, `${kind}.mid`), reference(kind));
  console.log(`wrote ${path.join(out, `${kind}.mid`)}`);
}
