/**
 * A generator of malformed POP909-style songs for the reliability suite (#18). Each case copies a good fixture
 * song into a folder of its own (song id `9NN`) and breaks one thing; `expect` is the documented outcome:
 * - `error`: the song fails with a message that names the file (`file`) and matches `match`;
 * - `excluded`: the song is left out with a reason in the manifest (a documented warning, not a failure);
 * - `accepted`: the song builds (a tolerated variation).
 */
import { appendFile, mkdir, readdir, readFile, rm, symlink, writeFile, cp } from 'node:fs/promises';
import { join } from 'node:path';
import tonejsMidi from '@tonejs/midi';

const { Midi } = tonejsMidi;

export type Outcome = 'error' | 'excluded' | 'accepted';

export interface MalformedCase {
  /** Short name, e.g. `midi-cut-half`. */
  readonly name: string;
  readonly expect: Outcome;
  /** File (in the song folder) the error must name; `*` = the song folder's `<id>.mid`. */
  readonly file?: string;
  /** What the error (or exclusion reason) must say. */
  readonly match?: RegExp;
  /** Breaks the copy in `dir` (song id `id`). */
  apply(dir: string, id: string): Promise<void>;
}

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
const mid = (dir: string, id: string): string => join(dir, `${id}.mid`);

/** Offsets of the MTrk chunks of a MIDI file. */
function chunks(bytes: Buffer): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (let off = 14; off + 8 <= bytes.length; off += 8 + bytes.readUInt32BE(off + 4)) out.push({ offset: off, length: bytes.readUInt32BE(off + 4) });
  return out;
}

export const MALFORMED_CASES: readonly MalformedCase[] = [
  // --- the MIDI file
  { name: 'midi-cut-half', expect: 'error', file: '*', match: /truncated MIDI file: chunk "MTrk" at byte \d+ declares \d+ bytes/, apply: async (d, id) => { const b = await readFile(mid(d, id)); await writeFile(mid(d, id), b.subarray(0, b.length >> 1)); } },
  { name: 'midi-cut-header', expect: 'error', file: '*', match: /truncated MIDI header/, apply: async (d, id) => writeFile(mid(d, id), (await readFile(mid(d, id))).subarray(0, 10)) },
  { name: 'midi-empty', expect: 'error', file: '*', match: /not a MIDI file: the file is empty/, apply: (d, id) => writeFile(mid(d, id), '') },
  { name: 'midi-garbage', expect: 'error', file: '*', match: /not a MIDI file: expected "MThd" at byte 0/, apply: (d, id) => writeFile(mid(d, id), 'this is a text file, not MIDI') },
  {
    name: 'midi-no-end-of-track', expect: 'error', file: '*', match: /does not end with an End-of-Track event/,
    apply: async (d, id) => {
      const b = await readFile(mid(d, id));
      const last = chunks(b).at(-1)!;
      const cut = Buffer.from(b.subarray(0, b.length - 3));
      cut.writeUInt32BE(last.length - 3, last.offset + 4);
      await writeFile(mid(d, id), cut);
    },
  },
  { name: 'midi-tracks-missing', expect: 'error', file: '*', match: /the header announces \d+ tracks, the file holds \d+/, apply: async (d, id) => { const b = Buffer.from(await readFile(mid(d, id))); b.writeUInt16BE(b.readUInt16BE(10) + 2, 10); await writeFile(mid(d, id), b); } },
  {
    name: 'midi-notes-cut-resaved', expect: 'error', file: '*', match: /the notes span [\d.]+ % of the beats .*truncated MIDI file\?/,
    apply: async (d, id) => {
      const m = new Midi(await readFile(mid(d, id)));
      const end = Math.max(...m.tracks.flatMap((t) => t.notes.map((n) => n.time + n.duration)));
      for (const t of m.tracks) for (const n of [...t.notes]) if (n.time > end / 3) t.notes.splice(t.notes.indexOf(n), 1);
      await writeFile(mid(d, id), m.toArray());
    },
  },
  { name: 'midi-no-piano-track', expect: 'error', file: '*', match: /no PIANO track/, apply: async (d, id) => { const m = new Midi(await readFile(mid(d, id))); for (const t of m.tracks) if (/piano/i.test(t.name)) t.name = 'KEYS'; await writeFile(mid(d, id), m.toArray()); } },
  { name: 'midi-missing', expect: 'error', file: '*', match: /file not found/, apply: (d, id) => rm(mid(d, id)) },
  { name: 'midi-is-a-folder', expect: 'error', file: '*', match: /cannot read file \(EISDIR\)/, apply: async (d, id) => { await rm(mid(d, id)); await mkdir(mid(d, id)); } },
  { name: 'midi-trailing-padding', expect: 'accepted', apply: (d, id) => appendFile(mid(d, id), Buffer.alloc(4)) },
  // --- beat_midi.txt
  { name: 'beat-empty', expect: 'error', file: 'beat_midi.txt', match: /file is empty/, apply: (d) => writeFile(join(d, 'beat_midi.txt'), '\n') },
  { name: 'beat-three-beats', expect: 'error', file: 'beat_midi.txt', match: /only 3 beats: a song needs at least 9/, apply: async (d) => writeFile(join(d, 'beat_midi.txt'), (await lines(join(d, 'beat_midi.txt'))).slice(0, 3).join('\n') + '\n') },
  { name: 'beat-no-downbeats', expect: 'error', file: 'beat_midi.txt', match: /0 flagged as downbeat \(third column\)/, apply: async (d) => writeFile(join(d, 'beat_midi.txt'), (await lines(join(d, 'beat_midi.txt'))).map((l) => l.replace(/\S+$/, '0.0')).join('\n') + '\n') },
  { name: 'beat-not-increasing', expect: 'error', file: 'beat_midi.txt', match: /beat times must increase strictly/, apply: async (d) => { const l = await lines(join(d, 'beat_midi.txt')); [l[5], l[6]] = [l[6], l[5]]; await writeFile(join(d, 'beat_midi.txt'), l.join('\n') + '\n'); } },
  { name: 'beat-letters', expect: 'error', file: 'beat_midi.txt', match: /:4: malformed line "one two three"/, apply: async (d) => { const l = await lines(join(d, 'beat_midi.txt')); l[3] = 'one two three'; await writeFile(join(d, 'beat_midi.txt'), l.join('\n') + '\n'); } },
  { name: 'beat-negative-time', expect: 'error', file: 'beat_midi.txt', match: /:1: malformed line .*field 1/, apply: async (d) => { const l = await lines(join(d, 'beat_midi.txt')); l[0] = l[0].replace(/^\S+/, '-1.5'); await writeFile(join(d, 'beat_midi.txt'), l.join('\n') + '\n'); } },
  { name: 'beat-missing', expect: 'error', file: 'beat_midi.txt', match: /file not found/, apply: (d) => rm(join(d, 'beat_midi.txt')) },
  { name: 'beat-triple-metre', expect: 'excluded', match: /not in duple metre \(triple, 3 beats per bar/, apply: async (d) => writeFile(join(d, 'beat_midi.txt'), (await lines(join(d, 'beat_midi.txt'))).map((l, i) => l.replace(/\S+$/, i % 3 === 0 ? '1.0' : '0.0')).join('\n') + '\n') },
  { name: 'beat-crlf', expect: 'accepted', apply: async (d) => writeFile(join(d, 'beat_midi.txt'), (await lines(join(d, 'beat_midi.txt'))).join('\r\n') + '\r\n') },
  // --- chord_midi.txt
  { name: 'chord-empty', expect: 'error', file: 'chord_midi.txt', match: /no chord annotations/, apply: (d) => writeFile(join(d, 'chord_midi.txt'), '') },
  { name: 'chord-nearly-empty', expect: 'error', file: 'chord_midi.txt', match: /chord spans cover \d+ of \d+ beats/, apply: async (d) => writeFile(join(d, 'chord_midi.txt'), (await lines(join(d, 'chord_midi.txt'))).slice(0, 2).join('\n') + '\n') },
  { name: 'chord-all-N', expect: 'error', file: 'chord_midi.txt', match: /only 0 of \d+ beats have a chord other than N\/X/, apply: async (d) => writeFile(join(d, 'chord_midi.txt'), (await lines(join(d, 'chord_midi.txt'))).map((l) => l.replace(/\S+$/, 'N')).join('\n') + '\n') },
  { name: 'chord-unknown-label', expect: 'error', file: 'chord_midi.txt', match: /:2: .*Q:weird/, apply: async (d) => { const l = await lines(join(d, 'chord_midi.txt')); l[1] = l[1].replace(/\S+$/, 'Q:weird'); await writeFile(join(d, 'chord_midi.txt'), l.join('\n') + '\n'); } },
  { name: 'chord-unsorted', expect: 'error', file: 'chord_midi.txt', match: /spans must be sorted by start time/, apply: async (d) => { const l = await lines(join(d, 'chord_midi.txt')); [l[1], l[2]] = [l[2], l[1]]; await writeFile(join(d, 'chord_midi.txt'), l.join('\n') + '\n'); } },
  { name: 'chord-ends-before-start', expect: 'error', file: 'chord_midi.txt', match: /span ends \([\d.]+ s\) before it starts/, apply: async (d) => { const l = await lines(join(d, 'chord_midi.txt')); const f = l[1].split(/\s+/); l[1] = `${f[1]}\t${f[0]}\t${f[2]}`; await writeFile(join(d, 'chord_midi.txt'), l.join('\n') + '\n'); } },
  { name: 'chord-missing', expect: 'error', file: 'chord_midi.txt', match: /file not found/, apply: (d) => rm(join(d, 'chord_midi.txt')) },
  // --- optional files, read when present
  { name: 'key-bad-label', expect: 'error', file: 'key_audio.txt', match: /not a key like "C:maj"/, apply: (d) => writeFile(join(d, 'key_audio.txt'), '0.0\t10.0\tG:maj\n10.0\t30.0\tH:dorian\n') },
  { name: 'key-empty', expect: 'error', file: 'key_audio.txt', match: /file is empty/, apply: (d) => writeFile(join(d, 'key_audio.txt'), '') },
  { name: 'key-missing', expect: 'accepted', apply: (d) => rm(join(d, 'key_audio.txt')) },
  { name: 'beat-audio-garbled', expect: 'error', file: 'beat_audio.txt', match: /:2: malformed line/, apply: async (d) => { const l = await lines(join(d, 'beat_audio.txt')); l[1] = 'x\ty'; await writeFile(join(d, 'beat_audio.txt'), l.join('\n') + '\n'); } },
  // --- the folder
  { name: 'dangling-link', expect: 'error', file: 'notes.txt', match: /cannot read file \(ENOENT\)/, apply: (d) => symlink(join(d, 'no-such-file'), join(d, 'notes.txt')) },
  { name: 'extra-file', expect: 'accepted', apply: (d) => writeFile(join(d, 'README.txt'), 'an unrelated file in the song folder\n') },
];

/** Writes every case as song `9NN` under `root`, from the good song folder `good` (POP909 layout, id `goodId`). */
export async function writeMalformedSongs(root: string, good: string, goodId: string): Promise<Map<string, MalformedCase>> {
  const byId = new Map<string, MalformedCase>();
  for (const [i, c] of MALFORMED_CASES.entries()) {
    const id = String(900 + i);
    const dir = join(root, id);
    await cp(good, dir, { recursive: true });
    for (const name of await readdir(dir)) if (name === `${goodId}.mid`) await cp(join(dir, name), join(dir, `${id}.mid`)), await rm(join(dir, name));
    await c.apply(dir, id);
    byId.set(id, c);
  }
  return byId;
}
