/**
 * Dataset build benchmark: builds the first N songs of a POP909 folder into a temporary folder (FluidSynth
 * synthesis, no cache) and prints songs/s, seconds of audio rendered per wall-clock second, peak RSS and
 * jobs.
 *
 *   npm run bench:dataset -- [N=50] [--pop909 <dir>] [--jobs <n>] [--audio synth|band] [--leak <x>] [--keep]
 *
 * With `--audio band` the build renders generated band arrangements; afterwards the same run renders the
 * band MIDI files it wrote (`audio/<id>.mid`) with FluidSynth alone (same soundfont, settings, gain, rate
 * and number of parallel processes, no Node work) and prints both rates and their ratio.
 *
 * Peak RSS is the Node process's (`process.resourceUsage().maxRSS`); each FluidSynth child adds about
 * 45 MB while it runs (dynamic sample loading).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import pLimit from 'p-limit';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDataset, createProgress, renderMidi, type Manifest } from '../src/index.ts';
import { readFile } from 'node:fs/promises';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--') && args[i - 1] !== '--keep'));
const audioType = flag('--audio') ?? 'synth';
const leak = flag('--leak') === undefined ? undefined : Number(flag('--leak'));
const n = Number(positional[0] ?? 50);
const pop909Dir = resolve(flag('--pop909') ?? process.env.A2S_POP909 ?? resolve(import.meta.dirname, '../../../../shared/data/pop909'));
const jobs = Number(flag('--jobs') ?? availableParallelism());
if (!Number.isInteger(n) || n < 1 || !Number.isInteger(jobs) || jobs < 1 || !['synth', 'band'].includes(audioType) || (leak !== undefined && !(leak >= 0 && leak <= 1))) {
  process.stderr.write('usage: build.bench.ts [N] [--pop909 <dir>] [--jobs <n>] [--audio synth|band] [--leak <x>] [--keep]\n');
  process.exit(2);
}

const outDir = await mkdtemp(join(tmpdir(), 'a2s-bench-dataset-'));
let audioSec = 0;
let rssPeak = 0;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 200);
const load0 = loadavg()[0];
const t0 = performance.now();
try {
  const manifest = await buildDataset(
    { pop909Dir, outDir, limit: n, audio: audioType === 'band' ? { type: 'band', ...(leak !== undefined ? { leak } : {}) } : { type: 'synth' } },
    {
      jobs,
      force: true,
      progress: createProgress({ label: 'bench', total: n, unit: 'songs', plain: true, intervalSec: 10 }),
      onSong: (r) => (audioSec += r.durationSec ?? 0),
    },
  );
  const wallSec = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const s = manifest.summary;
  const maxRssMb = Math.max(process.resourceUsage().maxRSS / 1024, rssPeak / 2 ** 20);
  const lines = [
    `songs: ${n} from ${pop909Dir} (${s.built} built, ${s.excluded} excluded, ${s.failed} failed; ${s.segments.train + s.segments.valid + s.segments.test} segments)`,
    `jobs: ${jobs} (${cpus().length} cores, load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end)`,
    `wall: ${wallSec.toFixed(1)} s`,
    `songs/s: ${(n / wallSec).toFixed(3)}`,
    `audio rendered: ${audioSec.toFixed(0)} s → ${(audioSec / wallSec).toFixed(1)} s of audio per wall second`,
    `peak RSS (node process): ${maxRssMb.toFixed(0)} MB`,
  ];
  if (audioType === 'band') lines.push(...(await fluidsynthAlone(manifest, wallSec, audioSec)));
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  clearInterval(sampler);
  if (!args.includes('--keep')) await rm(outDir, { recursive: true, force: true });
  else process.stdout.write(`output kept in ${outDir}\n`);
}

/**
 * Renders the band MIDI files the build wrote with FluidSynth alone (same soundfont, settings, gain, sample
 * rate and parallelism; the WAV is read back and averaged to mono as in the build, nothing else) and
 * returns lines comparing its rate with the build's.
 */
async function fluidsynthAlone(manifest: Manifest, buildWallSec: number, buildAudioSec: number): Promise<string[]> {
  const audio = manifest.config.audio;
  if (audio.type !== 'band') return [];
  const built = manifest.songs.filter((s) => s.status === 'built' && s.band);
  const limit = pLimit(jobs);
  const load = loadavg()[0];
  const t = performance.now();
  await Promise.all(
    built.map((s) =>
      limit(async () => {
        const band = s.band as NonNullable<typeof s.band>;
        const midi = await readFile(join(outDir, band.midiPath));
        await renderMidi(midi, { fluidsynth: audio.fluidsynth, soundfont: band.soundfont, gain: audio.gain, sampleRate: manifest.config.sampleRate, settings: band.fluidsynthSettings });
      }),
    ),
  );
  const sec = (performance.now() - t) / 1000;
  const buildRate = buildAudioSec / buildWallSec;
  const aloneRate = buildAudioSec / sec;
  return [
    `FluidSynth alone on the same ${built.length} band MIDI files: wall ${sec.toFixed(1)} s, ${(built.length / sec).toFixed(3)} songs/s, ${aloneRate.toFixed(1)} s of audio per wall second (load average ${load.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end)`,
    `build / FluidSynth alone (audio s per wall s): ${(buildRate / aloneRate).toFixed(2)}`,
  ];
}
