/**
 * What the predictions of each decoder look like, next to the reference accompaniment of the test split:
 * notes per segment, mean note length, onsets per segment, the commonest note lengths (share of notes) and
 * notes per onset step (share of onset steps). Melody notes of the reference are left out (the model predicts
 * the accompaniment only).
 *
 *   npx tsx packages/model/bench/decoder-compare/note-stats.ts [--manifest M] <prediction folder>...
 */
import { readSegments } from '@a2s/dataset';
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
  ].join(' | ');
}

const args = process.argv.slice(2);
let manifest = 'data/bench/features-dataset-50/manifest.json';
const mi = args.indexOf('--manifest');
if (mi >= 0) {
  manifest = args[mi + 1];
  args.splice(mi, 2);
}
console.log('| predictions | notes/segment | mean length (steps) | onsets/segment | commonest lengths | notes per onset (6 = 6+) |');
console.log('|---|---|---|---|---|---|');
console.log(`| ${line('reference (test split)', await readSegments(manifest, { split: 'test' }))} |`);
for (const dir of args) console.log(`| ${line(dir, (await readPredictionFolder(dir)).rows)} |`);
