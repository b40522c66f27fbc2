import type { ScoreNote } from '../types.ts';
import type { FitChanges, HandNote } from './hands.ts';

/** The first MusicXML voice number of each staff (the usual 1–4 treble, 5–8 bass). */
export const FIRST_VOICE: Readonly<Record<1 | 2, number>> = { 1: 1, 2: 5 };

interface Event {
  onset: number;
  dur: number;
  pitches: number[];
}

/**
 * Voices of one staff. Notes struck together with the same length form a chord; a chord that starts while
 * every voice still sounds opens a new voice, up to `maxVoices`; beyond that, a chord struck at the same
 * moment as another is merged into it (both take the shorter length) and otherwise the voice that ends
 * first is cut at the new onset.
 */
export function assignVoices(notes: readonly HandNote[], staff: 1 | 2, maxVoices: number, changes: FitChanges): ScoreNote[] {
  const byKey = new Map<string, Event>();
  for (const n of notes) {
    if (n.staff !== staff) continue;
    const key = `${n.onsetDiv}:${n.durDiv}`;
    const e = byKey.get(key) ?? { onset: n.onsetDiv, dur: n.durDiv, pitches: [] };
    e.pitches.push(n.pitch);
    byKey.set(key, e);
  }
  const events = [...byKey.values()].sort((a, b) => a.onset - b.onset || Math.max(...b.pitches) - Math.max(...a.pitches));
  const voices: Event[][] = [];
  for (const e of events) {
    const end = (v: Event[]): number => v[v.length - 1].onset + v[v.length - 1].dur;
    let v = voices.find((voice) => end(voice) <= e.onset);
    if (!v && voices.length < maxVoices) {
      v = [];
      voices.push(v);
    }
    if (!v) {
      const same = voices.find((voice) => voice[voice.length - 1].onset === e.onset);
      if (same) {
        const last = same[same.length - 1];
        const dur = Math.min(last.dur, e.dur);
        changes.shortened += (last.dur > dur ? last.pitches.length : 0) + (e.dur > dur ? e.pitches.length : 0);
        last.dur = dur;
        for (const p of e.pitches) if (!last.pitches.includes(p)) last.pitches.push(p);
        continue;
      }
      v = voices.reduce((a, b) => (end(a) <= end(b) ? a : b));
      const last = v[v.length - 1];
      last.dur = e.onset - last.onset;
      changes.shortened += last.pitches.length;
    }
    v.push(e);
  }
  // The voice with the higher notes on average is written first (stems up).
  const mean = (v: Event[]): number => {
    const ps = v.flatMap((e) => e.pitches);
    return ps.reduce((s, p) => s + p, 0) / ps.length;
  };
  voices.sort((a, b) => mean(b) - mean(a));
  const out: ScoreNote[] = [];
  voices.forEach((v, k) => {
    for (const e of v) for (const pitch of e.pitches) out.push({ onsetDiv: e.onset, durDiv: e.dur, pitch, staff, voice: FIRST_VOICE[staff] + k });
  });
  return out;
}
