import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { InputError, readSegmentShard, SEGMENT_BEATS, STEPS_PER_BEAT, type Chord, type Note, type SegmentRow } from '@a2s/dataset';
import type { ScoreSource } from '../types.ts';

/**
 * The songs of a prediction folder (`predictions.json` + `shards/*.arrow`, as `a2s predict` and `a2s
 * baseline` write them) as score sources, one per song id. Windows overlap (a 2-bar window at every
 * bar): each window contributes the notes that start before the next window does, the last one all of its
 * notes. Beat times come from the rows' beat sample indices, chords from the rows' chords.
 * @throws InputError when the folder has no shards or no rows.
 */
export async function readPredictionScoreSources(dir: string): Promise<Map<string, ScoreSource>> {
  const shardDir = path.join(dir, 'shards');
  let files: string[];
  try {
    files = (await readdir(shardDir)).filter((f) => f.endsWith('.arrow')).sort();
  } catch (err) {
    throw new InputError({ file: shardDir, message: 'not a prediction folder: it has no shards/ folder', cause: err });
  }
  const rows: SegmentRow[] = [];
  for (const f of files) rows.push(...(await readSegmentShard(path.join(shardDir, f))));
  if (rows.length === 0) throw new InputError({ file: shardDir, message: 'the prediction folder has no rows' });
  const bySong = new Map<string, SegmentRow[]>();
  for (const r of rows) bySong.set(r.songId, [...(bySong.get(r.songId) ?? []), r]);
  const out = new Map<string, ScoreSource>();
  for (const [songId, songRows] of [...bySong].sort((a, b) => a[0].localeCompare(b[0]))) {
    songRows.sort((a, b) => a.startBeat - b.startBeat);
    const notes: Note[] = [];
    const lastBeat = songRows[songRows.length - 1].startBeat + SEGMENT_BEATS;
    const beatTimesSec = new Float64Array(lastBeat + 1).fill(NaN);
    const chords: Chord[] = new Array(lastBeat).fill({ root: -1, pcMask: 0, bass: -1, label: 'N' });
    songRows.forEach((r, i) => {
      const next = songRows[i + 1]?.startBeat ?? Infinity;
      for (const n of r.notes) {
        const onsetStep = r.startBeat * STEPS_PER_BEAT + n.onsetStep;
        if (onsetStep < next * STEPS_PER_BEAT) notes.push({ ...n, onsetStep });
      }
      r.beatSamples.forEach((s, k) => {
        if (Number.isNaN(beatTimesSec[r.startBeat + k])) beatTimesSec[r.startBeat + k] = s / r.sampleRate;
      });
      r.chords.forEach((c, k) => {
        if (r.startBeat + k < next) chords[r.startBeat + k] = c;
      });
    });
    if (notes.length === 0) continue;
    // Beats before the first window (and gaps between windows) get times by linear extension.
    fillGaps(beatTimesSec);
    notes.sort((a, b) => a.onsetStep - b.onsetStep || a.pitch - b.pitch);
    out.set(songId, { notes, beatsPerBar: 4, firstDownbeatBeat: songRows[0].startBeat, beatTimesSec, chords, title: `Song ${songId}` });
  }
  return out;
}

function fillGaps(t: Float64Array): void {
  const known = [...t.keys()].filter((i) => !Number.isNaN(t[i]));
  if (known.length < 2) {
    for (let i = 0; i < t.length; i++) if (Number.isNaN(t[i])) t[i] = i * 0.5;
    return;
  }
  for (let i = 0; i < t.length; i++) {
    if (!Number.isNaN(t[i])) continue;
    let a = known[0];
    let b = known[1];
    for (let k = 0; k + 1 < known.length; k++) {
      if (known[k] <= i) {
        a = known[k];
        b = known[k + 1];
      }
    }
    t[i] = t[a] + ((i - a) * (t[b] - t[a])) / (b - a);
  }
}
