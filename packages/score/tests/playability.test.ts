import { describe, expect, it } from 'vitest';
import { createRng, type Note } from '@a2s/dataset';
import { LEVEL_NAMES, LEVELS, buildScore, checkPlayability, type CheckedNote } from '../src/index.ts';

/** Dense random piano notes: clusters over 4 octaves, long and short, many overlapping. */
function randomNotes(seed: number, count: number): Note[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => ({
    onsetStep: rng.int(64),
    durationSteps: 1 + rng.int(12),
    pitch: 36 + rng.int(48),
    velocity: 80,
    track: 'PIANO' as const,
  }));
}

describe('playability checker', () => {
  it('finds each kind of violation in a score made to break the easy limits', () => {
    const notes: CheckedNote[] = [
      // Right hand: 4 keys spanning an octave and a half at once.
      ...[60, 64, 67, 79].map((pitch) => ({ onsetDiv: 0, durDiv: 4, pitch, staff: 1, voice: 1 })),
      // A sixteenth, and a second and third voice on the bass staff, overlapping inside voice 6.
      { onsetDiv: 0, durDiv: 1, pitch: 48, staff: 2, voice: 5 },
      { onsetDiv: 0, durDiv: 8, pitch: 36, staff: 2, voice: 6 },
      { onsetDiv: 4, durDiv: 4, pitch: 40, staff: 2, voice: 6 },
      { onsetDiv: 8, durDiv: 4, pitch: 43, staff: 2, voice: 7 },
    ];
    const report = checkPlayability(notes, LEVELS.easy);
    const kinds = new Set(report.violations.map((v) => v.kind));
    expect(kinds).toEqual(new Set(['notes-per-hand', 'hand-span', 'shortest-value', 'voices-per-staff', 'voice-overlap']));
    expect(report.max.notesPerHand).toBe(4);
    expect(report.max.spanSemitones).toBe(19);
    expect(checkPlayability(notes, { maxNotesPerHand: 4, maxSpanSemitones: 19, shortestDivisions: 1, maxVoicesPerStaff: 3 }).violations.map((v) => v.kind)).toEqual([
      'voice-overlap',
    ]);
  });

  it('counts held notes: a key still down limits what the hand can add', () => {
    const notes: CheckedNote[] = [
      { onsetDiv: 0, durDiv: 16, pitch: 48, staff: 2, voice: 5 },
      { onsetDiv: 8, durDiv: 4, pitch: 63, staff: 2, voice: 6 },
    ];
    expect(checkPlayability(notes, LEVELS.full).violations.map((v) => v.kind)).toEqual(['hand-span']);
  });

  it('finds no violation in scores built at each level from dense random notes (seeded)', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const notes = randomNotes(seed, 120);
      for (const level of LEVEL_NAMES) {
        const score = buildScore({ notes, beatsPerBar: 4, firstDownbeatBeat: 0, tempoBpm: 100 }, { level, beatFactor: 1 });
        const report = checkPlayability(score.notes, score.limits);
        expect(report.violations, `seed ${seed} ${level}`).toEqual([]);
        // The raw notes do break the limits, so the level had work to do.
        expect(score.changes.dropped + score.changes.shortened).toBeGreaterThan(0);
      }
    }
  });

  it('simplifies more at easier levels', () => {
    const notes = randomNotes(7, 200);
    const kept = LEVEL_NAMES.map((level) => buildScore({ notes, beatsPerBar: 4, firstDownbeatBeat: 0, tempoBpm: 100 }, { level, beatFactor: 1 }).notes.length);
    // LEVEL_NAMES is easy, intermediate, full.
    expect(kept[0]).toBeLessThan(kept[1]);
    expect(kept[1]).toBeLessThanOrEqual(kept[2]);
  });
});
