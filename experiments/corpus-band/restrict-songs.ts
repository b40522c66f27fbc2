/**
 * Keeps the rows of an a2s eval metrics table whose song a given prediction folder covers, so that a system
 * run on fewer songs (basic-pitch here: 10 of the 24 test songs) is compared with the others on its songs only,
 * not with its missing songs scored as empty.
 *   npx tsx experiments/corpus-band/restrict-songs.ts <eval dir> <prediction folder> <out dir>
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { readMetricsTable, readPredictionFolder, writeMetricsTable } from '@a2s/eval';

const [evalDir, predDir, outDir] = process.argv.slice(2);
if (!evalDir || !predDir || !outDir) {
  process.stderr.write('usage: restrict-songs.ts <eval dir> <prediction folder> <out dir>\n');
  process.exit(2);
}
const { rows: predicted } = await readPredictionFolder(predDir);
const songs = new Set(predicted.map((r) => r.songId));
const rows = await readMetricsTable(path.join(evalDir, 'metrics.arrow'));
const kept = rows.filter((r) => songs.has(r.song));
await mkdir(outDir, { recursive: true });
await writeMetricsTable(path.join(outDir, 'metrics.arrow'), kept);
process.stdout.write(`${songs.size} songs (${[...songs].sort().join(' ')}): kept ${kept.length} of ${rows.length} metric rows → ${outDir}/metrics.arrow\n`);
