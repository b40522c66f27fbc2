/**
 * The song ids of each split of the band-audio build (`configs/pop909-band/dataset.json`) without rendering
 * any audio: the build assigns splits over the songs it built (duple metre, at least one segment), so this
 * loads every song's MIDI and beat files, applies the same exclusion and calls the same `assignSplits`.
 * Used to rebuild only the validation and test songs of that build on a machine where it is gone.
 *   npx tsx experiments/decode-calibration/split-songs.ts [pop909 dir] > splits.json
 * Prints {"counts": {...}, "valid": [ids], "test": [ids]}.
 */
import { assignSplits, loadPop909Song, listPop909Songs, SEGMENT_BEATS, describeError } from '@a2s/dataset';

const root = process.argv[2] ?? '../shared/data/pop909';
const ids = await listPop909Songs(root);
const built: string[] = [];
const skipped: Record<string, string> = {};
for (const id of ids) {
  try {
    const song = await loadPop909Song(`${root}/${id}`);
    if (song.beatGrid.timesSec.length < SEGMENT_BEATS + 1) skipped[id] = 'too few beats';
    else if (song.metre.metre !== 'duple') skipped[id] = `metre ${song.metre.metre}`;
    else built.push(id);
  } catch (err) {
    skipped[id] = describeError(err);
  }
}
// seed 0 and the default 0.8 / 0.1 / 0.1 ratios of configs/pop909-band/dataset.json
const splits = assignSplits(built, { train: 0.8, valid: 0.1, test: 0.1 }, 0);
const of = (s: string): string[] => Object.keys(splits).filter((id) => splits[id] === s).sort();
const out = {
  counts: { songs: ids.length, built: built.length, skipped: Object.keys(skipped).length, train: of('train').length, valid: of('valid').length, test: of('test').length },
  skipped,
  valid: of('valid'),
  test: of('test'),
};
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
