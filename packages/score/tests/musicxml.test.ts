/**
 * The MusicXML writer on the PIANO tracks of POP909 fixture songs at every level: schema-valid, read back to
 * the same notes, measures that add up, pitches spelled in the key, no playability violation.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LEVEL_NAMES,
  buildScore,
  checkPlayability,
  keyFifths,
  readMusicXml,
  signatureAlter,
  spellPitch,
  writeMusicXml,
  type ReadScore,
  type ScoreModel,
  type ScoreSource,
} from '../src/index.ts';
import { FIXTURE_SONGS, fixtureSource, validateMusicXml } from './helpers.ts';

let dir: string;
const cases: { id: string; level: (typeof LEVEL_NAMES)[number]; source: ScoreSource; score: ScoreModel; xml: string; read: ReadScore; file: string }[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-score-xml-'));
  for (const id of FIXTURE_SONGS) {
    const source = await fixtureSource(id);
    for (const level of LEVEL_NAMES) {
      const score = buildScore(source, { level });
      const xml = writeMusicXml(score);
      const file = path.join(dir, `${id}-${level}.musicxml`);
      await fs.writeFile(file, xml);
      cases.push({ id, level, source, score, xml, read: readMusicXml(xml), file });
    }
  }
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const key = (n: { onsetDiv: number; durDiv: number; pitch: number; staff: number }): string => `${n.onsetDiv}/${n.durDiv}/${n.pitch}/${n.staff}`;

describe('MusicXML of fixture songs at every level', () => {
  it('validates against the MusicXML 4.0 schema (xmllint, offline)', async () => {
    for (const c of cases) {
      const r = await validateMusicXml(c.file);
      expect(r.ok, `${c.id} ${c.level}: ${r.log}`).toBe(true);
    }
  });

  it('reads back to exactly the notes of the score (ties joined), on the right staves', () => {
    for (const c of cases) {
      expect(c.read.notes.map(key).sort(), `${c.id} ${c.level}`).toEqual(c.score.notes.map(key).sort());
    }
  });

  it('at level full keeps every note of the quantized arrangement: same onsets and pitches, lengths changed only where counted', () => {
    for (const c of cases.filter((x) => x.level === 'full')) {
      const f = c.score.beatFactor;
      const origin = c.score.originStep;
      // A pitch struck twice at one onset (POP909 has some) is one key: the longer note is kept.
      const fromSource = new Map<string, number>();
      for (const n of c.source.notes) {
        const k = `${(n.onsetStep - origin) * f}/${n.pitch}`;
        fromSource.set(k, Math.max(fromSource.get(k) ?? 0, n.durationSteps * f));
      }
      expect(c.score.changes.dropped).toBe(c.source.notes.length - fromSource.size);
      expect(c.read.notes.length).toBe(fromSource.size);
      let changed = 0;
      for (const n of c.read.notes) {
        const dur = fromSource.get(`${n.onsetDiv}/${n.pitch}`);
        expect(dur, `${c.id}: note ${n.pitch} at ${n.onsetDiv}`).toBeDefined();
        if (dur !== n.durDiv) {
          changed++;
          expect(n.durDiv).toBeLessThan(dur as number);
        }
      }
      expect(changed).toBeLessThanOrEqual(c.score.changes.shortened);
    }
  });

  it('fills every measure: each voice adds up to the time signature (the pickup to its own length)', () => {
    for (const c of cases) {
      expect(c.read.beats).toBe(c.source.beatsPerBar);
      c.read.measures.forEach((m, i) => {
        const want = m.implicit ? c.score.measures[i].lengthDiv : m.expectedDiv;
        if (m.implicit) expect(i).toBe(0);
        for (const [voice, total] of m.voiceDiv) expect(total, `${c.id} ${c.level} measure ${m.number} voice ${voice}`).toBe(want);
      });
    }
  });

  it('spells pitches in the key: scale notes carry the key signature, accidentals only where the bar needs them', () => {
    for (const c of cases) {
      const fifths = keyFifths(c.score.key);
      expect(c.read.fifths).toBe(fifths);
      for (const n of c.read.notes) {
        expect(n.spelled).toEqual(spellPitch(n.pitch, c.score.key));
        const acc = c.read.accidentals.get(`${n.onsetDiv}:${n.pitch}`);
        if (acc !== undefined) expect(acc).toBe({ [-2]: 'flat-flat', [-1]: 'flat', 0: 'natural', 1: 'sharp', 2: 'double-sharp' }[n.spelled.alter]);
      }
      // The first note of a measure on each line needs an accidental exactly when it differs from the signature.
      for (const m of c.read.measures) {
        const first = new Map<string, (typeof c.read.notes)[number]>();
        for (const n of c.read.notes.filter((x) => x.onsetDiv >= m.startDiv && x.onsetDiv < m.startDiv + m.lengthDiv)) {
          const line = `${n.staff}:${n.spelled.step}${n.spelled.octave}`;
          if (!first.has(line)) first.set(line, n);
        }
        for (const n of first.values()) {
          const differs = n.spelled.alter !== signatureAlter(fifths, n.spelled.step);
          expect(c.read.accidentals.has(`${n.onsetDiv}:${n.pitch}`), `${c.id} ${c.level} ${n.spelled.step}${n.spelled.octave} at ${n.onsetDiv}`).toBe(differs);
        }
      }
    }
  });

  it('has no playability violation at its level, checked on the notes read back', () => {
    for (const c of cases) {
      const report = checkPlayability(c.read.notes, c.score.limits);
      expect(report.violations, `${c.id} ${c.level}`).toEqual([]);
      expect(report.max.notesPerHand).toBeLessThanOrEqual(c.score.limits.maxNotesPerHand);
    }
  });

  it('writes one tempo mark for a steady song, chord symbols, and the key signature of the annotated key', () => {
    for (const c of cases) {
      expect(c.read.tempos.length).toBeGreaterThanOrEqual(1);
      expect(c.read.tempos.length).toBeLessThanOrEqual(3);
      expect(c.read.harmonies.length).toBeGreaterThan(0);
    }
  });

  it('writes the same bytes for the same input', () => {
    const c = cases[0];
    expect(writeMusicXml(buildScore(c.source, { level: c.level }))).toBe(c.xml);
  });
});
