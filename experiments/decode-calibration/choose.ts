/**
 * Picks the decoding setting of the validation grid: the variant of `system` with the highest mean of `metric`
 * in an `a2s eval` summary.json (ties: the earlier variant in the file). Prints the choice and the table of
 * every variant's means of the main metrics, as JSON.
 *   npx tsx experiments/decode-calibration/choose.ts <summary.json> <system> <metric>
 */
import { readFile } from 'node:fs/promises';

const [file, system, metric] = process.argv.slice(2);
if (!file || !system || !metric) {
  process.stderr.write('usage: choose.ts <summary.json> <system> <metric>\n');
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
const candidates = summary.rows.filter((r) => r.system === system && r.metric === metric);
if (candidates.length === 0) {
  process.stderr.write(`${file}: no ${metric} rows of system ${system}\n`);
  process.exit(1);
}
const best = candidates.reduce((a, b) => (b.mean > a.mean ? b : a));
const m = /^eos-([0-9.]+)-([0-9.]+)$/.exec(best.variant);
const choice = { variant: best.variant, metric, mean: best.mean, ci: [best.ciLow, best.ciHigh], eosThreshold: m ? { first: Number(m[1]), rest: Number(m[2]) } : null };
process.stdout.write(`${JSON.stringify({ choice, table }, null, 1)}\n`);
