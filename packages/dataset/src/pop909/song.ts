import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { SEGMENT_BEATS, type Chord, type Note } from '../score/types.ts';
import { InputError } from '../util/errors.ts';
import { readBeatAudio, readBeatMidi, readChordFile, readKeyFile, type AudioBeats, type BeatGrid, type ChordSpan, type KeySpan } from './annotations.ts';
import { chordsPerBeat } from './chords-per-beat.ts';
import { detectMetre, type MetreInfo } from './metre.ts';
import { readPop909Midi, type RawNote } from './midi.ts';
import { quantizeNotes } from './quantize.ts';

/** One POP909 song, quantized onto its MIDI beat grid. */
export interface Pop909Song {
  /** The song folder's name, e.g. `001`. */
  id: string;
  /** Absolute path of the song folder. */
  dir: string;
  beatGrid: BeatGrid;
  metre: MetreInfo;
  /** All notes of the MELODY, BRIDGE and PIANO tracks; `onsetStep` absolute (step 0 = first beat). */
  notes: Note[];
  /** The chord at each beat of `beatGrid` (from `chord_midi.txt`). */
  chords: Chord[];
  /** Beats of the original recording, when `beat_audio.txt` exists. */
  audioBeats?: AudioBeats;
  /** Key annotations of the recording, when `key_audio.txt` exists (parsed, so a broken one fails the song). */
  keys?: KeySpan[];
  /** Paths of the files read, by role: `midi`, `beatMidi`, `chordMidi`, and `beatAudio` / `keyAudio` when present. */
  files: Record<string, string>;
}

/** File names inside a POP909 song folder (the MIDI file is `<id>.mid`). */
export const POP909_FILES = {
  beatMidi: 'beat_midi.txt',
  chordMidi: 'chord_midi.txt',
  beatAudio: 'beat_audio.txt',
  chordAudio: 'chord_audio.txt',
  keyAudio: 'key_audio.txt',
} as const;

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads one song folder: `<id>.mid`, `beat_midi.txt`, `chord_midi.txt` (required) and `beat_audio.txt`
 * (optional). Notes are quantized onto the `beat_midi.txt` grid; chords are looked up at every beat.
 * @throws InputError naming song, file and line for any missing or malformed input.
 */
export async function loadPop909Song(songDir: string): Promise<Pop909Song> {
  const dir = path.resolve(songDir);
  const id = path.basename(dir);
  const files: Record<string, string> = {
    midi: path.join(dir, `${id}.mid`),
    beatMidi: path.join(dir, POP909_FILES.beatMidi),
    chordMidi: path.join(dir, POP909_FILES.chordMidi),
  };
  const beatAudioPath = path.join(dir, POP909_FILES.beatAudio);
  const hasBeatAudio = await exists(beatAudioPath);
  if (hasBeatAudio) files.beatAudio = beatAudioPath;
  const keyAudioPath = path.join(dir, POP909_FILES.keyAudio);
  const hasKeyAudio = await exists(keyAudioPath);
  if (hasKeyAudio) files.keyAudio = keyAudioPath;

  const [beatGrid, raw, spans, audioBeats, keys] = await Promise.all([
    readBeatMidi(files.beatMidi, id),
    readPop909Midi(files.midi, id),
    readChordFile(files.chordMidi, id),
    hasBeatAudio ? readBeatAudio(beatAudioPath, id) : Promise.resolve(undefined),
    hasKeyAudio ? readKeyFile(keyAudioPath, id) : Promise.resolve(undefined),
  ]);
  if (keys !== undefined && keys.length === 0) throw new InputError({ file: keyAudioPath, songId: id, message: 'file is empty (delete it, or give one "start_sec end_sec key" line per key)' });
  // Coverage is judged on songs long enough for one segment; shorter ones are refused by their beat count.
  if (beatGrid.timesSec.length > SEGMENT_BEATS) {
    checkNotesCoverBeats(raw, beatGrid, files, id);
    checkChordCoverage(spans, beatGrid, files.chordMidi, id);
  }
  const song: Pop909Song = {
    id,
    dir,
    beatGrid,
    metre: detectMetre(beatGrid),
    notes: quantizeNotes(raw, beatGrid.timesSec),
    chords: chordsPerBeat(spans, beatGrid.timesSec),
    files,
  };
  if (audioBeats !== undefined) song.audioBeats = audioBeats;
  if (keys !== undefined) song.keys = keys;
  return song;
}

/**
 * Least share of the beat grid (first to last beat of `beat_midi.txt`) that the MIDI notes must span: below
 * it the MIDI file is taken as cut. Every POP909 song spans at least 99.7 % (measured over the 869 songs).
 */
export const MIN_NOTE_SPAN_SHARE = 0.9;
/** Least share of beats that `chord_midi.txt` spans must cover (POP909: 100 % in every song). */
export const MIN_CHORD_SPAN_SHARE = 0.9;
/** Least share of beats with a chord other than `N`/`X` (POP909: at least 81.9 %, median 99.2 %). */
export const MIN_CHORD_LABEL_SHARE = 0.5;

/** A MIDI file whose notes stop long before its beat grid ends is truncated (it parses, with part of its notes). */
function checkNotesCoverBeats(raw: readonly RawNote[], grid: BeatGrid, files: Record<string, string>, id: string): void {
  const t = grid.timesSec;
  const first = t[0];
  const last = t[t.length - 1];
  if (!(last > first)) return;
  const lastEnd = raw.reduce((m, n) => Math.max(m, n.endSec), -Infinity);
  const share = raw.length === 0 ? 0 : (lastEnd - first) / (last - first);
  if (share < MIN_NOTE_SPAN_SHARE) {
    throw new InputError({
      file: files.midi,
      songId: id,
      message:
        raw.length === 0
          ? `no notes in the MELODY, BRIDGE and PIANO tracks, but ${path.basename(files.beatMidi)} has ${t.length} beats`
          : `${raw.length} notes ending at ${lastEnd.toFixed(2)} s, but ${path.basename(files.beatMidi)} runs to ${last.toFixed(2)} s: ` +
            `the notes span ${(share * 100).toFixed(1)} % of the beats (at least ${MIN_NOTE_SPAN_SHARE * 100} % expected; POP909 songs span ≥ 99.7 %): truncated MIDI file?`,
    });
  }
}

/** An empty or nearly empty chord file would give a song of `N` chords: refused, with the coverage found. */
function checkChordCoverage(spans: readonly ChordSpan[], grid: BeatGrid, file: string, id: string): void {
  const n = grid.timesSec.length;
  if (spans.length === 0) throw new InputError({ file, songId: id, message: `no chord annotations (the song has ${n} beats)` });
  const mark = { root: -2, pcMask: 0, bass: -2, label: '' };
  const covered = chordsPerBeat(spans.map((s) => ({ ...s, chord: mark })), grid.timesSec).filter((c) => c === mark).length;
  if (covered / n < MIN_CHORD_SPAN_SHARE) {
    throw new InputError({
      file,
      songId: id,
      message: `chord spans cover ${covered} of ${n} beats (${((covered / n) * 100).toFixed(1)} %; at least ${MIN_CHORD_SPAN_SHARE * 100} % expected, POP909 covers every beat): cut or incomplete file?`,
    });
  }
  const labelled = chordsPerBeat(spans, grid.timesSec).filter((c) => c.root >= 0).length;
  if (labelled / n < MIN_CHORD_LABEL_SHARE) {
    throw new InputError({
      file,
      songId: id,
      message: `only ${labelled} of ${n} beats have a chord other than N/X (${((labelled / n) * 100).toFixed(1)} %; at least ${MIN_CHORD_LABEL_SHARE * 100} % expected, POP909 songs have ≥ 81.9 %)`,
    });
  }
}

/**
 * Song folder names under a POP909-layout root, sorted: every non-hidden sub-folder holding a `.mid`
 * file or a `beat_midi.txt`.
 * @throws InputError when `root` cannot be read.
 */
export async function listPop909Songs(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError({ file: root, message: code === 'ENOENT' ? 'folder not found' : `cannot read folder (${code})`, cause: err });
  }
  const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  const songs: string[] = [];
  await Promise.all(
    dirs.map(async (name) => {
      const inner = await readdir(path.join(root, name));
      if (inner.some((f) => f.toLowerCase().endsWith('.mid') || f === POP909_FILES.beatMidi)) songs.push(name);
    }),
  );
  return songs.sort();
}
