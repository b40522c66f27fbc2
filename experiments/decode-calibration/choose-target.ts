/**
 * The sixth part's choice (README, "Decoding for #14's target"): from the `a2s compare --out` JSONs of each grid
 * setting against block chords (one file per setting, candidate variant `eos-<first>-<rest>`), the settings that
 * are `better` on every metric of <better> and `better` or `no worse` on every metric of <at least level>; of those,
 * the one with the highest mean of the first <better> metric. With a JSON of each qualifying setting against the
 * current decoding (<guard dir>/<variant>.json), a setting also needs the lower CI end of that metric at or above
 * −margin there. Prints the choice (as choose.ts does: `choice.variant`, `choice.eosThreshold`) and every setting's
 * verdicts; `choice` is null when none qualifies.
 *   npx tsx experiments/decode-calibration/choose-target.ts <better m1,m2,…> <at least level m1,…> <guard dir> <compare.json …>
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [betterList, levelList, guardDir, ...files] = process.argv.slice(2);
if (!betterList || !levelList || !guardDir || files.length === 0) {
  process.stderr.write('usage: choose-target.ts <better m1,m2,…> <at least level m1,…> <guard dir> <compare.json …>\n');
  process.exit(2);
}
interface Row { metric: string; baseline: number; candidate: number; diff: number; ciLow: number; ciHigh: number; verdict: string }
interface Compare { options: { margin: number }; comparisons: { candidate: { system: string; variant: string }; rows: Row[] }[] }
const better = betterList.split(',');
const level = levelList.split(',');
const read = (file: string): Compare => JSON.parse(readFileSync(file, 'utf8')) as Compare;
const rowOf = (c: Compare, metric: string, file: string): Row => {
  const r = c.comparisons[0].rows.find((x) => x.metric === metric);
  if (!r) {
    process.stderr.write(`${file}: no row for ${metric}\n`);
    process.exit(1);
  }
  return r;
};
const settings = files.map((file) => {
  const c = read(file);
  const variant = c.comparisons[0].candidate.variant;
  const verdicts = Object.fromEntries([...better, ...level].map((m) => [m, rowOf(c, m, file).verdict]));
  const failed = [...better.filter((m) => verdicts[m] !== 'better'), ...level.filter((m) => verdicts[m] !== 'better' && verdicts[m] !== 'no worse')];
  const guardFile = path.join(guardDir, `${variant}.json`);
  let guard: { ciLow: number; diff: number; margin: number } | null = null;
  if (existsSync(guardFile)) {
    const g = read(guardFile);
    const r = rowOf(g, better[0], guardFile);
    guard = { diff: r.diff, ciLow: r.ciLow, margin: g.options.margin };
    if (r.ciLow < -g.options.margin) failed.push(`${better[0]} against the current decoding`);
  }
  return { variant, mean: rowOf(c, better[0], file).candidate, verdicts, guard, qualifies: failed.length === 0, failed };
});
const qualified = settings.filter((s) => s.qualifies);
const best = qualified.length === 0 ? null : qualified.reduce((a, b) => (b.mean > a.mean ? b : a));
const m = best && /^eos-([0-9.]+)-([0-9.]+)$/.exec(best.variant);
const choice = best ? { variant: best.variant, metric: better[0], mean: best.mean, eosThreshold: m ? { first: Number(m[1]), rest: Number(m[2]) } : null } : null;
process.stdout.write(`${JSON.stringify({ choice, rule: { better, atLeastLevel: level }, settings }, null, 1)}\n`);
