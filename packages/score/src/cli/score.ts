import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { InputError, readKeyFile } from '@a2s/dataset';
import { keyFromSpans, parseKeyLabel, type Key } from '../key/key-finder.ts';
import { readMidiScoreSource } from '../io/midi-source.ts';
import { readPredictionScoreSources } from '../io/prediction-source.ts';
import { readMusicXml } from '../musicxml/read.ts';
import { LEVEL_NAMES, LEVELS, type LevelName } from '../notation/levels.ts';
import { keyName } from '../notation/spelling.ts';
import { checkPlayability, formatPlayability } from '../playability/check.ts';
import { writeScore, type ScoreResult } from '../render.ts';
import type { ScoreSource } from '../types.ts';

interface ScoreCliOptions {
  output?: string;
  pdf?: string | boolean;
  svg?: string | boolean;
  level: LevelName;
  track?: string;
  key?: string;
  beatFactor?: 1 | 2;
  check?: boolean;
  quiet?: boolean;
}

function parseLevel(v: string): LevelName {
  if (!(LEVEL_NAMES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${LEVEL_NAMES.join(', ')}`);
  return v as LevelName;
}

function parseFactor(v: string): 1 | 2 {
  if (v !== '1' && v !== '2') throw new InvalidArgumentError('expected 1 or 2');
  return Number(v) as 1 | 2;
}

/** A key given as a label (`Ab:maj`, `C#:min`) or as a POP909 `key_audio.txt` file. */
export async function resolveKeyOption(value: string): Promise<Key> {
  const label = parseKeyLabel(value);
  if (label) return label;
  const spans = await readKeyFile(value);
  const key = keyFromSpans(spans);
  if (!key) throw new InputError({ file: value, message: 'the key file has no key' });
  return key;
}

/** One summary line per score written, plus the playability report lines. */
export function describeScore(r: ScoreResult, level: LevelName): string[] {
  const s = r.score;
  const tempo = s.tempos.map((t) => `♩=${t.bpm}`).join(', ') || 'none';
  const lines = [
    `${keyName(s.key)}, ${s.beatsPerBar}/4, tempo ${tempo}${s.beatFactor === 2 ? ' (grid beat written as two quarters)' : ''}, ` +
      `${s.measures.length} measures${s.measures[0]?.pickup ? ' (pickup)' : ''}, ${s.notes.length} notes, ${s.harmonies.length} chord symbols`,
    `level ${level}: ${s.changes.dropped} notes left out, ${s.changes.shortened} shortened, ${s.changes.moved} moved onto the level's grid`,
  ];
  if (r.engraving) lines.push(`engraved: ${r.engraving.pages.length} page(s), systems per page ${r.engraving.systemsPerPage.join(' ')}`);
  lines.push(`input, before the level's changes: ${formatPlayability(r.sourcePlayability, level)}`);
  lines.push(formatPlayability(r.playability, level));
  return lines;
}

/** Registers `a2s score`. */
export function registerScoreCommand(program: Command): void {
  program
    .command('score')
    .description(
      'Write sheet music (MusicXML 4.0, and SVG pages / PDF engraved with Verovio) from a MIDI file or a prediction folder: ' +
        'one piano part on a grand staff at a difficulty level; prints what the playability checker finds. ' +
        'With --check, checks a MusicXML file against a level instead.',
    )
    .argument('<input>', 'a .mid file, a prediction folder (predictions.json + shards/), or with --check a .musicxml file')
    .option('-o, --output <path>', 'MusicXML file (MIDI input; default <input name>.musicxml) or output folder (prediction folder; default <input>/scores)')
    .option('--pdf [file]', 'also write a PDF (MIDI input: the file; prediction folder: <song>.pdf in the output folder)')
    .option('--svg [file]', 'also write SVG pages (song.svg → song-1.svg, song-2.svg, …)')
    .option('--level <level>', `difficulty: ${LEVEL_NAMES.join(' | ')}`, parseLevel, 'full')
    .option('--track <name>', 'MIDI input: only the tracks with this name (e.g. PIANO of a POP909 file)')
    .option('--key <key>', 'key as a label (Ab:maj, C#:min) or a POP909 key_audio.txt file (default: found from the notes)')
    .option('--beat-factor <n>', 'written quarter notes per beat of the input grid: 1 or 2 (default: the readable-tempo rule)', parseFactor)
    .option('--check', 'check the MusicXML file <input> against --level and print the violations (exit code 2 when there are any)')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (input: string, opts: ScoreCliOptions) => {
      const log = (line: string): void => {
        if (!opts.quiet) process.stderr.write(`score: ${line}\n`);
      };
      if (opts.check) {
        let xml: string;
        try {
          xml = await readFile(input, 'utf8');
        } catch (err) {
          throw new InputError({ file: input, message: 'cannot read the MusicXML file', cause: err });
        }
        let read;
        try {
          read = readMusicXml(xml);
        } catch (err) {
          throw new InputError({ file: input, message: err instanceof Error ? err.message : String(err), cause: err });
        }
        const report = checkPlayability(read.notes, LEVELS[opts.level]);
        process.stdout.write(`${formatPlayability(report, opts.level)}\n`);
        if (report.violations.length > 0) process.exitCode = 2;
        return;
      }
      let info;
      try {
        info = await stat(input);
      } catch (err) {
        throw new InputError({ file: input, message: 'input not found', cause: err });
      }
      const key = opts.key ? await resolveKeyOption(opts.key) : undefined;
      const withKey = (s: ScoreSource): ScoreSource => (key ? { ...s, key } : s);
      const buildOpts = { level: opts.level, beatFactor: opts.beatFactor };
      if (info.isDirectory()) {
        const outDir = opts.output ?? path.join(input, 'scores');
        const songs = await readPredictionScoreSources(input);
        let k = 0;
        for (const [songId, source] of songs) {
          k++;
          const r = await writeScore(
            withKey(source),
            {
              musicxml: path.join(outDir, `${songId}.musicxml`),
              pdf: opts.pdf ? path.join(outDir, `${songId}.pdf`) : undefined,
              svg: opts.svg ? path.join(outDir, `${songId}.svg`) : undefined,
            },
            buildOpts,
          );
          log(`[${k}/${songs.size}] ${songId}: ${describeScore(r, opts.level).join('\n  ')}`);
        }
        log(`wrote ${songs.size} score(s) to ${outDir}`);
        return;
      }
      const base = path.join(path.dirname(input), path.parse(input).name);
      const source = await readMidiScoreSource(input, { track: opts.track, title: path.parse(input).name });
      const r = await writeScore(
        withKey(source),
        {
          musicxml: opts.output ?? `${base}.musicxml`,
          pdf: typeof opts.pdf === 'string' ? opts.pdf : opts.pdf ? `${base}.pdf` : undefined,
          svg: typeof opts.svg === 'string' ? opts.svg : opts.svg ? `${base}.svg` : undefined,
        },
        buildOpts,
      );
      for (const line of describeScore(r, opts.level)) log(line);
      log(`wrote ${r.files.join(', ')}`);
    });
}
