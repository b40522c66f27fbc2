import { DIVISIONS } from '../notation/levels.ts';
import { pitchOfSpelled, type Letter, type SpelledPitch } from '../notation/spelling.ts';
import { child, childText, parseXml, type XmlElement } from './xml-tree.ts';

/** A note read back from MusicXML: tied pieces joined, time in divisions of 4 per quarter from the first measure. */
export interface ReadNote {
  readonly onsetDiv: number;
  readonly durDiv: number;
  readonly pitch: number;
  readonly staff: number;
  readonly voice: number;
  /** The written pitch of its first piece. */
  readonly spelled: SpelledPitch;
}

/** One measure as read: where it starts, its time signature, and each voice's total written duration. */
export interface ReadMeasure {
  readonly number: string;
  readonly implicit: boolean;
  readonly startDiv: number;
  /** Divisions the time signature asks for (4 per quarter). */
  readonly expectedDiv: number;
  /** Sum of note, rest and forward durations per `staff:voice`. */
  readonly voiceDiv: ReadonlyMap<string, number>;
  readonly lengthDiv: number;
}

/** What {@link readMusicXml} returns. */
export interface ReadScore {
  readonly notes: ReadNote[];
  readonly measures: ReadMeasure[];
  readonly fifths: number;
  readonly beats: number;
  readonly beatType: number;
  readonly tempos: { div: number; bpm: number }[];
  readonly harmonies: { div: number; root: string; kind: string }[];
  /** Accidentals written, by `onsetDiv:pitch`. */
  readonly accidentals: Map<string, string>;
}

/**
 * Reads a MusicXML `score-partwise` file's first part back into notes (ties joined), measures and
 * markings. Enough for the scores this package writes and for simple files from other programs.
 */
export function readMusicXml(xml: string): ReadScore {
  const doc = parseXml(xml);
  const score = doc.children.find((c) => c.name === 'score-partwise');
  if (!score) throw new SyntaxError('not a MusicXML score-partwise document');
  const part = child(score, 'part');
  if (!part) throw new SyntaxError('MusicXML: no <part>');
  let divisions = DIVISIONS;
  let fifths = 0;
  let beats = 4;
  let beatType = 4;
  const notes: ReadNote[] = [];
  const open = new Map<string, { onsetDiv: number; durDiv: number; pitch: number; staff: number; voice: number; spelled: SpelledPitch }>();
  const measures: ReadMeasure[] = [];
  const tempos: { div: number; bpm: number }[] = [];
  const harmonies: { div: number; root: string; kind: string }[] = [];
  const accidentals = new Map<string, string>();
  let measureStart = 0;
  for (const m of part.children.filter((c) => c.name === 'measure')) {
    let pos = 0;
    let lastOnset = 0;
    let maxPos = 0;
    const voiceDiv = new Map<string, number>();
    const toDiv = (d: number): number => (d * DIVISIONS) / divisions;
    for (const el of m.children) {
      if (el.name === 'attributes') {
        const d = childText(el, 'divisions');
        if (d) divisions = Number(d);
        const key = child(el, 'key');
        if (key) fifths = Number(childText(key, 'fifths') ?? 0);
        const time = child(el, 'time');
        if (time) {
          beats = Number(childText(time, 'beats') ?? 4);
          beatType = Number(childText(time, 'beat-type') ?? 4);
        }
      } else if (el.name === 'backup') {
        pos -= toDiv(Number(childText(el, 'duration') ?? 0));
      } else if (el.name === 'forward') {
        const d = toDiv(Number(childText(el, 'duration') ?? 0));
        const k = `${childText(el, 'staff') ?? '1'}:${childText(el, 'voice') ?? '1'}`;
        voiceDiv.set(k, (voiceDiv.get(k) ?? 0) + d);
        pos += d;
      } else if (el.name === 'direction') {
        const sound = child(el, 'sound');
        if (sound?.attrs.tempo) tempos.push({ div: measureStart + pos, bpm: Number(sound.attrs.tempo) });
      } else if (el.name === 'harmony') {
        const root = child(el, 'root');
        const off = Number(childText(el, 'offset') ?? 0);
        harmonies.push({ div: measureStart + pos + toDiv(off), root: `${childText(root ?? el, 'root-step') ?? '?'}${childText(root ?? el, 'root-alter') ?? ''}`, kind: childText(el, 'kind') ?? '' });
      } else if (el.name === 'note') {
        readNote(el);
      }
      maxPos = Math.max(maxPos, pos);
    }
    measures.push({
      number: m.attrs.number ?? '',
      implicit: m.attrs.implicit === 'yes',
      startDiv: measureStart,
      expectedDiv: (beats * DIVISIONS * 4) / beatType,
      voiceDiv,
      lengthDiv: maxPos,
    });
    measureStart += maxPos;

    function readNote(el: XmlElement): void {
      const isChord = child(el, 'chord') !== undefined;
      const dur = toDiv(Number(childText(el, 'duration') ?? 0));
      const staff = Number(childText(el, 'staff') ?? 1);
      const voice = Number(childText(el, 'voice') ?? 1);
      const onset = isChord ? lastOnset : pos;
      if (!isChord) {
        const k = `${staff}:${voice}`;
        voiceDiv.set(k, (voiceDiv.get(k) ?? 0) + dur);
        lastOnset = pos;
        pos += dur;
      }
      const p = child(el, 'pitch');
      if (!p) return;
      const spelled: SpelledPitch = {
        step: (childText(p, 'step') ?? 'C') as Letter,
        alter: Number(childText(p, 'alter') ?? 0),
        octave: Number(childText(p, 'octave') ?? 4),
      };
      const acc = childText(el, 'accidental');
      const abs = measureStart + onset;
      const pitch = pitchOfSpelled(spelled);
      if (acc) accidentals.set(`${abs}:${pitch}`, acc);
      const ties = el.children.filter((c) => c.name === 'tie').map((c) => c.attrs.type);
      const key = `${staff}:${voice}:${pitch}`;
      const cont = ties.includes('stop') ? open.get(key) : undefined;
      const note = cont && cont.onsetDiv + cont.durDiv === abs ? cont : { onsetDiv: abs, durDiv: 0, pitch, staff, voice, spelled };
      note.durDiv += dur;
      if (ties.includes('start')) open.set(key, note);
      else {
        open.delete(key);
        notes.push(note);
      }
    }
  }
  for (const n of open.values()) notes.push(n);
  notes.sort((a, b) => a.onsetDiv - b.onsetDiv || a.pitch - b.pitch);
  return { notes, measures, fifths, beats, beatType, tempos, harmonies, accidentals };
}
