/**
 * Key finder of the score (Krumhansl–Kessler on beat chroma of the audio) against POP909's key_audio.txt
 * (the key annotated longest). Audio = the song's MIDI rendered with FluidSynth; chroma on the annotated
 * beats (beat_audio.txt). Exact = same tonic and mode; relative/fifth/parallel errors counted apart.
 *
 *   tsx experiments/score-key/measure.ts [songs…]   (default: the 5 fixture songs in data/fixtures/pop909)
 *   tsx experiments/score-key/measure.ts notes       keyFromNotes on the PIANO track of every POP909 song (no audio)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeAudioFile, quantizeNotes, readBeatAudio, readKeyFile, readPop909Midi } from '@a2s/dataset';
import { chromaPerBeat } from '@a2s/features';
import { keyFromChroma, keyFromNotes, keyFromSpans, keyName, type Key } from '@a2s/score';

const ROOT = path.resolve(import.meta.dirname, '../../data/fixtures/pop909');
const SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';
const NOTES_MODE = process.argv[2] === 'notes';
const POP909 = path.resolve(import.meta.dirname, '../../../shared/data/pop909');
const dirs = NOTES_MODE
  ? (await fs.readdir(POP909)).filter((d) => /^\d{3}$/.test(d)).sort().map((d) => path.join(POP909, d))
  : process.argv.length > 2 ? process.argv.slice(2) : (await fs.readdir(ROOT)).filter((d) => /^\d{3}$/.test(d)).map((d) => path.join(ROOT, d));

function relation(found: Key, ref: Key): string {
  if (found.tonic === ref.tonic && found.mode === ref.mode) return 'exact';
  const relMajor = (k: Key): number => (k.mode === 'major' ? k.tonic : (k.tonic + 3) % 12);
  if (found.mode !== ref.mode && relMajor(found) === relMajor(ref)) return 'relative';
  if (found.mode === ref.mode && ((found.tonic - ref.tonic + 12) % 12 === 7 || (ref.tonic - found.tonic + 12) % 12 === 7)) return 'fifth';
  if (found.tonic === ref.tonic) return 'parallel';
  return 'other';
}

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-score-key-'));
const rows: { id: string; reference: string; found: string; relation: string }[] = [];
for (const dir of dirs) {
  const id = path.basename(dir);
  const ref = keyFromSpans(await readKeyFile(path.join(dir, 'key_audio.txt'), id));
  if (!ref) continue;
  if (NOTES_MODE) {
    const beats = (await readBeatAudio(path.join(dir, 'beat_audio.txt'), id)).timesSec;
    const notes = quantizeNotes((await readPop909Midi(path.join(dir, `${id}.mid`), id)).filter((n) => n.track === 'PIANO'), beats);
    const found = keyFromNotes(notes);
    rows.push({ id, reference: keyName(ref), found: keyName(found), relation: relation(found, ref) });
    continue;
  }
  const wav = path.join(tmp, `${id}.wav`);
  await promisify(execFile)('fluidsynth', ['-ni', '-F', wav, '-r', '16000', '-g', '0.8', SOUNDFONT, path.join(dir, `${id}.mid`)]);
  const audio = await decodeAudioFile(wav);
  const beats = (await readBeatAudio(path.join(dir, 'beat_audio.txt'), id)).timesSec;
  const found = keyFromChroma(chromaPerBeat(audio.samples, audio.sampleRate, beats).chroma, beats.length);
  rows.push({ id, reference: keyName(ref), found: keyName(found), relation: relation(found, ref) });
  process.stderr.write(`${id}: reference ${keyName(ref)}, found ${keyName(found)} (${relation(found, ref)})\n`);
}
await fs.rm(tmp, { recursive: true, force: true });
const counts: Record<string, number> = {};
for (const r of rows) counts[r.relation] = (counts[r.relation] ?? 0) + 1;
await fs.writeFile(path.join(import.meta.dirname, NOTES_MODE ? 'results-notes.json' : 'results-audio.json'), `${JSON.stringify({ songs: rows.length, counts, rows }, null, 1)}\n`);
console.log(JSON.stringify({ songs: rows.length, counts }));
