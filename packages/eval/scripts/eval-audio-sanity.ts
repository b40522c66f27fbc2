/**
 * Sanity table of `a2s eval-audio` on the POP909 fixture songs (run: `npx tsx packages/eval/scripts/eval-audio-sanity.ts [--beats 96]`):
 * the ground-truth accompaniment against its own FluidSynth rendering, and the same notes shifted by one beat,
 * transposed by a tritone, taken from another song, and empty; then the recording at 44.1 kHz and at −20 dB.
 * Prints a Markdown table (mean over songs) and the per-song values as JSON.
 */
import { parseArgs } from 'node:util';
import { resample } from '@a2s/dataset';
import { AUDIO_METRICS, scoreArrangement, type MonoAudio } from '../src/audio-eval/score-arrangement.ts';
import type { ArrangedNote } from '../src/audio-eval/notes.ts';
import { loadAudioFixtureSong, renderNotes, shiftBeats } from '../tests/helpers/audio-fixture.ts';

const { values } = parseArgs({ options: { beats: { type: 'string', default: '96' }, songs: { type: 'string', default: '098,331,447,764' } } });
const beats = Number(values.beats);
const ids = values.songs!.split(',');

const songs = [];
for (const id of ids) songs.push(await loadAudioFixtureSong(id, beats));
const rows: Record<string, Record<string, number>[]> = {};
const add = (name: string, m: Record<string, number>) => (rows[name] ??= []).push(m);
for (let s = 0; s < songs.length; s++) {
  const song = songs[s];
  const len = song.recording.samples.length / song.recording.sampleRate;
  const other = songs[(s + 1) % songs.length];
  const variants: [string, ArrangedNote[]][] = [
    ['ground truth', song.notes],
    ['shifted by 1 beat', shiftBeats(song.notes, song.beatTimesSec, 1)],
    ['transposed by a tritone', song.notes.map((n) => ({ ...n, pitch: n.pitch + 6 }))],
    ['another song', other.notes.filter((n) => n.onsetSec < len)],
    ['empty', []],
  ];
  for (const [name, notes] of variants) {
    const t0 = performance.now();
    const r = scoreArrangement({ recording: song.recording, notes, beatTimesSec: song.beatTimesSec, rendering: await renderNotes(notes, len) });
    add(name, r.metrics);
    process.stderr.write(`${song.id} ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const ren = await renderNotes(song.notes, len);
  const hi: MonoAudio = { samples: resample(song.recording.samples, song.recording.sampleRate, 44100), sampleRate: 44100 };
  add('ground truth, recording at 44.1 kHz', scoreArrangement({ recording: hi, notes: song.notes, beatTimesSec: song.beatTimesSec, rendering: ren }).metrics);
  const quiet: MonoAudio = { samples: song.recording.samples.map((v) => v * 0.1), sampleRate: song.recording.sampleRate };
  add('ground truth, recording at −20 dB', scoreArrangement({ recording: quiet, notes: song.notes, beatTimesSec: song.beatTimesSec, rendering: ren }).metrics);
  add('ground truth, beats tracked', scoreArrangement({ recording: song.recording, notes: song.notes, rendering: ren }).metrics);
}
const names = AUDIO_METRICS.map((m) => m.name);
const mean = (xs: Record<string, number>[], k: string): string => {
  const v = xs.map((x) => x[k]).filter((x) => x !== undefined);
  return v.length ? (v.reduce((a, b) => a + b, 0) / v.length).toFixed(3) : '—';
};
console.log(`| arrangement (${songs.length} songs × ${beats} beats) | ${names.map((n) => n.replace(/^(audio|style)\./, '')).join(' | ')} |`);
console.log(`|---|${names.map(() => '---').join('|')}|`);
for (const [name, xs] of Object.entries(rows)) console.log(`| ${name} | ${names.map((n) => mean(xs, n)).join(' | ')} |`);
console.log(JSON.stringify(rows));
