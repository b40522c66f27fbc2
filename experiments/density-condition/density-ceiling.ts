/**
 * How far density similarity can go when a song's count follows an estimate (README, second part): on the
 * validation songs, `texture.density.sim` is the mean over songs of min/max of predicted and pianist's notes, that
 * is exp(−|log ratio|). For a model whose log(notes per segment) were exactly the estimate + b, it would be the
 * mean of exp(−|estimate + b − pianist's|); with a constant instead of the estimate, the best constant count.
 * The best b is searched on these same songs (an upper bound, not a result).
 *
 *   npx tsx experiments/density-condition/density-ceiling.ts <train config with songValues> <oracle table>
 */
import { readFileSync } from 'node:fs';
import { followingCeiling } from '../decode-calibration/song-stats.ts';

const [configFile, oracleFile] = process.argv.slice(2);
if (!oracleFile) {
  process.stderr.write('usage: density-ceiling.ts <train config with songValues> <oracle table>\n');
  process.exit(2);
}
const table = (JSON.parse(readFileSync(configFile, 'utf8')) as { features: { songValues: Record<string, number> } }).features.songValues;
const oracle = JSON.parse(readFileSync(oracleFile, 'utf8')) as Record<string, number>;
const ids = Object.keys(oracle);
process.stdout.write(
  `${JSON.stringify(
    {
      songs: ids.length,
      followsTheFit: followingCeiling(ids, (id) => table[id], (id) => oracle[id]),
      sameCountEverySong: followingCeiling(ids, () => 0, (id) => oracle[id]).best,
    },
    null,
    1,
  )}\n`,
);
