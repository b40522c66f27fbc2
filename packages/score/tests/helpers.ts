import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadPop909Song } from '@a2s/dataset';
import { keyFromSpans, type ScoreSource } from '../src/index.ts';

export const FIXTURES = path.resolve(import.meta.dirname, '../../../data/fixtures/pop909');
export const SCHEMA_DIR = path.resolve(import.meta.dirname, '../schema');
/** Fixture songs used by the score tests. */
export const FIXTURE_SONGS = ['098', '331', '447'] as const;

/** A POP909 fixture's PIANO track on its MIDI beat grid, with its chords and annotated key. */
export async function fixtureSource(id: string): Promise<ScoreSource> {
  const song = await loadPop909Song(path.join(FIXTURES, id));
  return {
    notes: song.notes.filter((n) => n.track === 'PIANO'),
    beatsPerBar: song.metre.beatsPerBar,
    firstDownbeatBeat: song.metre.downbeatBeats[0] ?? 0,
    beatTimesSec: song.beatGrid.timesSec,
    chords: song.chords,
    key: song.keys ? keyFromSpans(song.keys) : undefined,
    title: `POP909 ${id}`,
  };
}

/** Validates a MusicXML file against the repository's MusicXML 4.0 XSD with xmllint, offline. Resolves to xmllint's stderr. */
export async function validateMusicXml(file: string): Promise<{ ok: boolean; log: string }> {
  try {
    const r = await promisify(execFile)('xmllint', ['--noout', '--nonet', '--schema', path.join(SCHEMA_DIR, 'musicxml.xsd'), file], {
      env: { ...process.env, XML_CATALOG_FILES: path.join(SCHEMA_DIR, 'catalog.xml') },
    });
    return { ok: true, log: r.stderr };
  } catch (err) {
    const e = err as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('xmllint not found: install Debian libxml2-utils (scripts/install-system-deps.sh does)');
    return { ok: false, log: e.stderr ?? String(err) };
  }
}
