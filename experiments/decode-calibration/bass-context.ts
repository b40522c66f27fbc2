/**
 * The ninth part (README, "How far bass agreement can go from the chords"), exploratory, no model: is there any
 * context known at inference in which a pianist's lowest pitch class is more often something other than the
 * annotated chord's bass? If not, no rule that picks each beat's bass from the chords and the beat grid can beat
 * block chords (which play that bass on every beat) on `texture.bass.agreement`.
 *
 *   npx tsx experiments/decode-calibration/bass-context.ts <manifest.json>
 *
 * Beats where the reference accompaniment (PIANO + BRIDGE) sounds and the chord is not N, from the training
 * songs. A context is the beat's place in its bar (segments start on a downbeat, 2 bars of 4/4), whether the
 * chord is the previous beat's (same root and pitch classes) and whether it is inverted (bass ≠ root). A pitch
 * class is named by its interval above the chord's root, the annotated bass as `bass`. Per context: beats, the
 * share whose lowest pitch class is the annotated bass, and the most frequent other interval with its share. The
 * rule "in each context, the pitch class most often lowest on the training songs" is then scored on the
 * training and validation songs beside "always the annotated bass". For the record (not known at inference), the
 * same with the pianist's previous beat's lowest pitch class (the bass or not) added to the context.
 */
import { readSegments, type SegmentRow, type Split } from '@a2s/dataset';
import { ACCOMPANIMENT_TRACKS, bassPitchClassPerBeat } from '@a2s/eval';

const [manifest] = process.argv.slice(2);
if (!manifest) {
  process.stderr.write('usage: bass-context.ts <manifest.json>\n');
  process.exit(2);
}

/** Every counted beat of `rows`: its contexts and which named pitch class (`bass` or an interval) is the reference's lowest. */
function beats(rows: readonly SegmentRow[]): { known: string; withPrevious: string; lowest: string }[] {
  const out = [];
  for (const r of rows) {
    const pcs = bassPitchClassPerBeat(r.notes.filter((n) => (ACCOMPANIMENT_TRACKS as readonly string[]).includes(n.track)), r.chords.length);
    for (let b = 0; b < r.chords.length; b++) {
      const c = r.chords[b];
      if (pcs[b] < 0 || c.pcMask === 0) continue;
      const prev = b > 0 ? r.chords[b - 1] : undefined;
      const held = prev !== undefined && prev.root === c.root && prev.pcMask === c.pcMask;
      const known = `beat ${(b % 4) + 1}, ${held ? 'chord held' : 'chord changes'}, ${c.bass === c.root ? 'root position' : 'inverted'}`;
      const previous = b === 0 ? 'unknown' : pcs[b - 1] === c.bass ? 'bass' : 'other';
      const lowest = pcs[b] === c.bass ? 'bass' : `+${(pcs[b] - c.root + 12) % 12}`;
      out.push({ known, withPrevious: `${known}, pianist's previous beat: ${previous}`, lowest });
    }
  }
  return out;
}

const tally = (xs: { context: string; lowest: string }[]) => {
  const t = new Map<string, Map<string, number>>();
  for (const { context, lowest } of xs) {
    const m = t.get(context) ?? new Map<string, number>();
    m.set(lowest, (m.get(lowest) ?? 0) + 1);
    t.set(context, m);
  }
  return t;
};
const r4 = (v: number) => Number(v.toFixed(4));

const split = async (s: Split) => beats(await readSegments(manifest, { split: s }));
const [train, valid] = [await split('train'), await split('valid')];
const out: Record<string, unknown> = { trainBeats: train.length, validBeats: valid.length };
for (const key of ['known', 'withPrevious'] as const) {
  const t = tally(train.map((x) => ({ context: x[key], lowest: x.lowest })));
  const rule = new Map([...t].map(([c, m]) => [c, [...m].reduce((a, b) => (b[1] > a[1] ? b : a))[0]]));
  const contexts = [...t].sort(([a], [b]) => a.localeCompare(b)).map(([context, m]) => {
    const n = [...m.values()].reduce((a, v) => a + v, 0);
    const [other, count] = [...m].filter(([k]) => k !== 'bass').reduce((a, b) => (b[1] > a[1] ? b : a), ['none', 0]);
    return { context, beats: n, bass: r4((m.get('bass') ?? 0) / n), mostFrequentOther: other, otherShare: r4(count / n) };
  });
  const score = (xs: typeof train, pick: (x: (typeof train)[number]) => string) => r4(xs.filter((x) => pick(x) === x.lowest).length / xs.length);
  out[key === 'known' ? 'contextKnownAtInference' : 'contextWithThePianistsPreviousBeat'] = {
    contexts,
    contextsWhereAnotherPitchClassWins: contexts.filter((c) => rule.get(c.context) !== 'bass').map((c) => c.context),
    agreement: {
      alwaysTheBass: { train: score(train, () => 'bass'), valid: score(valid, () => 'bass') },
      bestPerContext: { train: score(train, (x) => rule.get(x[key]) ?? 'bass'), valid: score(valid, (x) => rule.get(x[key]) ?? 'bass') },
    },
  };
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
