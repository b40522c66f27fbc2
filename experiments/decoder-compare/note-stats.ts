/**
 * What the predictions of each decoder look like, next to the reference accompaniment of the test split:
 * notes per segment, mean note length, onsets per segment, the commonest note lengths (share of notes),
 * notes per onset step (share of onset steps) and how often a step has an onset by its sixteenth within the
 * beat (on the beat, 16th, 8th, 16th). Melody notes of the reference are left out (the model predicts the
 * accompaniment only).
 *
 *   npx tsx experiments/decoder-compare/note-stats.ts [--manifest M] [--split test|valid] <prediction folder>...
 */
import { readSegments, SEGMENT_STEPS } from '@a2s/dataset';
import { readPredictionFolder } from '@a2s/eval';

interface NoteLike {
  onsetStep: number;
  durationSteps: number;
  track?: string;
}

function line(name: string, rows: readonly { notes: readonly NoteLike[] }[]): string {
  let notes = 0;
  let length = 0;
  let onsets = 0;
  const lengths = new Map<number, number>();
  const perOnset = new Map<number, number>();
  const bySixteenth = [0, 0, 0, 0];
  const bump = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const r of rows) {
    const acc = r.notes.filter((n) => n.track !== 'MELODY');
    const byOnset = new Map<number, number>();
    for (const n of acc) {
      length += n.durationSteps;
      bump(lengths, n.durationSteps);
      bump(byOnset, n.onsetStep);
    }
    notes += acc.length;
    onsets += byOnset.size;
    for (const c of byOnset.values()) bump(perOnset, Math.min(c, 6));
    for (const step of byOnset.keys()) if (step >= 0 && step < SEGMENT_STEPS) bySixteenth[step % 4]++;
  }
  const share = (m: Map<number, number>, total: number, order: (a: [number, number], b: [number, number]) => number, take: number) =>
    [...m]
      .sort(order)
      .slice(0, take)
      .map(([k, c]) => `${k}:${(c / Math.max(total, 1)).toFixed(2)}`)
      .join(' ');
  const n = Math.max(rows.length, 1);
  return [
    name,
    (notes / n).toFixed(1),
    (length / Math.max(notes, 1)).toFixed(2),
    (onsets / n).toFixed(1),
    share(lengths, notes, (a, b) => b[1] - a[1], 5),
    share(perOnset, onsets, (a, b) => a[0] - b[0], 6),
    bySixteenth.map((c) => (c / n / (SEGMENT_STEPS / 4)).toFixed(2)).join(' '),
  ].join(' | ');
}

const args = process.argv.slice(2);
let manifest = 'data/bench/features-dataset-50/manifest.json';
const mi = args.indexOf('--manifest');
if (mi >= 0) {
  manifest = args[mi + 1];
  args.splice(mi, 2);
}
let split: 'test' | 'valid' = 'test';
const si = args.indexOf('--split');
if (si >= 0) {
  if (args[si + 1] !== 'test' && args[si + 1] !== 'valid') throw new Error(`note-stats: --split must be test or valid, got ${args[si + 1]}`);
  split = args[si + 1] as 'test' | 'valid';
  args.splice(si, 2);
}
console.log('| predictions | notes/segment | mean length (steps) | onsets/segment | commonest lengths | notes per onset (6 = 6+) | onset rate by 16th in the beat |');
console.log('|---|---|---|---|---|---|---|');
console.log(`| ${line(`reference (${split} split)`, await readSegments(manifest, { split }))} |`);
for (const dir of args) console.log(`| ${line(dir, (await readPredictionFolder(dir)).rows)} |`);
