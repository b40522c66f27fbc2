import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tonejsMidi from '@tonejs/midi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEGMENT_STEPS, STEPS_PER_BEAT } from '../../src/score/types.ts';
import { InputError } from '../../src/util/errors.ts';
import {
  listPop909Songs,
  loadPop909Song,
  readPop909Midi,
  segmentSong,
  type Pop909Song,
} from '../../src/pop909/index.ts';
import { pop909Root } from './pop909-root.ts';

const { Midi } = tonejsMidi;
const root = pop909Root();

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'a2s-pop909-song-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Copies a real song folder to `tmp/<id>` so that one file can be broken. */
async function copySong(from: string, id: string): Promise<string> {
  const dir = path.join(tmp, id);
  await mkdir(dir, { recursive: true });
  for (const f of [`${from}.mid`, 'beat_midi.txt', 'chord_midi.txt']) {
    await copyFile(path.join(root, from, f), path.join(dir, f === `${from}.mid` ? `${id}.mid` : f));
  }
  return dir;
}

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('loadPop909Song on real songs', () => {
  let song001: Pop909Song;
  beforeAll(async () => {
    song001 = await loadPop909Song(path.join(root, '001'));
  });

  it('reads 001: grid, metre, notes of all three tracks, chords per beat, files', () => {
    const s = song001;
    expect(s.id).toBe('001');
    expect(s.beatGrid.timesSec.length).toBe(292);
    expect(s.metre).toMatchObject({ metre: 'duple', beatsPerBar: 4 });
    expect(s.chords).toHaveLength(292);
    // The first four beats of 001 have no chord; B:maj starts on beat 4.
    expect(s.chords.slice(0, 5).map((c) => c.label)).toEqual(['N', 'N', 'N', 'N', 'B:maj']);
    const perTrack = { MELODY: 0, BRIDGE: 0, PIANO: 0 };
    for (const n of s.notes) perTrack[n.track]++;
    expect(perTrack).toEqual({ MELODY: 264, BRIDGE: 307, PIANO: 985 });
    for (let i = 1; i < s.notes.length; i++) expect(s.notes[i].onsetStep).toBeGreaterThanOrEqual(s.notes[i - 1].onsetStep);
    expect(s.notes.every((n) => Number.isInteger(n.onsetStep) && n.durationSteps >= 1)).toBe(true);
    expect(s.notes.every((n) => n.velocity >= 1 && n.velocity <= 127 && n.pitch >= 0 && n.pitch <= 127)).toBe(true);
    expect(s.audioBeats?.beatInBar[0]).toBe(1);
    expect(Object.keys(s.files).sort()).toEqual(['beatAudio', 'beatMidi', 'chordMidi', 'keyAudio', 'midi']);
    expect(s.keys?.length).toBeGreaterThan(0);
  });

  it('quantizes 001 onto the grid: over 90 % of onsets lie within 5 % of a step of a sixteenth', async () => {
    const raw = await readPop909Midi(path.join(root, '001', '001.mid'), '001');
    const times = song001.beatGrid.timesSec;
    // Check quantization error directly for notes inside the grid.
    let close = 0;
    let total = 0;
    for (const n of raw) {
      if (n.startSec < times[0] || n.startSec > times[times.length - 1]) continue;
      let i = 0;
      while (times[i + 1] <= n.startSec) i++;
      const pos = (i + (n.startSec - times[i]) / (times[i + 1] - times[i])) * STEPS_PER_BEAT;
      total++;
      if (Math.abs(pos - Math.round(pos)) < 0.05) close++;
    }
    // 93.6 % measured: POP909 also has triplets and off-grid ornaments.
    expect(close / total).toBeGreaterThan(0.9);
  });

  it('segments 001 into 8-beat windows at downbeats', () => {
    const segs = segmentSong(song001);
    expect(segs).toHaveLength(71);
    const downbeats = new Set(song001.metre.downbeatBeats);
    let notesInSegments = 0;
    for (const seg of segs) {
      expect(downbeats.has(seg.startBeat)).toBe(true);
      expect(downbeats.has(seg.startBeat + 4)).toBe(true);
      expect(seg.chords).toEqual(song001.chords.slice(seg.startBeat, seg.startBeat + 8));
      for (const n of seg.notes) {
        expect(n.onsetStep).toBeGreaterThanOrEqual(0);
        expect(n.onsetStep).toBeLessThan(SEGMENT_STEPS);
        expect(n.durationSteps).toBeGreaterThanOrEqual(1);
        expect(n.onsetStep + n.durationSteps).toBeLessThanOrEqual(SEGMENT_STEPS);
      }
      const start = seg.startBeat * STEPS_PER_BEAT;
      const expected = song001.notes.filter((n) => n.onsetStep >= start && n.onsetStep < start + SEGMENT_STEPS);
      expect(seg.notes.map((n) => [n.onsetStep + start, n.pitch, n.track])).toEqual(
        expected.map((n) => [n.onsetStep, n.pitch, n.track]),
      );
      notesInSegments += seg.notes.length;
    }
    // Hop of one bar: each note is in about two windows.
    expect(notesInSegments).toBeGreaterThan(song001.notes.length);
    expect(segs.slice(1).filter((s, i) => s.startBeat - segs[i].startBeat === 4).length).toBeGreaterThan(60);
  });

  it('gives no segment for the triple-metre song 176', async () => {
    const s = await loadPop909Song(path.join(root, '176'));
    expect(s.metre.metre).toBe('triple');
    expect(segmentSong(s)).toEqual([]);
  });

  it('loads the short song 098', async () => {
    const s = await loadPop909Song(path.join(root, '098'));
    expect(s.beatGrid.timesSec.length).toBe(55);
    expect(segmentSong(s)).toHaveLength(11);
  });

  it('lists song folders sorted', async () => {
    const ids = await listPop909Songs(root);
    expect(ids).toHaveLength(869);
    expect(ids[0]).toBe('001');
    expect(ids).toEqual([...ids].sort());
  });
});

describe('loadPop909Song on bad input', () => {
  it('names song and file when a required file is missing', async () => {
    const dir = await copySong('098', '901');
    await rm(path.join(dir, 'chord_midi.txt'));
    const err = await inputError(loadPop909Song(dir));
    expect(err.songId).toBe('901');
    expect(err.file).toBe(path.join(dir, 'chord_midi.txt'));
    expect(err.message).toContain('file not found');
  });

  it('rejects a MIDI file without a PIANO track', async () => {
    const dir = await copySong('098', '902');
    const midi = new Midi();
    const melody = midi.addTrack();
    melody.name = 'MELODY';
    melody.addNote({ midi: 60, time: 0.5, duration: 0.5, velocity: 0.8 });
    await writeFile(path.join(dir, '902.mid'), midi.toArray());
    const err = await inputError(loadPop909Song(dir));
    expect(err.message).toMatch(/song 902: .*902\.mid: no PIANO track \(tracks: "MELODY"\)/);
  });

  it('rejects an unreadable MIDI file', async () => {
    const dir = await copySong('098', '903');
    await writeFile(path.join(dir, '903.mid'), 'this is not a MIDI file');
    const err = await inputError(loadPop909Song(dir));
    expect(err.message).toContain('not a MIDI file: expected "MThd" at byte 0, found "this"');
    expect(err.file).toBe(path.join(dir, '903.mid'));
  });

  it('rejects a non-monotonic beat file, naming the line', async () => {
    const dir = await copySong('098', '904');
    await writeFile(path.join(dir, 'beat_midi.txt'), '0.1 1.0 1.0\n0.6 0.0 0.0\n0.6 1.0 0.0\n');
    const err = await inputError(loadPop909Song(dir));
    expect(err.line).toBe(3);
    expect(err.message).toContain('song 904');
  });

  it('reads a MIDI track named in lower case with spaces', async () => {
    const dir = await copySong('098', '905');
    const midi = new Midi();
    const piano = midi.addTrack();
    piano.name = ' piano ';
    piano.addNote({ midi: 48, time: 0.5, duration: 1, velocity: 64 / 127 });
    await writeFile(path.join(dir, '905.mid'), midi.toArray());
    const notes = await readPop909Midi(path.join(dir, '905.mid'), '905');
    expect(notes).toEqual([{ startSec: 0.5, endSec: 1.5, pitch: 48, velocity: 64, track: 'PIANO' }]);
  });

  it('reports a missing root folder', async () => {
    const err = await inputError(listPop909Songs(path.join(tmp, 'nowhere')));
    expect(err.message).toContain('folder not found');
  });
});

describe('loadPop909Song structural checks (truncated or incomplete files)', () => {
  it('names the byte offset of a MIDI file cut in the middle of a track', async () => {
    const dir = await copySong('098', '911');
    const bytes = await readFile(path.join(dir, '911.mid'));
    await writeFile(path.join(dir, '911.mid'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const err = await inputError(loadPop909Song(dir));
    expect(err.file).toBe(path.join(dir, '911.mid'));
    expect(err.message).toMatch(/song 911: .*911\.mid: truncated MIDI file: chunk "MTrk" at byte \d+ declares \d+ bytes but the file ends \d+ bytes after its header/);
  });

  it('reports a MIDI file cut inside its header, an empty one, and a missing End-of-Track', async () => {
    const dir = await copySong('098', '912');
    const file = path.join(dir, '912.mid');
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, 10));
    expect((await inputError(loadPop909Song(dir))).message).toMatch(/truncated MIDI header/);
    await writeFile(file, new Uint8Array(0));
    expect((await inputError(loadPop909Song(dir))).message).toMatch(/not a MIDI file: the file is empty/);
    // Cut the last 3 bytes (FF 2F 00) and fix the last chunk's length: the chunks fit, the end event is missing.
    const cut = Buffer.from(bytes.subarray(0, bytes.length - 3));
    let offset = 14;
    let last = 14;
    while (offset < bytes.length) {
      last = offset;
      offset += 8 + bytes.readUInt32BE(offset + 4);
    }
    cut.writeUInt32BE(bytes.readUInt32BE(last + 4) - 3, last + 4);
    await writeFile(file, cut);
    expect((await inputError(loadPop909Song(dir))).message).toMatch(/track 4 \(chunk at byte \d+\) does not end with an End-of-Track event/);
  });

  it('refuses a well-formed MIDI file whose notes stop half-way through the beats (cut and re-saved)', async () => {
    const dir = await copySong('098', '913');
    const file = path.join(dir, '913.mid');
    const midi = new Midi(await readFile(file));
    const end = Math.max(...midi.tracks.flatMap((t) => t.notes.map((n) => n.time + n.duration)));
    for (const t of midi.tracks) {
      for (const n of [...t.notes]) if (n.time > end / 2) t.notes.splice(t.notes.indexOf(n), 1);
    }
    await writeFile(file, midi.toArray());
    const err = await inputError(loadPop909Song(dir));
    expect(err.file).toBe(file);
    expect(err.message).toMatch(/notes ending at [\d.]+ s, but beat_midi\.txt runs to [\d.]+ s: the notes span [\d.]+ % of the beats .*truncated MIDI file\?/);
  });

  it('refuses an empty, a nearly empty and an all-N chord file, naming the coverage', async () => {
    const dir = await copySong('098', '914');
    const file = path.join(dir, 'chord_midi.txt');
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    await writeFile(file, '');
    expect((await inputError(loadPop909Song(dir))).message).toMatch(/chord_midi\.txt: no chord annotations \(the song has 55 beats\)/);
    await writeFile(file, lines.slice(0, 2).join('\n') + '\n');
    expect((await inputError(loadPop909Song(dir))).message).toMatch(/chord spans cover \d+ of 55 beats \([\d.]+ %; at least 90 % expected/);
    await writeFile(file, lines.map((l) => l.replace(/\S+$/, 'N')).join('\n') + '\n');
    expect((await inputError(loadPop909Song(dir))).message).toMatch(/only 0 of 55 beats have a chord other than N\/X/);
  });

  it('parses key_audio.txt when present: a broken or empty one fails, naming file and line', async () => {
    const dir = await copySong('098', '915');
    const file = path.join(dir, 'key_audio.txt');
    await writeFile(file, '0.0\t20.5\tG:maj\n20.5\t40.0\tH:dorian\n');
    const err = await inputError(loadPop909Song(dir));
    expect(err.file).toBe(file);
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/not a key like "C:maj"/);
    await writeFile(file, '\n');
    expect((await inputError(loadPop909Song(dir))).message).toMatch(/key_audio\.txt: file is empty/);
    await writeFile(file, '0.0\t40.0\tG:maj\n');
    expect((await loadPop909Song(dir)).keys).toEqual([{ startSec: 0, endSec: 40, key: 'G:maj' }]);
  });
});
