import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { decodeAudioFile, toSampleRate, AUDIO_EXTENSIONS } from '../audio/decode.ts';
import { encodeWav16 } from '../audio/wav.ts';
import { loadPop909Song, segmentSong, type Pop909Song } from '../pop909/index.ts';
import { SEGMENT_BEATS } from '../score/types.ts';
import { encodeSegmentShard } from '../shards/writer.ts';
import type { SegmentRow } from '../shards/types.ts';
import { InputError, describeError } from '../util/errors.ts';
import { sha256, sha256File, stableStringify, writeFileAtomic } from '../util/fs.ts';
import { createRng } from '../util/rng.ts';
import type { DatasetConfig, RecordingsAudioConfig } from './config.ts';
import type { BandRecord, SongRecord } from './manifest.ts';
import { encodeBandMidi, generateBand, type BandArrangement } from './band.ts';
import { drawPrograms, midiWithPrograms, renderMidi, type TrackPrograms } from './synth.ts';

/** A song's outcome before the split is known. */
export type SongResult = Omit<SongRecord, 'split'>;

/** What one song's processing needs from the build. Paths absolute. */
export interface SongContext {
  config: DatasetConfig;
  outDir: string;
  /** Hash of everything besides the song's own files that its result depends on (config, soundfont, FluidSynth version, code version). */
  keyBase: string;
  force: boolean;
  signal?: AbortSignal;
  /** Folder for temporary files (FluidSynth's input and output), owned by the output: `<out>/tmp`. */
  tmpDir?: string;
}

export interface SongOutcome {
  result: SongResult;
  /** SHA-256 of each input file of the song, by name. */
  inputs: Record<string, string>;
  /** True when the result came from the per-song cache (nothing re-rendered). */
  cached: boolean;
}

interface CacheEntry {
  key: string;
  result: SongResult;
  audio?: { size: number; mtimeMs: number };
}

/** Cache files of one song: the record (JSON) and its segments (Arrow, split not yet assigned). */
export function songCachePaths(outDir: string, songId: string): { record: string; segments: string } {
  return { record: join(outDir, 'cache', 'songs', `${songId}.json`), segments: join(outDir, 'cache', 'songs', `${songId}.arrow`) };
}

export function audioPathFor(outDir: string, songId: string): string {
  return join(outDir, 'audio', `${songId}.wav`);
}

/** The band MIDI a song's band audio was rendered from (band audio only). */
export function bandMidiPathFor(outDir: string, songId: string): string {
  return join(outDir, 'audio', `${songId}.mid`);
}

/** Largest sample magnitude of band audio: a mix that would clip is scaled down to it (deterministic). */
export const BAND_PEAK = 0.95;

/**
 * Processes one song: hashes its inputs, returns the cached result when inputs and config are unchanged,
 * else loads the song, excludes it when not in duple metre (unless configured), renders or decodes its audio
 * to `audio/<id>.wav`, computes every beat's sample index and writes its segments to the cache. Bad input
 * throws {@link InputError} naming the song and file.
 */
export async function processSong(songDir: string, songId: string, ctx: SongContext): Promise<SongOutcome> {
  const { config, outDir } = ctx;
  const inputs = await hashSongInputs(songDir, songId, config);
  const key = sha256(stableStringify({ base: ctx.keyBase, inputs }));
  const paths = songCachePaths(outDir, songId);
  if (!ctx.force) {
    const hit = await readCache(paths, key, audioPathFor(outDir, songId), config.audio.type === 'band' ? bandMidiPathFor(outDir, songId) : undefined);
    if (hit) return { result: hit, inputs, cached: true };
  }
  const song = await loadPop909Song(songDir);
  checkEnoughBeats(song);
  const base = { songId, metre: song.metre.metre, beatsPerBar: song.metre.beatsPerBar, downbeatBeats: song.metre.downbeatBeats };
  if (song.metre.metre !== 'duple' && !config.includeNonDuple) {
    const result: SongResult = {
      ...base,
      status: 'excluded',
      reason: `not in duple metre (${song.metre.metre}, ${song.metre.beatsPerBar} beats per bar in ${song.files.beatMidi}); set includeNonDuple to keep such songs`,
    };
    await writeFileAtomic(paths.record, JSON.stringify({ key, result } satisfies CacheEntry));
    return { result, inputs, cached: false };
  }

  const sr = config.sampleRate;
  let samples: Float32Array;
  let beatTimesSec: Float64Array;
  let programs: TrackPrograms | undefined;
  let recordingPath: string | undefined;
  let band: BandRecord | undefined;
  if (config.audio.type === 'band') {
    const cfg = config.audio;
    const rng = createRng(config.seed).fork(`band/${songId}`);
    const soundfont = cfg.soundfonts[rng.fork('soundfont').int(cfg.soundfonts.length)];
    const arrangement = generateBand(song, cfg, rng);
    const midi = encodeBandMidi(arrangement, song.beatGrid.timesSec);
    const rendered = await renderMidi(midi, { fluidsynth: cfg.fluidsynth, soundfont, gain: cfg.gain, sampleRate: sr, signal: ctx.signal, songId, settings: arrangement.fluidsynthSettings, tmpRoot: ctx.tmpDir });
    beatTimesSec = song.beatGrid.timesSec;
    samples = limitPeak(padToCover(rendered, beatTimesSec, sr), BAND_PEAK);
    await writeFileAtomic(bandMidiPathFor(outDir, songId), midi);
    band = bandRecord(arrangement, { midiPath: `audio/${songId}.mid`, midiSha256: sha256(midi), soundfont, leak: cfg.leak });
  } else if (config.audio.type === 'synth') {
    const synth = config.audio;
    programs = drawPrograms(synth, createRng(config.seed).fork(`programs/${songId}`));
    const midi = midiWithPrograms(await readFile(song.files.midi), programs, song.files.midi, songId);
    const rendered = await renderMidi(midi, { ...synth, sampleRate: sr, signal: ctx.signal, songId, tmpRoot: ctx.tmpDir });
    beatTimesSec = song.beatGrid.timesSec;
    samples = padToCover(rendered, beatTimesSec, sr);
  } else {
    ({ samples, beatTimesSec, path: recordingPath } = await loadRecording(song, config.audio, sr));
  }

  const beatSamples = Int32Array.from(beatTimesSec, (t) => (Number.isNaN(t) ? -1 : Math.round(t * sr)));
  checkAudioCoversBeats(beatSamples, samples.length, sr, song, recordingPath);
  const audioPath = audioPathFor(outDir, songId);
  const wav = encodeWav16(samples, sr);
  const audioSha256 = sha256(wav);
  await writeFileAtomic(audioPath, wav);

  const rows: SegmentRow[] = [];
  for (const seg of segmentSong(song)) {
    const window = beatSamples.slice(seg.startBeat, seg.startBeat + SEGMENT_BEATS + 1);
    if (window.length !== SEGMENT_BEATS + 1 || window.some((s) => s < 0)) continue;
    rows.push({ songId, split: 'train', startBeat: seg.startBeat, notes: seg.notes, chords: seg.chords, beatSamples: window, audioPath, audioSha256, sampleRate: sr });
  }
  await writeFileAtomic(paths.segments, encodeSegmentShard(rows, { baseDir: outDir, shardDir: join(outDir, 'cache', 'songs') }));
  const result: SongResult = {
    ...base,
    status: 'built',
    audioPath: `audio/${songId}.wav`,
    audioSha256,
    sampleRate: sr,
    durationSec: samples.length / sr,
    beatSamples: Array.from(beatSamples),
    beatTimesSec: Array.from(beatTimesSec, (t) => (Number.isNaN(t) ? -1 : t)),
    segments: rows.length,
    ...(programs ? { programs: programs as Record<string, number> } : {}),
    ...(band ? { band } : {}),
  };
  const audioStat = await stat(audioPath);
  await writeFileAtomic(paths.record, JSON.stringify({ key, result, audio: { size: audioStat.size, mtimeMs: audioStat.mtimeMs } } satisfies CacheEntry));
  return { result, inputs, cached: false };
}

/** SHA-256 of every file of the song folder (sub-folders ignored) and of its recording, by name. */
async function hashSongInputs(songDir: string, songId: string, config: DatasetConfig): Promise<Record<string, string>> {
  let names: string[];
  try {
    const entries = await readdir(songDir, { withFileTypes: true });
    // Symbolic links count as the files they point to (a dangling one fails the song below, naming it).
    const linked = await Promise.all(
      entries.map(async (e) => e.isFile() || (e.isSymbolicLink() && !(await stat(join(songDir, e.name)).catch(() => undefined))?.isDirectory())),
    );
    names = entries.filter((_, i) => linked[i]).map((e) => e.name).sort();
  } catch (err) {
    throw new InputError({ file: songDir, songId, message: 'cannot read song folder', cause: err });
  }
  const out: Record<string, string> = {};
  for (const name of names) out[name] = await hashInput(join(songDir, name), songId);
  if (config.audio.type === 'recordings') {
    const rec = await findRecording(config.audio.dir, songId);
    out[`recording:${basename(rec)}`] = await hashInput(rec, songId);
  }
  return out;
}

/** SHA-256 of one input file; an unreadable file (permissions, I/O error) fails this song only, naming the file. */
async function hashInput(path: string, songId: string): Promise<string> {
  try {
    return await sha256File(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError({ file: path, songId, message: `cannot read file (${code ?? describeError(err)})`, cause: err });
  }
}

function bandRecord(arr: BandArrangement, info: Pick<BandRecord, 'midiPath' | 'midiSha256' | 'soundfont' | 'leak'>): BandRecord {
  return {
    ...info,
    tempoBpm: Math.round(arr.tempoBpm * 100) / 100,
    feel: arr.feel,
    bars: arr.bars.length,
    borrowedBars: arr.borrowedBars.length,
    melodyLevel: Math.round(arr.melodyLevel * 1000) / 1000,
    parts: arr.parts.map((p) => ({
      name: p.name,
      style: p.style,
      channel: p.channel,
      program: p.program,
      volume: p.volume,
      notes: p.notes.length,
      approachNotes: p.notes.filter((n) => n.role === 'approach').length,
      leakNotes: p.notes.filter((n) => n.role === 'leak').length,
    })),
    fluidsynthSettings: arr.fluidsynthSettings,
    fallbacks: arr.fallbacks,
  };
}

/** Scales the audio down so that its peak is at most `peak` (no change when it is already below). */
function limitPeak(samples: Float32Array, peak: number): Float32Array {
  let max = 0;
  for (const x of samples) max = Math.max(max, Math.abs(x));
  if (max <= peak) return samples;
  const g = peak / max;
  for (let i = 0; i < samples.length; i++) samples[i] *= g;
  return samples;
}

async function readCache(paths: { record: string; segments: string }, key: string, audioPath: string, midiPath?: string): Promise<SongResult | undefined> {
  let entry: CacheEntry;
  try {
    entry = JSON.parse(await readFile(paths.record, 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
  if (entry.key !== key) return undefined;
  if (entry.result.status === 'excluded') return entry.result;
  if (entry.result.status !== 'built' || !entry.audio) return undefined;
  const [audio, segments] = await Promise.all([stat(audioPath).catch(() => undefined), stat(paths.segments).catch(() => undefined)]);
  if (!audio || !segments || audio.size !== entry.audio.size || audio.mtimeMs !== entry.audio.mtimeMs) return undefined;
  if (midiPath !== undefined && !(await stat(midiPath).catch(() => undefined))?.isFile()) return undefined;
  return entry.result;
}

/**
 * A song needs one 8-beat segment: at least 9 beats (the ninth ends the segment) and 2 downbeats (to tell the
 * metre). Without this, a 3-beat file would be reported as "not in duple metre".
 */
function checkEnoughBeats(song: Pop909Song): void {
  const beats = song.beatGrid.timesSec.length;
  const downbeats = song.metre.downbeatBeats.length;
  if (beats < SEGMENT_BEATS + 1) {
    throw new InputError({ file: song.files.beatMidi, songId: song.id, message: `only ${beats} beats: a song needs at least ${SEGMENT_BEATS + 1} (one ${SEGMENT_BEATS}-beat segment and the beat that ends it)` });
  }
  if (downbeats < 2) {
    throw new InputError({ file: song.files.beatMidi, songId: song.id, message: `${beats} beats but ${downbeats} flagged as downbeat (third column): at least 2 are needed to tell the metre` });
  }
}

/** Appends silence so the audio lasts at least one beat past the last beat (FluidSynth stops at the last note-off). */
function padToCover(samples: Float32Array, beatTimesSec: Float64Array, sr: number): Float32Array {
  const n = beatTimesSec.length;
  const lastBeat = n > 0 ? beatTimesSec[n - 1] : 0;
  const beatSec = n > 1 ? beatTimesSec[n - 1] - beatTimesSec[n - 2] : 0.5;
  const need = Math.ceil((lastBeat + beatSec) * sr);
  if (samples.length >= need) return samples;
  const out = new Float32Array(need);
  out.set(samples);
  return out;
}

/** The audio must last until the last beat; for a recording the error names the recording and the beat file. */
function checkAudioCoversBeats(beatSamples: Int32Array, length: number, sr: number, song: Pop909Song, recordingPath: string | undefined): void {
  for (let k = beatSamples.length - 1; k >= 0; k--) {
    if (beatSamples[k] < 0) continue;
    if (beatSamples[k] > length) {
      const beatFile = basename(recordingPath !== undefined ? song.files.beatAudio ?? 'beat_audio.txt' : song.files.beatMidi);
      throw new InputError({
        file: recordingPath ?? song.files.beatMidi,
        songId: song.id,
        message: `audio is ${(length / sr).toFixed(2)} s long but beat ${k} of ${beatFile} is at ${(beatSamples[k] / sr).toFixed(2)} s: audio shorter than its beats`,
      });
    }
    return;
  }
}

/** `<dir>/<id>.<ext>` for the first supported extension that exists. */
export async function findRecording(dir: string, songId: string): Promise<string> {
  for (const ext of AUDIO_EXTENSIONS) {
    const path = join(dir, `${songId}${ext}`);
    if ((await stat(path).catch(() => undefined))?.isFile()) return path;
  }
  throw new InputError({ file: dir, songId, message: `no recording for song ${songId} (looked for ${AUDIO_EXTENSIONS.map((e) => songId + e).join(', ')})` });
}

/**
 * Decodes the song's recording and pairs its beats with the score: beat `k` of `beat_midi.txt` ↔ beat
 * `k + beatOffset` of `beat_audio.txt`. Returns per score beat the time in the recording (NaN where a beat
 * has no partner: segments touching such beats are left out).
 */
async function loadRecording(song: Pop909Song, cfg: RecordingsAudioConfig, sr: number): Promise<{ samples: Float32Array; beatTimesSec: Float64Array; path: string }> {
  const beatAudioFile = song.files.beatAudio ?? join(song.dir, 'beat_audio.txt');
  if (!song.audioBeats) throw new InputError({ file: beatAudioFile, songId: song.id, message: 'missing: recordings need beat_audio.txt to align the audio with the score' });
  const nMidi = song.beatGrid.timesSec.length;
  const nAudio = song.audioBeats.timesSec.length;
  const paired = Math.min(nMidi, nAudio - cfg.beatOffset) - Math.max(0, -cfg.beatOffset);
  const mismatch = Math.abs(nMidi - (nAudio - cfg.beatOffset)) / nMidi;
  if (mismatch > cfg.maxBeatCountMismatch || paired < SEGMENT_BEATS + 1) {
    throw new InputError({
      file: beatAudioFile,
      songId: song.id,
      message: `${nAudio} beats here vs ${nMidi} in beat_midi.txt (offset ${cfg.beatOffset}, ${paired} paired): cannot pair the recording's beats with the score beat by beat (allowed count difference ${(cfg.maxBeatCountMismatch * 100).toFixed(0)} %)`,
    });
  }
  const beatTimesSec = new Float64Array(nMidi).fill(Number.NaN);
  for (let k = 0; k < nMidi; k++) {
    const a = k + cfg.beatOffset;
    if (a >= 0 && a < nAudio) beatTimesSec[k] = song.audioBeats.timesSec[a];
  }
  const path = await findRecording(cfg.dir, song.id);
  let decoded;
  try {
    decoded = toSampleRate(await decodeAudioFile(path), sr);
  } catch (err) {
    // decodeAudioFile names the file; the build's message also names the song.
    if (err instanceof InputError && err.songId === undefined) {
      const where = err.line !== undefined ? `${err.file}:${err.line}` : err.file;
      throw new InputError({ file: err.file, line: err.line, songId: song.id, message: err.message.slice(where.length + 2), cause: err });
    }
    throw err;
  }
  if (decoded.samples.length === 0) throw new InputError({ file: path, songId: song.id, message: 'recording has no samples' });
  return { samples: decoded.samples, beatTimesSec, path };
}
