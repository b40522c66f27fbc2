/**
 * Mean note length (steps, cut at the segment's end) of the reference accompaniment and of each prediction folder,
 * over the songs of a split in three equal groups by tempo (seconds per beat: fast, middle, slow third). Whether
 * a system's note lengths follow tempo as the pianists' do. Prints JSON.
 *   npx tsx experiments/tempo-input/length-by-tempo.ts <manifest.json> <split> <prediction dir> [...]
 */
import { readSegments, type Note, type Split } from '@a2s/dataset';
import { ACCOMPANIMENT_TRACKS, readPredictionFolder } from '@a2s/eval';

const [manifest, split, ...dirs] = process.argv.slice(2);
if (!manifest || !split || dirs.length === 0) {
  process.stderr.write('usage: length-by-tempo.ts <manifest.json> <split> <prediction dir> [...]\n');
  process.exit(2);
}
const STEPS = 32;
const rows = await readSegments(manifest, { split: split as Split });
const tempo = new Map<string, { seconds: number; beats: number }>();
for (const r of rows) {
  const t = tempo.get(r.songId) ?? { seconds: 0, beats: 0 };
  t.seconds += (r.beatSamples[r.beatSamples.length - 1] - r.beatSamples[0]) / r.sampleRate;
  t.beats += r.beatSamples.length - 1;
  tempo.set(r.songId, t);
}
const songs = [...tempo.keys()].sort((a, b) => tempo.get(a)!.seconds / tempo.get(a)!.beats - tempo.get(b)!.seconds / tempo.get(b)!.beats);
const third = Math.floor(songs.length / 3);
const groups = { fast: songs.slice(0, third), middle: songs.slice(third, songs.length - third), slow: songs.slice(songs.length - third) };
const lengths = (items: readonly { songId: string; notes: readonly Note[] }[]) => {
  const per = new Map<string, { notes: number; steps: number }>();
  for (const r of items) {
    const t = per.get(r.songId) ?? { notes: 0, steps: 0 };
    for (const n of r.notes) {
      t.notes++;
      t.steps += Math.max(0, Math.min(n.onsetStep + Math.max(1, n.durationSteps), STEPS) - n.onsetStep);
    }
    per.set(r.songId, t);
  }
  return Object.fromEntries(Object.entries(groups).map(([g, ids]) => {
    let notes = 0, steps = 0;
    for (const id of ids) {
      notes += per.get(id)?.notes ?? 0;
      steps += per.get(id)?.steps ?? 0;
    }
    return [g, Number((steps / Math.max(notes, 1)).toFixed(3))];
  }));
};
const secondsPerBeat = Object.fromEntries(Object.entries(groups).map(([g, ids]) => [g, Number((ids.reduce((s, id) => s + tempo.get(id)!.seconds / tempo.get(id)!.beats, 0) / ids.length).toFixed(3))]));
const out: Record<string, unknown> = { songs: songs.length, meanSecondsPerBeat: secondsPerBeat };
out.reference = lengths(rows.map((r) => ({ songId: r.songId, notes: r.notes.filter((n) => (ACCOMPANIMENT_TRACKS as readonly string[]).includes(n.track)) })));
for (const dir of dirs) {
  const { meta, rows: pred } = await readPredictionFolder(dir);
  out[`${meta.system}/${meta.variant}`] = lengths(pred);
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
