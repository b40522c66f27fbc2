import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import tonejsMidi from '@tonejs/midi';
import { parseWav } from '../audio/wav.ts';
import { downmix } from '../audio/resample.ts';
import { TRACKS, type Track } from '../score/types.ts';
import { InputError, describeError } from '../util/errors.ts';
import type { Rng } from '../util/rng.ts';
import type { SynthAudioConfig } from './config.ts';
import { encodeSmf } from './midi-writer.ts';

const { Midi } = tonejsMidi;
const run = promisify(execFile);

/** GM program chosen for each rendered track of one song. */
export type TrackPrograms = Partial<Record<Track, number>>;

/**
 * Draws one GM program per rendered track: PIANO and BRIDGE from `accompanimentPrograms`, MELODY (when
 * rendered) from `melodyPrograms`. Draw order is fixed (BRIDGE, PIANO, MELODY), so a song's programs depend
 * only on `rng` (a fork of the build seed by song id).
 */
export function drawPrograms(cfg: Pick<SynthAudioConfig, 'accompanimentPrograms' | 'melodyPrograms' | 'renderMelody'>, rng: Rng): TrackPrograms {
  const pick = (pool: readonly number[]): number => pool[rng.int(pool.length)];
  const programs: TrackPrograms = { BRIDGE: pick(cfg.accompanimentPrograms), PIANO: pick(cfg.accompanimentPrograms) };
  const melody = pick(cfg.melodyPrograms);
  if (cfg.renderMelody) programs.MELODY = melody;
  return programs;
}

/**
 * Rewrites a POP909 MIDI file keeping only the tracks in `programs` (matched by name, case-insensitive), each
 * on its own channel (never the drum channel) with the given program. Ticks and the tempo map are kept, so
 * the rendered audio follows the original timeline (beat `i` of `beat_midi.txt` at the same second).
 */
export function midiWithPrograms(midiBytes: Uint8Array, programs: TrackPrograms, file: string, songId?: string): Uint8Array {
  let midi: InstanceType<typeof Midi>;
  try {
    midi = new Midi(midiBytes);
  } catch (err) {
    throw new InputError({ file, songId, message: `not a readable MIDI file (${describeError(err)})`, cause: err });
  }
  const kept = midi.tracks.filter((t) => programs[t.name.trim().toUpperCase() as Track] !== undefined);
  if (!kept.some((t) => t.notes.length > 0)) {
    throw new InputError({ file, songId, message: `no notes in the tracks to render (${Object.keys(programs).join(', ')})` });
  }
  return encodeSmf(
    midi,
    kept.map((track) => {
      const name = track.name.trim().toUpperCase() as Track;
      return { track, channel: TRACKS.indexOf(name), program: programs[name] as number };
    }),
  );
}

/** FluidSynth's version line, e.g. `FluidSynth runtime version 2.3.1`. Throws a clear InputError when it is not installed. */
export async function fluidsynthVersion(bin: string): Promise<string> {
  try {
    const { stdout } = await run(bin, ['--version'], { timeout: 30_000 });
    return stdout.split('\n')[0].trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT'
      ? 'FluidSynth not found. Install it (Debian/Ubuntu: apt-get install --no-install-recommends fluidsynth fluid-soundfont-gm) or set audio.fluidsynth to its path'
      : `FluidSynth does not run: ${describeError(err)}`;
    throw new InputError({ file: bin, message: why, cause: err });
  }
}

/** Checks that the soundfont exists and is a file. */
export async function checkSoundfont(path: string, hint = 'Debian/Ubuntu: apt-get install fluid-soundfont-gm, or set audio.soundfont'): Promise<void> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile()) {
    throw new InputError({ file: path, message: `soundfont not found (${hint})` });
  }
}

/**
 * Removes `a2s-synth-<pid>-*` scratch folders in `root` whose process is gone (a render killed with kill -9
 * cannot clean up after itself), so callers that render into the system temp folder (e.g. `a2s eval-audio`)
 * leave nothing behind either. Folders of live processes, and of unknown owners, are kept.
 */
export async function removeDeadSynthDirs(root: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const m = /^a2s-synth-(\d+)-/.exec(name);
      if (!m || pidAlive(Number(m[1]))) return;
      // retried: the dead process's FluidSynth may still be creating its WAV there (see removeLeftovers in build.ts)
      await rm(join(root, name), { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    }),
  );
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Renders MIDI bytes with FluidSynth (`fluidsynth -ni [-o name=value …] -F out.wav -r <rate> -g <gain> <soundfont> in.mid`)
 * at `sampleRate` and returns mono samples (FluidSynth writes a float
 * stereo WAV; channels are averaged here, no dither, so the result is deterministic).
 */
export async function renderMidi(
  midiBytes: Uint8Array,
  opts: {
    fluidsynth: string; soundfont: string; gain: number; sampleRate: number; signal?: AbortSignal; songId?: string;
    /** Folder the temporary `a2s-synth-*` folder is made in (the build passes `<out>/tmp`, which it empties on start); default the system temp folder. */
    tmpRoot?: string;
    /** Extra FluidSynth settings, each passed as `-o name=value` (e.g. `synth.reverb.room-size`). */
    settings?: Readonly<Record<string, number>>;
  },
): Promise<Float32Array> {
  const root = opts.tmpRoot ?? tmpdir();
  if (opts.tmpRoot !== undefined) await mkdir(root, { recursive: true });
  await removeDeadSynthDirs(root);
  const dir = await mkdtemp(join(root, `a2s-synth-${process.pid}-`));
  try {
    const mid = join(dir, 'in.mid');
    const wav = join(dir, 'out.wav');
    await writeFile(mid, midiBytes);
    // Dynamic sample loading reads only the samples the song uses: same output, a fraction of the time and
    // memory of loading the whole soundfont (FluidR3_GM: 141 MB) for every song.
    const extra = Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ['-o', `${k}=${v}`]);
    const args = ['-ni', '-q', '-o', 'synth.dynamic-sample-loading=1', ...extra, '-F', wav, '-T', 'wav', '-O', 'float', '-r', String(opts.sampleRate), '-g', String(opts.gain), opts.soundfont, mid];
    try {
      await run(opts.fluidsynth, args, { signal: opts.signal, maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw new Error(`song ${opts.songId ?? '?'}: FluidSynth failed (${opts.fluidsynth} ${args.join(' ')}): ${describeError(err)}`, { cause: err });
    }
    const parsed = parseWav(await readFile(wav), wav);
    if (parsed.sampleRate !== opts.sampleRate) {
      throw new Error(`FluidSynth wrote ${parsed.sampleRate} Hz instead of ${opts.sampleRate} Hz`);
    }
    return downmix(parsed.channels);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
