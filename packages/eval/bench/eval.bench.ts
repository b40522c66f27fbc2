/**
 * Benchmarks of the eval package (run: `npm run bench -w @a2s/eval -- --songs 100 --audio-sec 20`):
 * 1. scoring speed, songs per second, on synthetic songs (60 segments of ~40 notes each, 1000 bootstrap resamples);
 * 2. basic-pitch transcription speed on the wasm backend, audio seconds per wall-clock second;
 * 3. `a2s eval-audio` (scoreArrangement with a FluidSynth rendering) on `--eval-audio-sec` seconds of a
 *    synthetic song: seconds per second of audio, rendering included.
 */
import { parseArgs } from 'node:util';
import { createRng, DEFAULT_SOUNDFONT, renderMidi, type Chord, type Note } from '@a2s/dataset';
import { loadBasicPitch } from '../src/baselines/basic-pitch.ts';
import { chordFromTemplate, CHORD_TEMPLATES } from '../src/metrics/chord-recognition.ts';
import { evaluateSets, type SegmentLike } from '../src/scoring/summarize.ts';
import { notesToMidiBytes, type ArrangedNote } from '../src/audio-eval/notes.ts';
import { ANALYSIS_SAMPLE_RATE, scoreArrangement } from '../src/audio-eval/score-arrangement.ts';

const { values } = parseArgs({
  options: { songs: { type: 'string', default: '100' }, 'audio-sec': { type: 'string', default: '20' }, 'eval-audio-sec': { type: 'string', default: '240' } },
});
const songs = Number(values.songs);
const audioSec = Number(values['audio-sec']);

function randomSegment(rng: ReturnType<typeof createRng>): { notes: Note[]; chords: Chord[] } {
  const chords = Array.from({ length: 8 }, () => chordFromTemplate(rng.int(12), CHORD_TEMPLATES[rng.int(2)]));
  const notes: Note[] = [];
  for (let i = 0; i < 40; i++) {
    notes.push({ onsetStep: rng.int(32), durationSteps: 1 + rng.int(8), pitch: 36 + rng.int(48), velocity: 80, track: rng.next() < 0.8 ? 'PIANO' : 'BRIDGE' });
  }
  return { notes, chords };
}

const rng = createRng(1);
const reference: SegmentLike[] = [];
const predicted: SegmentLike[] = [];
for (let s = 0; s < songs; s++) {
  for (let k = 0; k < 60; k++) {
    const a = randomSegment(rng);
    reference.push({ songId: `s${s}`, startBeat: k * 4, ...a });
    predicted.push({ songId: `s${s}`, startBeat: k * 4, notes: randomSegment(rng).notes.map((n) => ({ ...n, track: 'PIANO' as const })), chords: a.chords });
  }
}
let t = performance.now();
const res = evaluateSets(reference, [{ id: { system: 'bench', variant: 'default', seed: null }, rows: predicted }], { seed: 0, resamples: 1000 });
const scoreSec = (performance.now() - t) / 1000;
console.log(`scoring: ${songs} songs × 60 segments, ${res.summary.length} summary rows, 1000 resamples: ${scoreSec.toFixed(2)} s → ${(songs / scoreSec).toFixed(1)} songs/s`);

const sampleRate = 16000;
const audio = new Float32Array(Math.round(audioSec * sampleRate));
for (let beat = 0; beat * 0.5 < audioSec; beat++) {
  for (const pitch of [48 + rng.int(12), 60 + rng.int(12), 67 + rng.int(8)]) {
    const f = 440 * 2 ** ((pitch - 69) / 12);
    const start = Math.round(beat * 0.5 * sampleRate);
    for (let i = start; i < Math.min(audio.length, start + 0.5 * sampleRate); i++) {
      const tt = (i - start) / sampleRate;
      audio[i] += 0.15 * Math.sin(2 * Math.PI * f * tt) * Math.exp(-2 * tt);
    }
  }
}
t = performance.now();
const tr = await loadBasicPitch();
const loadSec = (performance.now() - t) / 1000;
t = performance.now();
const notes = await tr.transcribe(audio, sampleRate);
const bpSec = (performance.now() - t) / 1000;
console.log(
  `basic-pitch (${tr.backend}): load ${loadSec.toFixed(1)} s; ${audioSec} s of audio in ${bpSec.toFixed(1)} s → ${(audioSec / bpSec).toFixed(2)} audio-s per wall-s (${notes.length} notes)`,
);

// 3. eval-audio: a synthetic 4-minute song at 90 BPM (bass + chord + eighth-note line), its rendering as the
// recording (strings) and as the arrangement (piano, one note in five dropped).
const evalSec = Number(values['eval-audio-sec']);
const song: ArrangedNote[] = [];
const beatSec = 60 / 90;
for (let b = 0; b * beatSec < evalSec - 1; b++) {
  const root = [0, 9, 5, 7][Math.floor(b / 4) % 4];
  const t = b * beatSec;
  song.push({ onsetSec: t, offsetSec: t + beatSec, pitch: 36 + root, velocity: 90 });
  for (const iv of [12, 16, 19]) song.push({ onsetSec: t, offsetSec: t + beatSec * 0.9, pitch: 48 + root + iv - (root > 6 ? 12 : 0), velocity: 70 });
  for (const h of [0, 0.5]) song.push({ onsetSec: t + h * beatSec, offsetSec: t + (h + 0.5) * beatSec, pitch: 72 + ((root + rng.int(8)) % 12), velocity: 80 });
}
const fs = { fluidsynth: 'fluidsynth', soundfont: DEFAULT_SOUNDFONT, gain: 0.8, sampleRate: ANALYSIS_SAMPLE_RATE };
const recording = await renderMidi(notesToMidiBytes(song, 48), fs);
const arrangement = song.filter((_, i) => i % 5 !== 0);
t = performance.now();
const rendering = await renderMidi(notesToMidiBytes(arrangement), fs);
const renderSec = (performance.now() - t) / 1000;
t = performance.now();
const scored = scoreArrangement({ recording: { samples: recording, sampleRate: ANALYSIS_SAMPLE_RATE }, notes: arrangement, rendering: { samples: rendering, sampleRate: ANALYSIS_SAMPLE_RATE } });
const scoreSec2 = (performance.now() - t) / 1000;
const total = renderSec + scoreSec2;
console.log(
  `eval-audio: ${evalSec} s song, ${arrangement.length} notes: render ${renderSec.toFixed(1)} s + score ${scoreSec2.toFixed(1)} s (beats tracked) = ${total.toFixed(1)} s → ` +
    `${(total / evalSec).toFixed(3)} s per second of audio (${Object.keys(scored.metrics).length} metrics)`,
);
