import type tonejsMidi from '@tonejs/midi';

type Midi = InstanceType<typeof tonejsMidi.Midi>;
type MidiTrack = Midi['tracks'][number];

/** One channel event or meta event at an absolute tick; `order` breaks ties at equal ticks. */
export interface TimedEvent {
  tick: number;
  order: number;
  bytes: number[];
}

/**
 * Encodes a Standard MIDI File (format 1) from a parsed `@tonejs/midi` file: a conductor track with the
 * tempo map and time signatures, then one track per entry of `tracks` with its name, a program change at tick 0 and
 * its notes, control changes and pitch bends on `channel`. Ticks are copied as they are, so every event
 * keeps its time. Written here because `Midi.toArray()` is quadratic (seconds per POP909 song).
 */
export function encodeSmf(midi: Midi, tracks: readonly { track: MidiTrack; channel: number; program: number }[]): Uint8Array {
  const conductor: TimedEvent[] = [];
  for (const t of midi.header.tempos) {
    const mpq = Math.max(1, Math.min(0xffffff, Math.round(60_000_000 / t.bpm)));
    conductor.push({ tick: t.ticks, order: 0, bytes: [0xff, 0x51, 0x03, (mpq >> 16) & 255, (mpq >> 8) & 255, mpq & 255] });
  }
  for (const ts of midi.header.timeSignatures) {
    const [num, den] = ts.timeSignature;
    conductor.push({ tick: ts.ticks, order: 1, bytes: [0xff, 0x58, 0x04, num & 255, Math.round(Math.log2(den)) & 255, 24, 8] });
  }
  const chunks = [trackChunk(conductor)];
  for (const { track, channel, program } of tracks) {
    const name = ascii(track.name).map((c) => c & 127);
    const nameLength: number[] = [];
    writeVlq(nameLength, name.length);
    const events: TimedEvent[] = [
      { tick: 0, order: -1, bytes: [0xff, 0x03, ...nameLength, ...name] },
      { tick: 0, order: 0, bytes: [0xc0 | channel, program & 127] },
    ];
    for (const [number, changes] of Object.entries(track.controlChanges)) {
      for (const cc of changes) events.push({ tick: cc.ticks, order: 2, bytes: [0xb0 | channel, Number(number) & 127, to7bit(cc.value)] });
    }
    for (const pb of track.pitchBends) {
      const raw = Math.max(0, Math.min(16383, Math.round(pb.value * 8192 + 8192)));
      events.push({ tick: pb.ticks, order: 2, bytes: [0xe0 | channel, raw & 127, raw >> 7] });
    }
    for (const n of track.notes) {
      const off = n.ticks + Math.max(1, n.durationTicks);
      events.push({ tick: n.ticks, order: 3, bytes: [0x90 | channel, n.midi & 127, Math.max(1, to7bit(n.velocity))] });
      events.push({ tick: off, order: 1, bytes: [0x80 | channel, n.midi & 127, 64] });
    }
    chunks.push(trackChunk(events));
  }
  return smfBytes(chunks, midi.header.ppq);
}

/** A format-1 Standard MIDI File: the `MThd` header (track count, `ppq` ticks per quarter note), then `chunks` in order. */
export function smfBytes(chunks: readonly Uint8Array[], ppq: number): Uint8Array {
  const header = [...ascii('MThd'), 0, 0, 0, 6, 0, 1, (chunks.length >> 8) & 255, chunks.length & 255, (ppq >> 8) & 255, ppq & 255];
  const total = header.length + chunks.reduce((s, c) => s + c.length, 0);
  const out = new Uint8Array(total);
  out.set(header, 0);
  let at = header.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function to7bit(value: number): number {
  return Math.max(0, Math.min(127, Math.round(value * 127)));
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

/**
 * An `MTrk` chunk of `events`, sorted by tick, then `order`, then position in `events` (stable); delta times
 * as variable-length quantities; End-of-Track appended.
 */
export function trackChunk(events: readonly TimedEvent[]): Uint8Array {
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.tick - b.e.tick || a.e.order - b.e.order || a.i - b.i);
  const body: number[] = [];
  let last = 0;
  for (const { e } of sorted) {
    writeVlq(body, e.tick - last);
    last = e.tick;
    for (const b of e.bytes) body.push(b);
  }
  body.push(0, 0xff, 0x2f, 0x00);
  const out = new Uint8Array(8 + body.length);
  out.set(ascii('MTrk'), 0);
  new DataView(out.buffer).setUint32(4, body.length);
  out.set(body, 8);
  return out;
}

function writeVlq(out: number[], value: number): void {
  const bytes = [value & 0x7f];
  for (let v = value >>> 7; v > 0; v >>>= 7) bytes.unshift((v & 0x7f) | 0x80);
  for (const b of bytes) out.push(b);
}
