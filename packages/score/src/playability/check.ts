import type { LevelLimits } from '../notation/levels.ts';

/** A note as the checker sees it: time in divisions (4 per quarter), staff (hand) and voice. */
export interface CheckedNote {
  readonly onsetDiv: number;
  readonly durDiv: number;
  readonly pitch: number;
  readonly staff: number;
  readonly voice: number;
}

export type ViolationKind = 'notes-per-hand' | 'hand-span' | 'shortest-value' | 'voices-per-staff' | 'voice-overlap';

/** One place where a score exceeds a level's limits. */
export interface Violation {
  readonly kind: ViolationKind;
  readonly staff: number;
  readonly onsetDiv: number;
  /** What was found there (notes, semitones, divisions or voices). */
  readonly found: number;
  /** The level's limit. */
  readonly limit: number;
}

/** What the checker found: violations and the largest values seen per limit. */
export interface PlayabilityReport {
  readonly violations: readonly Violation[];
  readonly max: { readonly notesPerHand: number; readonly spanSemitones: number; readonly voicesPerStaff: number };
  readonly shortestDivisions: number;
}

/**
 * Checks a score against a level's limits, independently of how the score was made: at every onset of each
 * staff, the keys held down (struck or still sounding) are at most `maxNotesPerHand` and span at most
 * `maxSpanSemitones`; every onset and length lies on the `shortestDivisions` grid; a staff uses at most
 * `maxVoicesPerStaff` voices; and in one voice, notes either form a chord (same onset and length) or follow
 * each other. `voices: false` skips the two voice checks (for notes that have no voices yet).
 */
export function checkPlayability(
  notes: readonly CheckedNote[],
  limits: LevelLimits,
  opts: { voices?: boolean } = {},
): PlayabilityReport {
  const checkVoices = opts.voices ?? true;
  const violations: Violation[] = [];
  let maxNotes = 0;
  let maxSpan = 0;
  let maxVoices = 0;
  let shortest = Infinity;
  for (const staff of [...new Set(notes.map((n) => n.staff))].sort()) {
    const mine = notes.filter((n) => n.staff === staff);
    const voices = new Set(mine.map((n) => n.voice));
    maxVoices = Math.max(maxVoices, voices.size);
    if (checkVoices && voices.size > limits.maxVoicesPerStaff) {
      violations.push({ kind: 'voices-per-staff', staff, onsetDiv: 0, found: voices.size, limit: limits.maxVoicesPerStaff });
    }
    for (const onset of [...new Set(mine.map((n) => n.onsetDiv))].sort((a, b) => a - b)) {
      const down = mine.filter((n) => n.onsetDiv <= onset && n.onsetDiv + n.durDiv > onset).map((n) => n.pitch);
      const span = Math.max(...down) - Math.min(...down);
      maxNotes = Math.max(maxNotes, down.length);
      maxSpan = Math.max(maxSpan, span);
      if (down.length > limits.maxNotesPerHand) {
        violations.push({ kind: 'notes-per-hand', staff, onsetDiv: onset, found: down.length, limit: limits.maxNotesPerHand });
      }
      if (span > limits.maxSpanSemitones) {
        violations.push({ kind: 'hand-span', staff, onsetDiv: onset, found: span, limit: limits.maxSpanSemitones });
      }
    }
    for (const n of mine) {
      shortest = Math.min(shortest, n.durDiv);
      if (n.onsetDiv % limits.shortestDivisions !== 0 || n.durDiv % limits.shortestDivisions !== 0) {
        violations.push({ kind: 'shortest-value', staff, onsetDiv: n.onsetDiv, found: n.durDiv, limit: limits.shortestDivisions });
      }
    }
    for (const v of checkVoices ? voices : []) {
      const inVoice = mine.filter((n) => n.voice === v).sort((a, b) => a.onsetDiv - b.onsetDiv);
      for (let i = 1; i < inVoice.length; i++) {
        const a = inVoice[i - 1];
        const b = inVoice[i];
        const chord = a.onsetDiv === b.onsetDiv && a.durDiv === b.durDiv;
        if (!chord && b.onsetDiv < a.onsetDiv + a.durDiv) {
          violations.push({ kind: 'voice-overlap', staff, onsetDiv: b.onsetDiv, found: v, limit: 0 });
        }
      }
    }
  }
  return {
    violations,
    max: { notesPerHand: maxNotes, spanSemitones: maxSpan, voicesPerStaff: maxVoices },
    shortestDivisions: Number.isFinite(shortest) ? shortest : 0,
  };
}

/** One line per violation kind with its count and worst case, for the command line. */
export function formatPlayability(report: PlayabilityReport, level: string): string {
  if (report.violations.length === 0) return `playability (${level}): no violation`;
  const byKind = new Map<ViolationKind, Violation[]>();
  for (const v of report.violations) byKind.set(v.kind, [...(byKind.get(v.kind) ?? []), v]);
  const lines = [`playability (${level}): ${report.violations.length} violation(s)`];
  for (const [kind, vs] of byKind) {
    const worst = vs.reduce((a, b) => (b.found > a.found ? b : a));
    lines.push(`  ${kind}: ${vs.length} (worst ${worst.found} vs limit ${worst.limit}, staff ${worst.staff}, at quarter ${(worst.onsetDiv / 4).toFixed(2)})`);
  }
  return lines.join('\n');
}
