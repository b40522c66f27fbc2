/**
 * What a second core gives on this machine, from the hardware up (README "Why not 1.8×"): each probe alone, then
 * two copies at once, as separate processes (no shared memory, no communication), and the speed-up of the pair.
 *
 *   npm run bench:cores [-- --train-batches 8,32,64] [--steps 12] [--stream-kib 512,4096,16384,262144]
 *
 * - `fma`, `scalar`, `stream <KiB>`: bench/core-probe.c (built here with gcc into a temporary folder): vector
 *   units, the scalar pipeline, and reads from a buffer of each size (default sizes from the caches that
 *   /sys reports: half of L2, twice L2, half of L3, eight times L3).
 * - `train batch B`: bench/train-bench.ts, the plain one-thread training step of `small` on a synthetic batch of
 *   B (`--workers 1 --independent 0 --modules false`), alone and two at once. With batches B and B/2 both given,
 *   `halfBatchPairOverOne` is the pair's segments/s at B/2 each over one process at B: what two workers splitting
 *   a batch of B could reach at best on these cores, before any cost of their own.
 * Prints JSON (stdout): the machine's caches, one row per probe (rate alone, each rate of the pair, their sum
 * over the rate alone), and the load average before and after; progress lines on stderr.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const fail = (message: string): never => {
  process.stderr.write(`core-probe: ${message}\n`);
  process.exit(2);
};
const list = (name: string, fallback: string) =>
  arg(name, fallback)
    .split(',')
    .filter((s) => s !== '')
    .map((s) => {
      const v = Number(s);
      return Number.isInteger(v) && v > 0 ? v : fail(`--${name}: expected positive integers separated by commas, got "${s}"`);
    });

/** Cache sizes per level in KiB from /sys (Linux), and how many CPUs share each; empty elsewhere. */
function caches(): { level: string; kib: number; sharedBy: string }[] {
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  try {
    return readdirSync(dir)
      .filter((d) => d.startsWith('index'))
      .map((d) => {
        const read = (f: string) => readFileSync(path.join(dir, d, f), 'utf8').trim();
        const m = /^(\d+)([KMG]?)$/.exec(read('size'));
        const kib = m ? Number(m[1]) * { '': 1 / 1024, K: 1, M: 1024, G: 1024 * 1024 }[m[2] as '' | 'K' | 'M' | 'G'] : NaN;
        return { level: `L${read('level')}${read('type') === 'Data' ? 'd' : read('type') === 'Instruction' ? 'i' : ''}`, kib, sharedBy: read('shared_cpu_list') };
      });
  } catch {
    return [];
  }
}

interface Run { rate: number; unit: string }
/** Runs `cmd` once, or `copies` at once; each prints one JSON line with `rate`/`unit` (parsed by `parse`). */
async function runCopies(copies: number, cmd: string, args: string[], parse: (stdout: string) => Run): Promise<Run[]> {
  const one = () =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) return reject(new Error(`${path.basename(cmd)} ${args.join(' ')} exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
        try {
          resolve(parse(out));
        } catch (e) {
          reject(new Error(`${path.basename(cmd)} ${args.join(' ')}: unreadable output (${(e as Error).message})`));
        }
      });
    });
  return Promise.all(Array.from({ length: copies }, one));
}

const r3 = (v: number) => Number(v.toFixed(3));
interface Row { probe: string; unit: string; alone: number; pair: number[]; pairOverAlone: number }
async function probe(name: string, cmd: string, args: string[], parse: (s: string) => Run): Promise<Row> {
  process.stderr.write(`core-probe: ${name} alone …\n`);
  const [alone] = await runCopies(1, cmd, args, parse);
  process.stderr.write(`core-probe: ${name} two at once …\n`);
  const pair = await runCopies(2, cmd, args, parse);
  const sum = pair.reduce((a, r) => a + r.rate, 0);
  return { probe: name, unit: alone.unit, alone: r3(alone.rate), pair: pair.map((r) => r3(r.rate)), pairOverAlone: r3(sum / alone.rate) };
}

const cacheList = caches();
const kibOf = (level: string) => cacheList.find((c) => c.level === level)?.kib;
const [l2, l3] = [kibOf('L2'), kibOf('L3')];
const streamDefault = l2 && l3 ? [l2 / 2, l2 * 2, l3 / 2, l3 * 8].map((v) => Math.round(v)).join(',') : '512,4096,16384,262144';
const streams = list('stream-kib', streamDefault);
const batches = list('train-batches', '8,32,64');
const steps = String(list('steps', '12')[0]);

try {
  execFileSync('gcc', ['--version'], { stdio: 'ignore' });
} catch {
  fail('needs gcc to build bench/core-probe.c (Debian: apt-get install gcc)');
}
const build = mkdtempSync(path.join(tmpdir(), 'a2s-core-probe-'));
const exe = path.join(build, 'core-probe');
const rows: Row[] = [];
const before = loadavg();
try {
  execFileSync('gcc', ['-O2', '-mavx2', '-mfma', '-o', exe, path.join(here, 'core-probe.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const parseProbe = (s: string) => {
    const o = JSON.parse(s.trim()) as { rate: number; unit: string };
    return { rate: o.rate, unit: o.unit };
  };
  rows.push(await probe('fma', exe, ['fma'], parseProbe));
  rows.push(await probe('scalar', exe, ['scalar'], parseProbe));
  for (const kib of streams) rows.push(await probe(`stream ${kib} KiB`, exe, ['stream', String(kib)], parseProbe));
  const tsx = path.join(here, '../../../node_modules/.bin/tsx');
  const trainRows = new Map<number, Row>();
  for (const b of batches) {
    const args = [path.join(here, 'train-bench.ts'), '--steps', steps, '--modules', 'false', '--workers', '1', '--independent', '0', '--batch', String(b)];
    const row = await probe(`train batch ${b}`, tsx, args, (s) => ({ rate: (JSON.parse(s) as { rows: { segmentsPerSec: number }[] }).rows[0].segmentsPerSec, unit: 'segments/s' }));
    trainRows.set(b, row);
    rows.push(row);
  }
  const halfBatchPairOverOne = Object.fromEntries(
    batches
      .filter((b) => b % 2 === 0 && trainRows.has(b / 2))
      .map((b) => [`batch ${b}`, r3(trainRows.get(b / 2)!.pair.reduce((a, v) => a + v, 0) / trainRows.get(b)!.alone)]),
  );
  process.stdout.write(
    `${JSON.stringify({ cpu: cpus()[0]?.model, cores: cpus().length, caches: cacheList, rows, halfBatchPairOverOne, loadAverage: { before: before.map(r3), after: loadavg().map(r3) } }, null, 1)}\n`,
  );
} catch (e) {
  process.stderr.write(`core-probe: ${(e as Error).message}\n`);
  process.exitCode = 2;
} finally {
  rmSync(build, { recursive: true, force: true });
}
