/**
 * Picks the decoding setting of the validation grid: the variant of `system` with the highest mean of `metric`
 * in an `a2s eval` summary.json (ties: the earlier variant in the file). Prints the choice and the table of
 * every variant's means of the main metrics, as JSON.
 *   npx tsx experiments/decode-calibration/choose.ts <summary.json> <system> <metric> [<reference> <m1,m2,…>]
 * With a reference system/variant and a list of metrics, only variants whose mean of each listed metric is at
 * least the reference's compete (the constrained choice of the README's second part); when none qualifies the
 * script says so and exits 1.
 */
import { readFile } from 'node:fs/promises';

const [file, system, metric, reference, constrained] = process.argv.slice(2);
if (!file || !system || !metric || (reference !== undefined && !constrained)) {
  process.stderr.write('usage: choose.ts <summary.json> <system> <metric> [<reference system/variant> <metric,metric,…>]\n');
  process.exit(2);
}
interface Row { system: string; variant: string; metric: string; mean: number; ciLow: number; ciHigh: number }
const summary = JSON.parse(await readFile(file, 'utf8')) as { rows: Row[] };
const SHOWN = ['onset.f1', 'onset.precision', 'onset.recall', 'texture.density.sim', 'texture.polyphony.sim', 'texture.rhythm.cosine', 'texture.bass.agreement', 'chord.root.acc', 'dist.pitchClass.overlap'];
const variants = [...new Set(summary.rows.map((r) => `${r.system}/${r.variant}`))];
const table = variants.map((sv) => ({
  system: sv,
  ...Object.fromEntries(SHOWN.map((m) => [m, summary.rows.find((r) => `${r.system}/${r.variant}` === sv && r.metric === m)?.mean ?? null])),
}));
const meanOf = (sv: string, m: string): number => {
  const r = summary.rows.find((x) => `${x.system}/${x.variant}` === sv && x.metric === m);
  if (!r) {
    process.stderr.write(`${file}: no ${m} row of ${sv}\n`);
    process.exit(1);
  }
  return r.mean;
};
const limits = constrained ? constrained.split(',').map((m) => ({ metric: m, atLeast: meanOf(reference!, m) })) : [];
const qualifies = (variant: string) => limits.every((l) => meanOf(`${system}/${variant}`, l.metric) >= l.atLeast);
const all = summary.rows.filter((r) => r.system === system && r.metric === metric);
const candidates = all.filter((r) => qualifies(r.variant));
if (candidates.length === 0) {
  process.stderr.write(
    all.length === 0 ? `${file}: no ${metric} rows of system ${system}\n` : `${file}: no variant of ${system} is at least ${reference} on ${constrained}\n`,
  );
  process.exit(1);
}
const best = candidates.reduce((a, b) => (b.mean > a.mean ? b : a));
const m = /^eos-([0-9.]+)-([0-9.]+)$/.exec(best.variant);
const choice = {
  variant: best.variant,
  metric,
  mean: best.mean,
  ci: [best.ciLow, best.ciHigh],
  eosThreshold: m ? { first: Number(m[1]), rest: Number(m[2]) } : null,
  ...(limits.length ? { constraint: { reference, atLeast: Object.fromEntries(limits.map((l) => [l.metric, l.atLeast])), qualified: candidates.map((c) => c.variant) } } : {}),
};
process.stdout.write(`${JSON.stringify({ choice, table }, null, 1)}\n`);
