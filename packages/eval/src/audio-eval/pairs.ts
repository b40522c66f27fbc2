import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AUDIO_EXTENSIONS, InputError, readManifest, readSegments, type SegmentRow, type Split } from '@a2s/dataset';
import { readPredictionFolder } from '../scoring/prediction-folder.ts';
import { ACCOMPANIMENT_TRACKS } from '../metrics/song-scores.ts';
import { notesFromMidiBytes, stepNotesToTimed, stitchWindows, type ArrangedNote } from './notes.ts';

/** One arrangement and its source recording. */
export interface AudioEvalPair {
  /** Song id (metrics.arrow's `song` column). */
  readonly song: string;
  readonly recordingPath: string;
  /** The recording's beats (s) when known (dataset, beat file); tracked otherwise. */
  readonly beatTimesSec?: Float64Array;
  /** Where the arrangement comes from (a MIDI file, or a prediction folder and song). */
  readonly arrangementSource: string;
  /** Loads the arrangement's notes, in seconds of the recording's timeline. */
  readonly loadNotes: () => Promise<ArrangedNote[]>;
}

const MIDI_EXTENSIONS = ['.mid', '.midi'];

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new InputError({ file: path, message: `${what} not found or unreadable`, cause: err });
  }
}

/** Reads a MIDI arrangement (every non-percussion track). */
export async function readMidiArrangement(path: string): Promise<ArrangedNote[]> {
  return notesFromMidiBytes(await readBytes(path, 'arrangement MIDI file'), path);
}

const isDir = (p: string): Promise<boolean> => stat(p).then((s) => s.isDirectory(), () => false);

/**
 * Beat grid (s) of a song's prediction rows, from their `beatSamples` (9 per row): beat `startBeat + k` at
 * `beatSamples[k] / sampleRate`. Throws when a needed beat is missing or unpaired (−1).
 */
function beatGridOfRows(rows: readonly SegmentRow[], source: string): { grid: Float64Array; first: number } {
  const first = Math.min(...rows.map((r) => r.startBeat));
  const last = Math.max(...rows.map((r) => r.startBeat + r.beatSamples.length - 1));
  const grid = new Float64Array(last - first + 1).fill(Number.NaN);
  for (const r of rows) r.beatSamples.forEach((s, k) => s >= 0 && (grid[r.startBeat + k - first] = s / r.sampleRate));
  const gap = grid.findIndex((t) => !Number.isFinite(t));
  if (gap >= 0) throw new InputError({ file: source, message: `song ${rows[0].songId}: no sample position for beat ${first + gap} in the prediction rows` });
  return { grid, first };
}

/** Stitches a song's prediction windows and places them on `grid` (beat `first` at index 0). */
function rowsToTimed(rows: readonly SegmentRow[], grid: ArrayLike<number>, first: number, tracks?: readonly string[]): ArrangedNote[] {
  const windows = rows.map((r) => ({ startBeat: r.startBeat - first, notes: tracks ? r.notes.filter((n) => tracks.includes(n.track)) : r.notes }));
  return stepNotesToTimed(stitchWindows(windows), grid);
}

/**
 * One arrangement file or prediction folder against one recording. A prediction folder must hold exactly
 * one song (or name it with `song`); its beat grid comes from the rows' `beatSamples`.
 */
export async function singlePair(opts: { arrangement: string; recording: string; song?: string; beatTimesSec?: Float64Array }): Promise<AudioEvalPair> {
  const song = opts.song ?? basename(opts.recording, extname(opts.recording));
  if (!(await isDir(opts.arrangement))) {
    return { song, recordingPath: opts.recording, beatTimesSec: opts.beatTimesSec, arrangementSource: opts.arrangement, loadNotes: () => readMidiArrangement(opts.arrangement) };
  }
  const { rows } = await readPredictionFolder(opts.arrangement);
  const ids = [...new Set(rows.map((r) => r.songId))].sort();
  const id = opts.song && ids.includes(opts.song) ? opts.song : ids.length === 1 ? ids[0] : undefined;
  if (id === undefined) {
    throw new InputError({ file: opts.arrangement, message: `prediction folder holds ${ids.length} songs (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}); name one with --song` });
  }
  const mine = rows.filter((r) => r.songId === id);
  const { grid, first } = beatGridOfRows(mine, opts.arrangement);
  return {
    song: opts.song ?? id,
    recordingPath: opts.recording,
    beatTimesSec: opts.beatTimesSec,
    arrangementSource: `${opts.arrangement}#${id}`,
    loadNotes: async () => rowsToTimed(mine, grid, first),
  };
}

/** A folder of pairs: `<id>.mid` (or `.midi`) beside `<id>.wav|.mp3|.flac|.ogg`, matched by file stem. */
export async function folderPairs(dir: string): Promise<AudioEvalPair[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).sort();
  } catch (err) {
    throw new InputError({ file: dir, message: 'pairs folder not found or unreadable', cause: err });
  }
  const stem = (f: string) => basename(f, extname(f));
  const audio = new Map(files.filter((f) => (AUDIO_EXTENSIONS as readonly string[]).includes(extname(f).toLowerCase())).map((f) => [stem(f), f]));
  const midis = files.filter((f) => MIDI_EXTENSIONS.includes(extname(f).toLowerCase()));
  const pairs: AudioEvalPair[] = [];
  const unmatched: string[] = [];
  for (const m of midis) {
    const a = audio.get(stem(m));
    if (!a) {
      unmatched.push(m);
      continue;
    }
    const midiPath = join(dir, m);
    pairs.push({ song: stem(m), recordingPath: join(dir, a), arrangementSource: midiPath, loadNotes: () => readMidiArrangement(midiPath) });
  }
  if (pairs.length === 0) {
    throw new InputError({ file: dir, message: `no <id>.mid + <id>.{${AUDIO_EXTENSIONS.map((e) => e.slice(1)).join(',')}} pairs found${unmatched.length ? ` (MIDI without audio: ${unmatched.join(', ')})` : ''}` });
  }
  return pairs;
}

/** A built song of the manifest: its audio file and beat grid. */
interface ManifestSong {
  readonly recordingPath: string;
  readonly beatTimesSec: Float64Array;
}

async function manifestSongs(manifestPath: string, split: Split): Promise<Map<string, ManifestSong>> {
  const manifest = await readManifest(manifestPath);
  const base = dirname(resolve(manifestPath));
  const out = new Map<string, ManifestSong>();
  for (const rec of manifest.songs) {
    if (rec.status !== 'built' || rec.split !== split || !rec.audioPath || !rec.beatTimesSec) continue;
    out.set(rec.songId, { recordingPath: resolve(base, rec.audioPath), beatTimesSec: Float64Array.from(rec.beatTimesSec) });
  }
  return out;
}

/**
 * Every song of a dataset split, arranged by a prediction folder (its stitched windows on the song's beat
 * grid; a song without predictions is an empty arrangement) against the song's audio in the dataset.
 */
export async function predictionPairs(predDir: string, manifestPath: string, split: Split): Promise<AudioEvalPair[]> {
  const songs = await manifestSongs(manifestPath, split);
  const { rows } = await readPredictionFolder(predDir);
  return [...songs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, s]) => ({
    song: id,
    recordingPath: s.recordingPath,
    beatTimesSec: s.beatTimesSec,
    arrangementSource: `${predDir}#${id}`,
    loadNotes: async () => rowsToTimed(rows.filter((r) => r.songId === id), s.beatTimesSec, 0),
  }));
}

/** The ground-truth accompaniment (PIANO + BRIDGE) of every song of a split, as an arrangement of its own audio. */
export async function referencePairs(manifestPath: string, split: Split): Promise<AudioEvalPair[]> {
  const songs = await manifestSongs(manifestPath, split);
  const rows = await readSegments(manifestPath, { split });
  return [...songs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, s]) => ({
    song: id,
    recordingPath: s.recordingPath,
    beatTimesSec: s.beatTimesSec,
    arrangementSource: `${manifestPath}#${id}`,
    loadNotes: async () => rowsToTimed(rows.filter((r) => r.songId === id), s.beatTimesSec, 0, ACCOMPANIMENT_TRACKS),
  }));
}
