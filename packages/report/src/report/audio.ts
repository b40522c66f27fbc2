import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SEGMENT_STEPS, STEPS_PER_BEAT, encodeSmf, type Note } from '@a2s/dataset';
import ToneMidi from '@tonejs/midi';

const run = promisify(execFile);

/** Seconds per beat when a segment carries no beat times (120 BPM). */
const DEFAULT_BEAT_SEC = 0.5;

/** Maps a grid step to seconds from the segment start, interpolating between the segment's beat times. */
export function stepToSec(step: number, beatTimesSec: readonly number[] | null): number {
  const beat = step / STEPS_PER_BEAT;
  if (beatTimesSec === null || beatTimesSec.length < 2) return beat * DEFAULT_BEAT_SEC;
  const t0 = beatTimesSec[0]!;
  const last = beatTimesSec.length - 1;
  const i = Math.min(Math.floor(beat), last - 1);
  const a = beatTimesSec[i]!;
  const b = beatTimesSec[i + 1]!;
  return a + (beat - i) * (b - a) - t0;
}

export interface SynthOptions {
  readonly fluidsynth: string;
  readonly soundFont: string;
  /** Output sample rate in Hz. */
  readonly sampleRate?: number;
}

/** Notes of one audio preview and the beat times that set its tempo. */
export interface ClipNotes {
  readonly notes: readonly Note[];
  readonly beatTimesSec: readonly number[] | null;
}

/** Silence between clips in the single FluidSynth render, longer than the piano's release and reverb tail. */
const CLIP_GAP_SEC = 3;
/** Release tail kept after a clip's last note-off. */
const CLIP_TAIL_SEC = 1;

interface PcmStereo {
  readonly sampleRate: number;
  readonly channels: number;
  readonly data: Int16Array;
}

/** Parses a 16-bit PCM WAV (RIFF chunks 'fmt ' and 'data'). */
export function parseWav16(bytes: Uint8Array): PcmStereo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(bytes[o]!, bytes[o + 1]!, bytes[o + 2]!, bytes[o + 3]!);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  let o = 12;
  while (o + 8 <= bytes.length) {
    const id = tag(o);
    const size = view.getUint32(o + 4, true);
    if (id === 'fmt ') {
      channels = view.getUint16(o + 10, true);
      sampleRate = view.getUint32(o + 12, true);
      bits = view.getUint16(o + 22, true);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`expected 16-bit PCM, got ${bits} bits`);
      const n = Math.min(size, bytes.length - o - 8) >> 1;
      const data = new Int16Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getInt16(o + 8 + 2 * i, true);
      return { sampleRate, channels, data };
    }
    o += 8 + size + (size & 1);
  }
  throw new Error('WAV has no data chunk');
}

/** A 16-bit PCM mono WAV file. */
export function encodeWav16Mono(samples: Int16Array, sampleRate: number): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2);
  const v = new DataView(out.buffer);
  const put = (o: number, s: string) => [...s].forEach((c, i) => (out[o + i] = c.charCodeAt(0)));
  put(0, 'RIFF');
  v.setUint32(4, 36 + samples.length * 2, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  put(36, 'data');
  v.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) v.setInt16(44 + 2 * i, samples[i]!, true);
  return out;
}

/**
 * Renders several clips with ONE FluidSynth run (loading the SoundFont once): the clips are laid out in one
 * MIDI file with silent gaps, rendered offline, then cut apart and mixed down to 16-bit mono WAVs.
 */
export async function renderClipsToWav(clips: readonly ClipNotes[], opts: SynthOptions): Promise<Uint8Array[]> {
  if (clips.length === 0) return [];
  const rate = opts.sampleRate ?? 16000;
  const midi = new ToneMidi.Midi();
  const track = midi.addTrack();
  track.instrument.number = 0;
  const spans: { start: number; end: number }[] = [];
  let offset = 0.1;
  for (const clip of clips) {
    const sorted = [...clip.notes].sort((a, b) => a.onsetStep - b.onsetStep || a.pitch - b.pitch);
    let end = stepToSec(SEGMENT_STEPS, clip.beatTimesSec);
    for (const n of sorted) {
      const time = stepToSec(n.onsetStep, clip.beatTimesSec);
      const off = stepToSec(n.onsetStep + n.durationSteps, clip.beatTimesSec);
      const duration = Math.max(0.05, off - time);
      track.addNote({ midi: n.pitch, time: offset + time, duration, velocity: n.velocity / 127 });
      end = Math.max(end, time + duration);
    }
    spans.push({ start: offset, end: offset + end + CLIP_TAIL_SEC });
    offset += end + CLIP_GAP_SEC;
  }
  const dir = await mkdtemp(join(tmpdir(), 'a2s-report-audio-'));
  try {
    const midPath = join(dir, 'in.mid');
    const wavPath = join(dir, 'out.wav');
    await writeFile(midPath, encodeSmf(midi, [{ track, channel: 0, program: 0 }]));
    await run(opts.fluidsynth, ['-ni', '-q', '-T', 'wav', '-F', wavPath, '-r', String(rate), '-g', '0.8', opts.soundFont, midPath]);
    const pcm = parseWav16(new Uint8Array(await readFile(wavPath)));
    const frames = Math.floor(pcm.data.length / pcm.channels);
    return spans.map(({ start, end }) => {
      const a = Math.min(frames, Math.round(start * pcm.sampleRate));
      const b = Math.min(frames, Math.round(end * pcm.sampleRate));
      const mono = new Int16Array(b - a);
      for (let i = a; i < b; i++) {
        let s = 0;
        for (let c = 0; c < pcm.channels; c++) s += pcm.data[i * pcm.channels + c]!;
        mono[i - a] = Math.round(s / pcm.channels);
      }
      return encodeWav16Mono(mono, pcm.sampleRate);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** True when the FluidSynth executable and the SoundFont are usable. */
export async function canSynthesize(opts: SynthOptions): Promise<boolean> {
  try {
    await access(opts.soundFont);
    await run(opts.fluidsynth, ['--version']);
    return true;
  } catch {
    return false;
  }
}
