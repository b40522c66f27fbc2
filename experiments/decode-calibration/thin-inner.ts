/**
 * The eighth part (README, "Thinning inner voices"): the seventh part's note count per song, reached by taking
 * inner notes out of chords instead of lowering the later-slot EOS threshold, and the notes left held longer.
 *
 *   thin <manifest> <split> <fit.json> <in dir> <out dir> <variant> [--no-stretch]
 *       Per song of <in dir> (a prediction folder of the current decoding): the fit's predicted log(notes per
 *       segment) (follow-density.ts fit, training songs only) gives a target count, exp(prediction) × segments,
 *       rounded. When the song has more notes than that, inner notes are removed until it has the target or no
 *       onset has more than two notes: an onset (the notes of a segment starting at one step) keeps its lowest and
 *       its highest note, so each segment's pitch span, its lowest note on every beat (bass agreement) and its
 *       onsets (rhythm) stay as they are. Removal goes by level: every onset of the most notes loses one, spread
 *       evenly over the song when the quota ends inside a level; the note taken is the inner one nearest the
 *       onset's mean pitch (its mean moves least). Songs at or below their target are left as they are.
 *       Then, unless --no-stretch, every note left in a thinned song is held s = (notes before) / (notes after)
 *       times as long (rounded, at least as long as it was), ending at the latest at the segment's end or at the
 *       next onset of its pitch in the segment (an onset's lowest note: at the segment's next onset), so the song's
 *       sounding note-steps (polyphony) stay about as they were.
 *       Writes a prediction folder (variant <variant>) and prints, per song, the target, the counts before and
 *       after, and the stretch; and totals.
 *
 *   hits <manifest> <split> <pred dir>
 *       Why thinning costs onset F1: for every note of the prediction folder, whether a reference note of its pitch
 *       starts within one step of it (onset F1's match, without its one-to-one pairing), pooled over the songs, by
 *       the note's place in its onset (lowest, inner, highest), and for inner notes of onsets of 3 or more notes by
 *       whether its pitch class is doubled in the onset and by its interval above the annotated chord's root.
 *       Removing a note whose hit rate is q raises onset F1 only if q < F1 / 2.
 *
 * Songs are read from the dataset's segments as in follow-density.ts (chord changes and seconds per beat of the
 * annotated beats and chords).
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { readSegments, SEGMENT_STEPS, type Note, type SegmentRow, type Split } from '@a2s/dataset';
import { ACCOMPANIMENT_TRACKS, readPredictionFolder, writePredictionFolder } from '@a2s/eval';
import { predictLogNotes as predictLog, songStats, type Fit } from './song-stats.ts';

const usage = (): never => {
  process.stderr.write('usage: thin-inner.ts thin <manifest> <split> <fit.json> <in dir> <out dir> <variant> [--no-stretch] | hits <manifest> <split> <pred dir>\n');
  process.exit(2);
};

interface Onset { row: number; notes: Note[] }

/** A segment's notes grouped by onset step, in step order. */
function byOnset(notes: readonly Note[]): [number, Note[]][] {
  const at = new Map<number, Note[]>();
  for (const n of notes) at.set(n.onsetStep, [...(at.get(n.onsetStep) ?? []), n]);
  return [...at].sort(([a], [b]) => a - b);
}

/** Removes up to `quota` inner notes from the onsets, level by level (see the header); returns how many it removed. */
function thinOnsets(onsets: Onset[], quota: number): number {
  let removed = 0;
  while (removed < quota) {
    const top = Math.max(0, ...onsets.map((o) => o.notes.length));
    if (top <= 2) break;
    const level = onsets.filter((o) => o.notes.length === top);
    const take = Math.min(level.length, quota - removed);
    // `take` onsets of the level, evenly spread over it (all of them when the quota allows)
    for (let i = 0; i < take; i++) {
      const o = level[Math.floor(((i + 0.5) * level.length) / take)];
      const sorted = [...o.notes].sort((a, b) => a.pitch - b.pitch);
      const mean = sorted.reduce((s, n) => s + n.pitch, 0) / sorted.length;
      let best = 1;
      for (let k = 2; k < sorted.length - 1; k++) if (Math.abs(sorted[k].pitch - mean) < Math.abs(sorted[best].pitch - mean)) best = k;
      o.notes = o.notes.filter((n) => n !== sorted[best]);
      removed++;
    }
  }
  return removed;
}

/**
 * Holds each note `s` times as long, ending by the segment's end and the next onset of its pitch; an onset's lowest
 * note (its bass) ends by the segment's next onset, so a held bass never sounds under the next one.
 */
function stretch(notes: readonly Note[], s: number): Note[] {
  const steps = [...new Set(notes.map((n) => n.onsetStep))].sort((a, b) => a - b);
  const lowest = new Map<number, number>();
  for (const n of notes) lowest.set(n.onsetStep, Math.min(lowest.get(n.onsetStep) ?? 128, n.pitch));
  return notes.map((n) => {
    let end = notes.filter((m) => m.pitch === n.pitch && m.onsetStep > n.onsetStep).reduce((a, m) => Math.min(a, m.onsetStep), SEGMENT_STEPS);
    if (lowest.get(n.onsetStep) === n.pitch) end = Math.min(end, steps.find((t) => t > n.onsetStep) ?? SEGMENT_STEPS);
    const want = Math.max(n.durationSteps, Math.round(n.durationSteps * s));
    return { ...n, durationSteps: Math.max(n.durationSteps, Math.min(want, end - n.onsetStep)) };
  });
}

/** `hits`: hit rates by the note's place in its onset and, for inner notes, by doubling and chord role. */
async function hits(manifest: string, split: Split, dir: string): Promise<void> {
  const accompaniment = new Set<string>(ACCOMPANIMENT_TRACKS);
  const refs = new Map<string, SegmentRow>();
  for (const r of await readSegments(manifest, { split })) refs.set(`${r.songId}/${r.startBeat}`, r);
  const tally: Record<string, { notes: number; hits: number }> = {};
  const add = (k: string, hit: boolean) => {
    const t = (tally[k] ??= { notes: 0, hits: 0 });
    t.notes++;
    if (hit) t.hits++;
  };
  const roles: Record<number, string> = { 0: 'root', 3: 'third', 4: 'third', 7: 'fifth', 10: 'seventh', 11: 'seventh' };
  for (const r of (await readPredictionFolder(dir)).rows) {
    const ref = refs.get(`${r.songId}/${r.startBeat}`);
    if (!ref) throw new Error(`${dir}: segment ${r.songId} at beat ${r.startBeat} is not in the ${split} split of ${manifest}`);
    const refNotes = ref.notes.filter((n) => accompaniment.has(n.track));
    for (const [step, notes] of byOnset(r.notes)) {
      const sorted = [...notes].sort((a, b) => a.pitch - b.pitch);
      const chord = ref.chords[Math.floor((step * ref.chords.length) / SEGMENT_STEPS)];
      sorted.forEach((n, i) => {
        const hit = refNotes.some((m) => m.pitch === n.pitch && Math.abs(m.onsetStep - step) <= 1);
        const place = i === 0 ? 'lowest' : i === sorted.length - 1 ? 'highest' : 'inner';
        add(`place ${place}`, hit);
        if (place !== 'inner') return;
        add(`inner, pitch class ${sorted.some((m, j) => j !== i && m.pitch % 12 === n.pitch % 12) ? '' : 'not '}doubled`, hit);
        add(`inner, chord ${chord && chord.root >= 0 ? (roles[(n.pitch - chord.root + 120) % 12] ?? 'other interval') : 'none'}`, hit);
      });
    }
  }
  const out = Object.fromEntries(Object.entries(tally).sort().map(([k, t]) => [k, { notes: t.notes, hitRate: Number((t.hits / t.notes).toFixed(4)) }]));
  process.stdout.write(`${JSON.stringify({ dir, split, match: 'same pitch, onset within 1 step', groups: out }, null, 1)}\n`);
}

const [command, manifest, split, fitFile, inDir, outDir, variant, ...flags] = process.argv.slice(2);
if (command === 'hits') {
  if (!manifest || !split || !fitFile) usage();
  await hits(manifest, split as Split, fitFile);
  process.exit(0);
}
if (command !== 'thin' || !manifest || !split || !fitFile || !inDir || !outDir || !variant) usage();
const noStretch = flags.includes('--no-stretch');
const fit = JSON.parse(readFileSync(fitFile, 'utf8')) as Fit;
const stats = songStats(await readSegments(manifest, { split: split as Split }));
const { meta, rows } = await readPredictionFolder(inDir);
const bySong = new Map<string, SegmentRow[]>();
for (const r of rows) {
  if (!stats.has(r.songId)) throw new Error(`${inDir}: song ${r.songId} is not in the ${split} split of ${manifest}`);
  bySong.set(r.songId, [...(bySong.get(r.songId) ?? []), r]);
}
const accompaniment = new Set<string>(ACCOMPANIMENT_TRACKS);
const out: SegmentRow[] = [];
const songs: Record<string, { target: number; before: number; after: number; stretch: number }> = {};
for (const id of [...bySong.keys()].sort()) {
  const segs = bySong.get(id)!;
  const s = stats.get(id)!;
  const target = Math.round(Math.exp(predictLog(fit, s)) * s.segments);
  const before = segs.reduce((a, r) => a + r.notes.length, 0);
  const onsets: Onset[] = [];
  segs.forEach((r, row) => {
    for (const n of r.notes) if (!accompaniment.has(n.track)) throw new Error(`${inDir}: song ${id} has a note on track ${n.track}`);
    for (const [, notes] of byOnset(r.notes)) onsets.push({ row, notes });
  });
  const removed = before > target ? thinOnsets(onsets, before - target) : 0;
  const after = before - removed;
  const factor = removed > 0 && !noStretch ? before / after : 1;
  segs.forEach((r, row) => {
    const kept = onsets.filter((o) => o.row === row).flatMap((o) => o.notes);
    out.push({ ...r, notes: factor > 1 ? stretch(kept, factor) : kept });
  });
  songs[id] = { target, before, after, stretch: Number(factor.toFixed(4)) };
}
await rm(outDir, { recursive: true, force: true });
await writePredictionFolder(outDir, { ...meta, system: String(meta.system), variant, eosThreshold: meta.eosThreshold, thinInner: { fit: fitFile, from: inDir, stretch: !noStretch } } as never, out);
const all = Object.values(songs);
const sum = (f: (x: (typeof all)[number]) => number) => all.reduce((a, x) => a + f(x), 0);
process.stdout.write(`${JSON.stringify({ variant, songs: all.length, thinned: all.filter((x) => x.after < x.before).length, reachedTarget: all.filter((x) => x.before > x.target && x.after === x.target).length, notesBefore: sum((x) => x.before), notesAfter: sum((x) => x.after), targetTotal: sum((x) => x.target), perSong: songs }, null, 1)}\n`);
