import { readSegments, decodeAudioFile, SEGMENT_BEATS, type SegmentRow, type Split, type Note } from '@a2s/dataset';
import { recognizeChords } from '@a2s/features';
import type { BaselineConfig } from '../config.ts';
import { recognizeChordsFromNotes } from '../metrics/chord-recognition.ts';
import { ACCOMPANIMENT_TRACKS } from '../metrics/song-scores.ts';
import { writePredictionFolder } from '../scoring/prediction-folder.ts';
import { loadBasicPitch } from './basic-pitch.ts';
import { groupBySong } from './group-by-song.ts';
import { arrangeChords, patternForTempo } from './patterns.ts';
import { cutSegment, quantizeTimedNotes } from './quantize.ts';

/** Beat grid of a song rebuilt from its segment rows: beat `firstBeat + i` at `timesSec[i]`. */
export interface SongBeats {
  firstBeat: number;
  timesSec: Float64Array;
}

/**
 * Collects the beat times that a song's segments carry (`beatSamples`, 9 per segment) into one grid from
 * the first segment's start to the last segment's end; beats no segment covers are interpolated.
 */
export function songBeatsFromRows(rows: readonly SegmentRow[]): SongBeats {
  const known = new Map<number, number>();
  for (const r of rows) for (let i = 0; i < r.beatSamples.length; i++) known.set(r.startBeat + i, r.beatSamples[i] / r.sampleRate);
  const beats = [...known.keys()].sort((a, b) => a - b);
  const firstBeat = beats[0];
  const last = beats[beats.length - 1];
  const timesSec = new Float64Array(last - firstBeat + 1).fill(Number.NaN);
  for (const [b, t] of known) timesSec[b - firstBeat] = t;
  let prev = 0;
  for (let i = 1; i < timesSec.length; i++) {
    if (Number.isNaN(timesSec[i])) continue;
    for (let j = prev + 1; j < i; j++) timesSec[j] = timesSec[prev] + ((timesSec[i] - timesSec[prev]) * (j - prev)) / (i - prev);
    prev = i;
  }
  return { firstBeat, timesSec };
}

/** Median tempo (BPM) of a beat grid. */
export function tempoBpm(timesSec: Float64Array): number {
  const d: number[] = [];
  for (let i = 1; i < timesSec.length; i++) d.push(timesSec[i] - timesSec[i - 1]);
  d.sort((a, b) => a - b);
  const med = d.length ? d[d.length >> 1] : 0.5;
  return 60 / med;
}

const asPiano = (notes: readonly Note[]): Note[] => notes.map((n) => ({ ...n, track: 'PIANO' as const }));

/** Predicted rows for one song's reference rows (same keys; `notes` replaced, `chords` = the chords the system used). */
export async function predictSong(rows: readonly SegmentRow[], config: BaselineConfig): Promise<SegmentRow[]> {
  switch (config.type) {
    case 'gt':
      return rows.map((r) => ({ ...r, notes: asPiano(r.notes.filter((n) => ACCOMPANIMENT_TRACKS.includes(n.track))) }));
    case 'gt-chords-pattern':
      return rows.map((r) => ({ ...r, notes: arrangeChords(r.chords, config.pattern) }));
    case 'chord-template': {
      const beats = songBeatsFromRows(rows);
      const audio = await decodeAudioFile(rows[0].audioPath);
      const chords = recognizeChords(audio.samples, audio.sampleRate, beats.timesSec, { vocabulary: config.vocabulary });
      const pattern = config.pattern === 'auto' ? patternForTempo(tempoBpm(beats.timesSec)) : config.pattern;
      return rows.map((r) => {
        const c = chords.slice(r.startBeat - beats.firstBeat, r.startBeat - beats.firstBeat + SEGMENT_BEATS);
        return { ...r, chords: c, notes: arrangeChords(c, pattern) };
      });
    }
    case 'basic-pitch': {
      const beats = songBeatsFromRows(rows);
      const audio = await decodeAudioFile(rows[0].audioPath);
      // Transcribe only the span the segments cover (plus a margin), which is what gets scored.
      const margin = 0.5;
      const t0 = Math.max(0, beats.timesSec[0] - margin);
      const t1 = Math.min(audio.durationSec, beats.timesSec[beats.timesSec.length - 1] + margin);
      const slice = audio.samples.subarray(Math.floor(t0 * audio.sampleRate), Math.ceil(t1 * audio.sampleRate));
      const transcriber = await loadBasicPitch();
      const timed = await transcriber.transcribe(slice, audio.sampleRate, config);
      const shifted = timed.map((n) => ({ ...n, startSec: n.startSec + t0, endSec: n.endSec + t0 }));
      const songNotes = quantizeTimedNotes(shifted, beats.timesSec);
      return rows.map((r) => {
        const notes = cutSegment(songNotes, r.startBeat - beats.firstBeat);
        return { ...r, notes, chords: recognizeChordsFromNotes(notes, { beats: SEGMENT_BEATS }) };
      });
    }
  }
}

export interface RunBaselineOptions {
  readonly config: BaselineConfig;
  readonly manifestPath: string;
  readonly split: Split;
  readonly outDir: string;
  /** Name written to predictions.json (default: the baseline type). */
  readonly system?: string;
  /** Variant written to predictions.json (default: the pattern for pattern baselines, else `default`). */
  readonly variant?: string;
  /** Only the first N songs (sorted ids), for quick runs. */
  readonly limitSongs?: number;
  /** Called after each song. */
  readonly onSong?: (songId: string, done: number, total: number) => void;
}

/** Runs a baseline over a split and writes a prediction folder (shards + predictions.json). */
export async function runBaseline(opts: RunBaselineOptions): Promise<{ songs: number; segments: number; seconds: number }> {
  const started = performance.now();
  const rows = await readSegments(opts.manifestPath, { split: opts.split });
  const bySong = groupBySong(rows);
  let ids = [...bySong.keys()].sort();
  if (opts.limitSongs !== undefined) ids = ids.slice(0, opts.limitSongs);
  const out: SegmentRow[] = [];
  for (let i = 0; i < ids.length; i++) {
    const songRows = bySong.get(ids[i])!;
    out.push(...(await predictSong(songRows, opts.config)));
    opts.onSong?.(ids[i], i + 1, ids.length);
  }
  await writePredictionFolder(
    opts.outDir,
    {
      schemaVersion: 1,
      system: opts.system ?? opts.config.type,
      variant: opts.variant ?? ('pattern' in opts.config ? opts.config.pattern : 'default'),
      seed: null,
      manifest: opts.manifestPath,
      split: opts.split,
      baseline: opts.config,
    },
    out,
  );
  return { songs: ids.length, segments: out.length, seconds: (performance.now() - started) / 1000 };
}
