/**
 * Texture statistics of prediction folders next to the two references and the test split's accompaniment:
 * notes per beat, onsets per beat (steps with at least one onset), notes per onset, and the cosine between the
 * predictions' onset pattern within the bar (16 sixteenth positions) and each reference's.
 *
 *   npx tsx experiments/texture-control/texture-stats.ts --manifest M --refs <dir with dense.mid, sparse.mid> <prediction folder>...
 * Prints a Markdown table and writes it as JSON to --json <file> when given.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readSegments, SEGMENT_BEATS } from '@a2s/dataset';
import { readPredictionFolder } from '@a2s/eval';
import { readTextureReference } from '@a2s/model';

interface NoteLike {
  onsetStep: number;
  track?: string;
}

interface Stats {
  notesPerBeat: number;
  onsetsPerBeat: number;
  notesPerOnset: number;
  barPattern: number[];
}

function stats(segments: readonly (readonly NoteLike[])[], beatsPerSegment: number): Stats {
  let notes = 0;
  let onsets = 0;
  const pattern = new Array(16).fill(0);
  for (const seg of segments) {
    const acc = seg.filter((n) => n.track !== 'MELODY');
    notes += acc.length;
    const steps = new Set(acc.map((n) => n.onsetStep));
    onsets += steps.size;
    for (const s of steps) if (s >= 0) pattern[s % 16]++;
  }
  const beats = Math.max(1, segments.length * beatsPerSegment);
  return { notesPerBeat: notes / beats, onsetsPerBeat: onsets / beats, notesPerOnset: notes / Math.max(onsets, 1), barPattern: pattern };
}

const cosine = (a: number[], b: number[]): number => {
  const dot = a.reduce((s, x, i) => s + x * b[i], 0);
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  return na && nb ? dot / (na * nb) : 0;
};

const args = process.argv.slice(2);
const take = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const manifest = take('--manifest') ?? 'data/demo/data/manifest.json';
const refs = take('--refs') ?? 'data/texture-control';
const json = take('--json');
const ref = {
  dense: await readTextureReference(path.join(refs, 'dense.mid')),
  sparse: await readTextureReference(path.join(refs, 'sparse.mid')),
};
// the references as 2-bar windows at every bar, like the song windows
const refWindows = (r: typeof ref.dense) => {
  const out: NoteLike[][] = [];
  for (let b = 0; b + SEGMENT_BEATS <= r.beats; b += 4) out.push(r.notes.filter((n) => n.onsetStep >= b * 4 && n.onsetStep < (b + SEGMENT_BEATS) * 4).map((n) => ({ onsetStep: n.onsetStep - b * 4 })));
  return out;
};
const rows: { name: string; s: Stats }[] = [
  { name: 'reference dense.mid', s: stats(refWindows(ref.dense), SEGMENT_BEATS) },
  { name: 'reference sparse.mid', s: stats(refWindows(ref.sparse), SEGMENT_BEATS) },
  { name: 'test split accompaniment (ground truth)', s: stats((await readSegments(manifest, { split: 'test' })).map((r) => r.notes), SEGMENT_BEATS) },
];
for (const dir of args) rows.push({ name: dir, s: stats((await readPredictionFolder(dir)).rows.map((r) => r.notes), SEGMENT_BEATS) });
const dense = rows[0].s.barPattern;
const sparse = rows[1].s.barPattern;
console.log('| notes | notes/beat | onsets/beat | notes/onset | onset-pattern cosine to dense.mid | to sparse.mid |');
console.log('|---|---|---|---|---|---|');
const table = rows.map(({ name, s }) => ({
  name,
  notesPerBeat: s.notesPerBeat,
  onsetsPerBeat: s.onsetsPerBeat,
  notesPerOnset: s.notesPerOnset,
  cosDense: cosine(s.barPattern, dense),
  cosSparse: cosine(s.barPattern, sparse),
}));
for (const r of table) {
  console.log(`| ${r.name} | ${r.notesPerBeat.toFixed(2)} | ${r.onsetsPerBeat.toFixed(2)} | ${r.notesPerOnset.toFixed(2)} | ${r.cosDense.toFixed(3)} | ${r.cosSparse.toFixed(3)} |`);
}
if (json) await writeFile(json, JSON.stringify(table, null, 2) + '\n');
