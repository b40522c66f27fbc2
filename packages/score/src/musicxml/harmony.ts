import type { Chord } from '@a2s/dataset';
import type { Key } from '../key/key-finder.ts';
import { spellPitchClass } from '../notation/spelling.ts';

/** MusicXML `<kind>` values and the text shown for Harte chord qualities. */
const KINDS: Readonly<Record<string, readonly [string, string]>> = {
  maj: ['major', ''],
  min: ['minor', 'm'],
  '7': ['dominant', '7'],
  maj7: ['major-seventh', 'maj7'],
  min7: ['minor-seventh', 'm7'],
  dim: ['diminished', 'dim'],
  dim7: ['diminished-seventh', 'dim7'],
  hdim7: ['half-diminished', 'm7b5'],
  aug: ['augmented', 'aug'],
  sus2: ['suspended-second', 'sus2'],
  sus4: ['suspended-fourth', 'sus4'],
  maj6: ['major-sixth', '6'],
  min6: ['minor-sixth', 'm6'],
  '9': ['dominant-ninth', '9'],
  maj9: ['major-ninth', 'maj9'],
  min9: ['minor-ninth', 'm9'],
  minmaj7: ['major-minor', 'm(maj7)'],
  '11': ['dominant-11th', '11'],
  '13': ['dominant-13th', '13'],
};

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The MusicXML `<kind>` value and display text of a chord label (`C:min7/b3` → minor-seventh, "m7"). */
export function chordKind(chord: Chord): { kind: string; text: string } {
  const quality = (chord.label.split(':')[1] ?? 'maj').split('/')[0].replace(/\(.*\)$/, '') || 'maj';
  const known = KINDS[quality];
  if (known) return { kind: known[0], text: known[1] };
  const minorThird = (chord.pcMask >> ((chord.root + 3) % 12)) & 1;
  return { kind: minorThird ? 'minor' : 'major', text: quality };
}

/** A `<harmony>` element (without position) for a chord in a key; the root and bass are spelled in the key. */
export function harmonyXml(chord: Chord, key: Key, offsetDiv: number): string {
  const root = spellPitchClass(chord.root, key);
  const { kind, text } = chordKind(chord);
  const alter = (a: number, tag: string): string => (a !== 0 ? `<${tag}>${a}</${tag}>` : '');
  let bass = '';
  if (chord.bass >= 0 && chord.bass !== chord.root) {
    const b = spellPitchClass(chord.bass, key);
    bass = `<bass><bass-step>${b.step}</bass-step>${alter(b.alter, 'bass-alter')}</bass>`;
  }
  const offset = offsetDiv !== 0 ? `<offset>${offsetDiv}</offset>` : '';
  return (
    `<harmony print-frame="no"><root><root-step>${root.step}</root-step>${alter(root.alter, 'root-alter')}</root>` +
    `<kind text="${escapeXml(text)}">${kind}</kind>${bass}${offset}<staff>1</staff></harmony>`
  );
}

export { escapeXml };
