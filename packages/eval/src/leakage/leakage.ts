import { readManifest, readSegments, sha256File, type Manifest, type SegmentRow, type Split } from '@a2s/dataset';
import { DEFAULT_BASIC_PITCH_THRESHOLDS } from '../baselines/basic-pitch.ts';
import { groupBySong } from '../baselines/group-by-song.ts';
import { predictSong } from '../baselines/run-baseline.ts';
import { onsetCounts, type OnsetCounts } from '../metrics/onset-f1.ts';
import { ACCOMPANIMENT_TRACKS } from '../metrics/song-scores.ts';

/** Version of {@link LeakageResult}. */
export const LEAKAGE_SCHEMA_VERSION = 1;

/** Onset counts pooled over a song's segments and the F1 they give (0 when nothing matches). */
export interface PooledOnsetF1 extends OnsetCounts {
  f1: number;
}

export interface LeakageSong {
  song: string;
  segments: number;
  /** basic-pitch's transcription of the song's audio vs the target accompaniment. */
  transcription: PooledOnsetF1;
  /** The ground-truth chord labels as block chords (`gt-chords-pattern/block`) vs the target accompaniment. */
  chordChart: PooledOnsetF1;
}

/**
 * How much of the target is literally in a dataset's audio: the onset F1 of basic-pitch's transcription of
 * the audio against the target accompaniment (PIANO + BRIDGE), next to the F1 of the chord chart alone
 * (ground-truth chords played as block chords) on the same songs. Written by `a2s leakage` as
 * `leakage.json`; the report's dataset section shows it.
 */
export interface LeakageResult {
  schemaVersion: typeof LEAKAGE_SCHEMA_VERSION;
  kind: 'a2s-leakage';
  manifest: { path: string; sha256: string };
  /** The dataset's audio source: `synth`, `band` (with its `leak` and soundfonts) or `recordings`. */
  audio: { type: string; leak?: number; soundfonts?: string[] };
  split: Split;
  /** Segments scored per song, from the middle of the song (null: all). */
  segmentsPerSong: number | null;
  /** Transcriber settings. */
  transcriber: { system: 'basic-pitch'; onsetThreshold: number; frameThreshold: number; minNoteFrames: number };
  songs: LeakageSong[];
  /** Means over the songs of the per-song F1s. */
  transcriptionF1: number;
  chordChartF1: number;
}

export interface LeakageOptions {
  manifestPath: string;
  split: Split;
  /** These song ids (must be in the split). Default: the first `limitSongs` ids of the split, sorted. */
  songs?: readonly string[];
  /** Default 6. */
  limitSongs?: number;
  /**
   * Score only this many consecutive segments from the middle of each song (default: all). basic-pitch
   * transcribes only the span they cover, so this bounds the cost (about 0.25 s per audio second on wasm).
   */
  segmentsPerSong?: number;
  /** Replaces basic-pitch (tests). Gets a song's reference rows in beat order, returns predicted rows with the same keys. */
  transcribe?: (rows: readonly SegmentRow[]) => Promise<SegmentRow[]>;
  onSong?: (song: LeakageSong, done: number, total: number) => void;
}

function pooled(pred: readonly SegmentRow[], ref: readonly SegmentRow[]): PooledOnsetF1 {
  const byKey = new Map(pred.map((r) => [r.startBeat, r]));
  const total: OnsetCounts = { matched: 0, predicted: 0, reference: 0 };
  for (const r of ref) {
    const target = r.notes.filter((n) => ACCOMPANIMENT_TRACKS.includes(n.track));
    const c = onsetCounts(byKey.get(r.startBeat)?.notes ?? [], target);
    total.matched += c.matched;
    total.predicted += c.predicted;
    total.reference += c.reference;
  }
  const f1 = total.matched === 0 ? 0 : (2 * total.matched) / (total.predicted + total.reference);
  return { ...total, f1 };
}

function audioOf(manifest: Manifest): LeakageResult['audio'] {
  const a = manifest.config.audio;
  if (a.type === 'band') return { type: 'band', leak: a.leak, soundfonts: a.soundfonts };
  return { type: a.type };
}

/** Measures the leakage figure of a dataset on a fixed sample of songs (see {@link LeakageResult}). */
export async function measureLeakage(opts: LeakageOptions): Promise<LeakageResult> {
  const manifest = await readManifest(opts.manifestPath);
  const rows = await readSegments(opts.manifestPath, { split: opts.split });
  const bySong = groupBySong(rows);
  let ids: string[];
  if (opts.songs !== undefined) {
    const missing = opts.songs.filter((s) => !bySong.has(s));
    if (missing.length > 0) throw new Error(`${opts.manifestPath}: song(s) ${missing.join(', ')} have no segment in split ${opts.split}`);
    ids = [...opts.songs];
  } else {
    ids = [...bySong.keys()].sort().slice(0, opts.limitSongs ?? 6);
  }
  if (ids.length === 0) throw new Error(`${opts.manifestPath}: no song in split ${opts.split}`);
  const thresholds = DEFAULT_BASIC_PITCH_THRESHOLDS;
  const songs: LeakageSong[] = [];
  for (const id of ids) {
    const all = bySong.get(id) as SegmentRow[];
    const n = opts.segmentsPerSong;
    const ref = n !== undefined && all.length > n ? all.slice((all.length - n) >> 1, ((all.length - n) >> 1) + n) : all;
    const transcribed = opts.transcribe ? await opts.transcribe(ref) : await predictSong(ref, { type: 'basic-pitch', ...thresholds });
    const chart = await predictSong(ref, { type: 'gt-chords-pattern', pattern: 'block' });
    const song: LeakageSong = { song: id, segments: ref.length, transcription: pooled(transcribed, ref), chordChart: pooled(chart, ref) };
    songs.push(song);
    opts.onSong?.(song, songs.length, ids.length);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    schemaVersion: LEAKAGE_SCHEMA_VERSION,
    kind: 'a2s-leakage',
    manifest: { path: opts.manifestPath, sha256: await sha256File(opts.manifestPath) },
    audio: audioOf(manifest),
    split: opts.split,
    segmentsPerSong: opts.segmentsPerSong ?? null,
    transcriber: { system: 'basic-pitch', ...thresholds },
    songs,
    transcriptionF1: mean(songs.map((s) => s.transcription.f1)),
    chordChartF1: mean(songs.map((s) => s.chordChart.f1)),
  };
}

/** One Markdown table row: audio, leak, songs, transcription F1, chord-chart F1. */
export function leakageMarkdownRow(r: LeakageResult, label?: string): string {
  const audio = label ?? (r.audio.type === 'band' ? `band (leak ${r.audio.leak})` : r.audio.type);
  return `| ${audio} | ${r.songs.map((s) => s.song).join(', ')} | ${r.transcriptionF1.toFixed(3)} | ${r.chordChartF1.toFixed(3)} |`;
}
