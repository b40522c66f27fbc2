/**
 * Where bass agreement (`texture.bass.agreement`: the lowest sounding pitch class of each beat agrees with the
 * reference accompaniment's) is lost: every beat where the reference sounds a note, in one of these classes.
 *   agree             the lowest pitch classes agree
 *   silent            nothing of the prediction sounds in the beat
 *   lower:held        the reference's bass pitch class sounds in the prediction, but a lower note does too,
 *                     held over from an earlier beat
 *   lower:onBeat      … a lower note that starts on the beat
 *   lower:inBeat      … a lower note that starts later in the beat
 *   other:chordBass   the reference's bass pitch class is not played; the prediction's lowest is the bass of
 *                     the annotated chord
 *   other:chordTone   … another tone of the annotated chord
 *   other:nonChord    … a pitch class outside the annotated chord
 * For the `lower:*` classes it also counts how often the lower note is the annotated chord's root. Prints
 * JSON: per prediction folder, beats counted, the share of each class, and how often the annotated chord's
 * bass is the reference's bass (what block chords play).
 *   npx tsx experiments/decode-calibration/bass-errors.ts <manifest.json> <split> <prediction dir> [...]
 */
import { STEPS_PER_BEAT, readSegments, type Note, type Split } from '@a2s/dataset';
import { ACCOMPANIMENT_TRACKS, bassPitchClassPerBeat, readPredictionFolder } from '@a2s/eval';

const [manifest, split, ...dirs] = process.argv.slice(2);
if (!manifest || !split || dirs.length === 0) {
  process.stderr.write('usage: bass-errors.ts <manifest.json> <split> <prediction dir> [...]\n');
  process.exit(2);
}
const BEATS = 8;
const reference = await readSegments(manifest, { split: split as Split });
const key = (s: { songId: string; startBeat: number }) => `${s.songId}:${s.startBeat}`;
const byKey = new Map(reference.map((r) => [key(r), r]));
const sounding = (notes: readonly Note[], beat: number) =>
  notes.filter((n) => Math.floor(n.onsetStep / STEPS_PER_BEAT) <= beat && Math.floor((n.onsetStep + Math.max(1, n.durationSteps) - 1) / STEPS_PER_BEAT) >= beat);

const out: Record<string, unknown>[] = [];
for (const dir of dirs) {
  const { meta, rows } = await readPredictionFolder(dir);
  const counts: Record<string, number> = {};
  const add = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  let beats = 0;
  let chordBassIsReference = 0;
  let lowerIsRoot = 0;
  let missing = 0;
  for (const p of rows) {
    const r = byKey.get(key(p));
    if (!r) {
      missing++;
      continue;
    }
    const acc = r.notes.filter((n) => (ACCOMPANIMENT_TRACKS as readonly string[]).includes(n.track));
    const predBass = bassPitchClassPerBeat(p.notes, BEATS);
    const refBass = bassPitchClassPerBeat(acc, BEATS);
    for (let b = 0; b < BEATS; b++) {
      if (refBass[b] < 0) continue;
      beats++;
      const chord = r.chords[b];
      if (chord.bass === refBass[b]) chordBassIsReference++;
      if (predBass[b] === refBass[b]) add('agree');
      else if (predBass[b] < 0) add('silent');
      else {
        const notes = sounding(p.notes, b);
        if (notes.some((n) => n.pitch % 12 === refBass[b])) {
          const low = notes.reduce((m, n) => (n.pitch < m.pitch ? n : m));
          const start = b * STEPS_PER_BEAT;
          add(low.onsetStep < start ? 'lower:held' : low.onsetStep === start ? 'lower:onBeat' : 'lower:inBeat');
          if (chord.root >= 0 && low.pitch % 12 === chord.root) lowerIsRoot++;
        } else if (chord.root >= 0 && predBass[b] === chord.bass) add('other:chordBass');
        else if (chord.root >= 0 && (chord.pcMask >> predBass[b]) & 1) add('other:chordTone');
        else add('other:nonChord');
      }
    }
  }
  const share = (n: number) => Number((n / Math.max(beats, 1)).toFixed(4));
  out.push({
    predictions: dir,
    system: `${meta.system}/${meta.variant}`,
    beats,
    segmentsWithoutReference: missing,
    share: Object.fromEntries(Object.entries(counts).sort().map(([k, v]) => [k, share(v)])),
    lowerNoteIsChordRoot: share(lowerIsRoot),
    annotatedChordBassIsReferenceBass: share(chordBassIsReference),
  });
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
