import { readFile } from 'node:fs/promises';
import tonejsMidi from '@tonejs/midi';
import { TRACKS, type Track } from '../score/types.ts';
import { InputError, describeError } from '../util/errors.ts';

const { Midi } = tonejsMidi;

/** A note as read from the MIDI file, before quantization. */
export interface RawNote {
  startSec: number;
  endSec: number;
  /** MIDI pitch 0–127. */
  pitch: number;
  /** MIDI velocity 1–127. */
  velocity: number;
  track: Track;
}

/** Maps a track name (case and surrounding spaces ignored) to a POP909 track, or undefined. */
function trackOf(name: string): Track | undefined {
  const upper = name.trim().toUpperCase();
  return (TRACKS as readonly string[]).includes(upper) ? (upper as Track) : undefined;
}

/**
 * Reads the notes of a POP909 MIDI file from its `MELODY`, `BRIDGE` and `PIANO` tracks (other tracks are
 * ignored), sorted by start time, then pitch. Times come from the file's own tempo map.
 * @throws InputError when the file is missing or not a readable MIDI file, or has no `PIANO` track.
 */
export async function readPop909Midi(path: string, songId?: string): Promise<RawNote[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`;
    throw new InputError({ file: path, songId, message: why, cause: err });
  }
  checkSmfStructure(bytes, path, songId);
  let midi: InstanceType<typeof Midi>;
  try {
    midi = new Midi(bytes);
  } catch (err) {
    // @tonejs/midi throws strings as well as Errors; describeError reads both.
    throw new InputError({ file: path, songId, message: `not a readable MIDI file (parser: ${describeError(err)})`, cause: err });
  }
  const names = midi.tracks.map((t) => t.name);
  if (!midi.tracks.some((t) => trackOf(t.name) === 'PIANO')) {
    throw new InputError({
      file: path,
      songId,
      message: `no PIANO track (tracks: ${names.length > 0 ? names.map((n) => JSON.stringify(n)).join(', ') : 'none'})`,
    });
  }
  const notes: RawNote[] = [];
  for (const t of midi.tracks) {
    const track = trackOf(t.name);
    if (track === undefined) continue;
    for (const n of t.notes) {
      notes.push({
        startSec: n.time,
        endSec: n.time + n.duration,
        pitch: n.midi,
        velocity: Math.min(127, Math.max(1, Math.round(n.velocity * 127))),
        track,
      });
    }
  }
  notes.sort((a, b) => a.startSec - b.startSec || a.pitch - b.pitch);
  return notes;
}

/**
 * Checks the chunk structure of a Standard MIDI File before it is parsed, so that a cut or damaged file is
 * reported with the byte offset of the problem instead of a parser's stray TypeError: the `MThd` header,
 * every chunk's declared length against the file's size, every `MTrk` chunk ending with an End-of-Track
 * event (`FF 2F 00`), and as many `MTrk` chunks as the header announces. Fewer than 8 stray bytes after the
 * last chunk are tolerated (padding).
 * @throws InputError naming the file and the byte offset.
 */
export function checkSmfStructure(bytes: Uint8Array, file: string, songId?: string): void {
  const fail = (message: string): InputError => new InputError({ file, songId, message });
  const ascii = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  const u32 = (at: number): number => ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
  if (bytes.length === 0) throw fail('not a MIDI file: the file is empty');
  if (bytes.length < 8 || ascii(0) !== 'MThd') {
    throw fail(`not a MIDI file: expected "MThd" at byte 0, found ${JSON.stringify(ascii(0))}`);
  }
  const headerLength = u32(4);
  if (headerLength < 6 || 8 + headerLength > bytes.length) {
    throw fail(`truncated MIDI header: it declares ${headerLength} bytes (at least 6) and the file has ${bytes.length - 8} after byte 8`);
  }
  const announced = (bytes[10] << 8) | bytes[11];
  let offset = 8 + headerLength;
  let tracks = 0;
  while (bytes.length - offset >= 8) {
    const id = ascii(offset);
    const length = u32(offset + 4);
    const end = offset + 8 + length;
    if (end > bytes.length) {
      throw fail(`truncated MIDI file: chunk ${JSON.stringify(id)} at byte ${offset} declares ${length} bytes but the file ends ${bytes.length - offset - 8} bytes after its header`);
    }
    if (id === 'MTrk') {
      tracks++;
      if (length < 3 || bytes[end - 3] !== 0xff || bytes[end - 2] !== 0x2f || bytes[end - 1] !== 0x00) {
        throw fail(`track ${tracks} (chunk at byte ${offset}) does not end with an End-of-Track event (FF 2F 00 at byte ${end - 3}): truncated or corrupt`);
      }
    }
    offset = end;
  }
  if (tracks < announced) {
    throw fail(`truncated MIDI file: the header announces ${announced} tracks, the file holds ${tracks} (ends at byte ${bytes.length})`);
  }
}
