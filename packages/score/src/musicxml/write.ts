import type { ScoreMeasure, ScoreModel, ScoreNote } from '../types.ts';
import { DIVISIONS } from '../notation/levels.ts';
import { splitSpan, type NoteValue } from '../notation/durations.ts';
import { keyFifths, signatureAlter, spellPitch, type SpelledPitch } from '../notation/spelling.ts';
import { FIRST_VOICE } from '../notation/voices.ts';
import { escapeXml, harmonyXml } from './harmony.ts';

/** One written piece of a chord (or a rest) inside a measure. */
interface Piece {
  /** Divisions from the measure start. */
  pos: number;
  value: NoteValue;
  /** Empty for a rest. */
  pitches: number[];
  tieStart: boolean;
  tieStop: boolean;
  /** A whole-measure rest. */
  measureRest?: boolean;
  forward?: boolean;
}

const ACCIDENTALS: Readonly<Record<number, string>> = { [-2]: 'flat-flat', [-1]: 'flat', 0: 'natural', 1: 'sharp', 2: 'double-sharp' };

/** Pieces of one voice in one measure: notes and ties, with rests (primary voice) or forwards (others) in the gaps. */
function voicePieces(events: readonly ScoreNote[][], m: ScoreMeasure, beatsPerBar: number, primary: boolean): Piece[] {
  const metre = { beatsPerBar };
  const shift = m.pickup ? beatsPerBar * DIVISIONS - m.lengthDiv : 0;
  const ms = m.startDiv;
  const me = m.startDiv + m.lengthDiv;
  const out: Piece[] = [];
  const fill = (from: number, to: number): void => {
    if (to <= from) return;
    if (!primary) {
      out.push({ pos: from, value: { divisions: to - from, type: '', dots: 0 }, pitches: [], tieStart: false, tieStop: false, forward: true });
      return;
    }
    let p = from;
    for (const value of splitSpan(from + shift, to + shift, metre)) {
      out.push({ pos: p, value, pitches: [], tieStart: false, tieStop: false });
      p += value.divisions;
    }
  };
  let cursor = 0;
  for (const chord of events) {
    const on = chord[0].onsetDiv;
    const end = on + chord[0].durDiv;
    if (end <= ms || on >= me) continue;
    const from = Math.max(on, ms) - ms;
    const to = Math.min(end, me) - ms;
    fill(cursor, from);
    const values = splitSpan(from + shift, to + shift, metre);
    let p = from;
    values.forEach((value, k) => {
      out.push({
        pos: p,
        value,
        pitches: chord.map((n) => n.pitch).sort((a, b) => a - b),
        tieStop: k > 0 || on < ms,
        tieStart: k < values.length - 1 || end > me,
      });
      p += value.divisions;
    });
    cursor = to;
  }
  if (primary && cursor === 0 && out.length === 0 && !m.pickup) {
    return [{ pos: 0, value: { divisions: m.lengthDiv, type: '', dots: 0 }, pitches: [], tieStart: false, tieStop: false, measureRest: true }];
  }
  fill(cursor, m.lengthDiv);
  return out;
}

/** Beam values (`number` → begin/continue/end/hook) of each piece: eighths and shorter within one beat. */
function beams(pieces: readonly Piece[], shift: number): Map<Piece, string[]> {
  const out = new Map<Piece, string[]>();
  const beamable = (p: Piece): boolean => p.pitches.length > 0 && p.value.divisions < DIVISIONS && !p.forward;
  let i = 0;
  while (i < pieces.length) {
    if (!beamable(pieces[i])) {
      i++;
      continue;
    }
    const beat = Math.floor((pieces[i].pos + shift) / DIVISIONS);
    let j = i;
    while (j < pieces.length && beamable(pieces[j]) && Math.floor((pieces[j].pos + shift) / DIVISIONS) === beat) j++;
    const group = pieces.slice(i, j);
    if (group.length >= 2) {
      const sixteenth = group.map((p) => p.value.type === '16th');
      group.forEach((p, k) => {
        const b1 = k === 0 ? 'begin' : k === group.length - 1 ? 'end' : 'continue';
        const list = [b1];
        if (sixteenth[k]) {
          const prev = k > 0 && sixteenth[k - 1];
          const next = k < group.length - 1 && sixteenth[k + 1];
          list.push(prev && next ? 'continue' : prev ? 'end' : next ? 'begin' : k === group.length - 1 ? 'backward hook' : 'forward hook');
        }
        out.set(p, list);
      });
    }
    i = j;
  }
  return out;
}

/** Which written pitches of a staff's pieces need an accidental (key signature, then earlier notes in the bar). */
function accidentals(pieces: readonly Piece[], fifths: number, spell: (p: number) => SpelledPitch): Set<string> {
  const need = new Set<string>();
  const state = new Map<string, number>();
  const sorted = [...pieces].filter((p) => p.pitches.length > 0).sort((a, b) => a.pos - b.pos);
  for (const piece of sorted) {
    for (const pitch of piece.pitches) {
      const sp = spell(pitch);
      const line = `${sp.step}${sp.octave}`;
      const current = state.get(line) ?? signatureAlter(fifths, sp.step);
      if (piece.tieStop) continue;
      if (current !== sp.alter) need.add(`${piece.pos}:${pitch}`);
      state.set(line, sp.alter);
    }
  }
  return need;
}

function noteXml(
  piece: Piece,
  pitch: number | undefined,
  chordTone: boolean,
  voice: number,
  staff: number,
  ctx: { spell: (p: number) => SpelledPitch; accidental: boolean; beam: string[] | undefined; stem: string | undefined },
): string {
  const parts: string[] = ['<note>'];
  if (chordTone) parts.push('<chord/>');
  if (pitch === undefined) parts.push(piece.measureRest ? '<rest measure="yes"/>' : '<rest/>');
  else {
    const sp = ctx.spell(pitch);
    parts.push(`<pitch><step>${sp.step}</step>${sp.alter !== 0 ? `<alter>${sp.alter}</alter>` : ''}<octave>${sp.octave}</octave></pitch>`);
  }
  parts.push(`<duration>${piece.value.divisions}</duration>`);
  if (pitch !== undefined) {
    if (piece.tieStop) parts.push('<tie type="stop"/>');
    if (piece.tieStart) parts.push('<tie type="start"/>');
  }
  parts.push(`<voice>${voice}</voice>`);
  if (!piece.measureRest) parts.push(`<type>${piece.value.type}</type>`, '<dot/>'.repeat(piece.value.dots));
  if (pitch !== undefined && ctx.accidental) parts.push(`<accidental>${ACCIDENTALS[ctx.spell(pitch).alter]}</accidental>`);
  if (pitch !== undefined && ctx.stem) parts.push(`<stem>${ctx.stem}</stem>`);
  parts.push(`<staff>${staff}</staff>`);
  if (pitch !== undefined && !chordTone && ctx.beam) ctx.beam.forEach((b, k) => parts.push(`<beam number="${k + 1}">${b}</beam>`));
  if (pitch !== undefined && (piece.tieStop || piece.tieStart)) {
    parts.push(`<notations>${piece.tieStop ? '<tied type="stop"/>' : ''}${piece.tieStart ? '<tied type="start"/>' : ''}</notations>`);
  }
  parts.push('</note>');
  return parts.join('');
}

/** Groups a voice's notes into chords (same onset and length), in time order. */
function chordsOf(notes: readonly ScoreNote[]): ScoreNote[][] {
  const map = new Map<number, ScoreNote[]>();
  for (const n of notes) map.set(n.onsetDiv, [...(map.get(n.onsetDiv) ?? []), n]);
  return [...map.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
}

function tempoXml(bpm: number): string {
  return (
    '<direction placement="above"><direction-type><metronome parentheses="no"><beat-unit>quarter</beat-unit>' +
    `<per-minute>${bpm}</per-minute></metronome></direction-type><staff>1</staff><sound tempo="${bpm}"/></direction>`
  );
}

/** Options of {@link writeMusicXml}. */
export interface WriteMusicXmlOptions {
  /** Software name in `<encoding>`. Default 'a2s'. */
  readonly software?: string;
}

/**
 * Writes a score as MusicXML 4.0 `score-partwise`: one piano part on a grand staff (treble and bass clef),
 * key and time signature, tempo marks, chord symbols, notes split into written values with ties, rests,
 * beams, accidentals by the key and the bar. Deterministic: the same model gives the same bytes.
 */
export function writeMusicXml(score: ScoreModel, opts: WriteMusicXmlOptions = {}): string {
  const fifths = keyFifths(score.key);
  const spell = (p: number): SpelledPitch => spellPitch(p, score.key);
  const voicesOf = (staff: 1 | 2): number[] => {
    const vs = new Set(score.notes.filter((n) => n.staff === staff).map((n) => n.voice));
    vs.add(FIRST_VOICE[staff]);
    return [...vs].sort((a, b) => a - b);
  };
  const voiceChords = new Map<number, ScoreNote[][]>();
  for (const staff of [1, 2] as const) {
    for (const v of voicesOf(staff)) voiceChords.set(v, chordsOf(score.notes.filter((n) => n.staff === staff && n.voice === v)));
  }
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<score-partwise version="4.0">');
  out.push(`<work><work-title>${escapeXml(score.title)}</work-title></work>`);
  out.push(`<identification><encoding><software>${escapeXml(opts.software ?? 'a2s')}</software></encoding></identification>`);
  out.push(
    '<part-list><score-part id="P1"><part-name>Piano</part-name><score-instrument id="P1-I1"><instrument-name>Acoustic Grand Piano</instrument-name></score-instrument>' +
      '<midi-instrument id="P1-I1"><midi-channel>1</midi-channel><midi-program>1</midi-program></midi-instrument></score-part></part-list>',
  );
  out.push('<part id="P1">');
  score.measures.forEach((m, mi) => {
    out.push(`<measure number="${m.number}"${m.pickup ? ' implicit="yes"' : ''}>`);
    if (mi === 0) {
      out.push(
        `<attributes><divisions>${DIVISIONS}</divisions><key><fifths>${fifths}</fifths><mode>${score.key.mode}</mode></key>` +
          `<time><beats>${score.beatsPerBar}</beats><beat-type>4</beat-type></time><staves>2</staves>` +
          '<clef number="1"><sign>G</sign><line>2</line></clef><clef number="2"><sign>F</sign><line>4</line></clef></attributes>',
      );
    }
    for (const t of score.tempos) if (t.div === m.startDiv) out.push(tempoXml(t.bpm));
    const shift = m.pickup ? score.beatsPerBar * DIVISIONS - m.lengthDiv : 0;
    let first = true;
    for (const staff of [1, 2] as const) {
      const voices = voicesOf(staff);
      const perVoice = voices.map((v, k) => ({ v, pieces: voicePieces(voiceChords.get(v) ?? [], m, score.beatsPerBar, k === 0) }));
      const sounding = perVoice.filter((pv) => pv.pieces.some((p) => p.pitches.length > 0));
      const need = accidentals(perVoice.flatMap((pv) => pv.pieces), fifths, spell);
      for (const { v, pieces } of perVoice) {
        if (pieces.length === 0 || pieces.every((p) => p.forward)) continue;
        if (!first) out.push(`<backup><duration>${m.lengthDiv}</duration></backup>`);
        first = false;
        const beamMap = beams(pieces, shift);
        const stem = sounding.length > 1 ? (v === voices[0] ? 'up' : 'down') : undefined;
        for (const piece of pieces) {
          if (staff === 1 && v === voices[0]) {
            for (const h of score.harmonies) {
              const rel = h.div - m.startDiv;
              if (rel >= piece.pos && rel < piece.pos + piece.value.divisions) out.push(harmonyXml(h.chord, score.key, rel - piece.pos));
            }
          }
          if (piece.forward) {
            out.push(`<forward><duration>${piece.value.divisions}</duration><voice>${v}</voice><staff>${staff}</staff></forward>`);
            continue;
          }
          if (piece.pitches.length === 0) {
            out.push(noteXml(piece, undefined, false, v, staff, { spell, accidental: false, beam: undefined, stem: undefined }));
            continue;
          }
          const ordered = [...piece.pitches].sort((a, b) => (stem === 'down' ? a - b : b - a));
          ordered.forEach((pitch, k) => {
            out.push(
              noteXml(piece, pitch, k > 0, v, staff, { spell, accidental: need.has(`${piece.pos}:${pitch}`), beam: beamMap.get(piece), stem }),
            );
          });
        }
      }
    }
    if (mi === score.measures.length - 1) out.push('<barline location="right"><bar-style>light-heavy</bar-style></barline>');
    out.push('</measure>');
  });
  out.push('</part>');
  out.push('</score-partwise>');
  return `${out.join('\n')}\n`;
}
