/**
 * Readable-tempo rule (packages/score chooseBeatFactor) measured on POP909: does the written tempo land on
 * the tempo the song's transcriber wrote (the MIDI file's tempo), for songs above 120 BPM, and how often
 * does the rule double a slow song?
 *
 *   tsx experiments/score-tempo/measure.ts annotated            # every song, beat grid = beat_audio.txt
 *   tsx experiments/score-tempo/measure.ts tracked [limit]      # synthesized audio + trackBeats, the first `limit`
 *                                                               #   songs > 120 BPM and as many ≤ 100 BPM songs (by id)
 *   tsx experiments/score-tempo/measure.ts summarize tracked    # recompute the summary of results-tracked.json
 * Writes results-<mode>.json beside this file and prints the summary.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import tonejsMidi from '@tonejs/midi';
import { decodeAudioFile, quantizeNotes, readBeatAudio, readPop909Midi } from '@a2s/dataset';
import { trackBeats } from '@a2s/features';
import { chooseBeatFactor, gridTempoBpm, oddSixteenthShare } from '@a2s/score';

const { Midi } = tonejsMidi;
const ROOT = process.env.A2S_POP909 ?? path.resolve(import.meta.dirname, '../../../shared/data/pop909');
const SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';
const mode = process.argv[2] ?? 'annotated';
const limit = Number(process.argv[3] ?? 54);

interface Row {
  id: string;
  refBpm: number;
  gridBpm: number;
  oddShare: number;
  factor: number;
  writtenBpm: number;
  /** written / reference tempo rounded to 0.5, 1 or 2 (or the raw ratio when none). */
  ratio: number;
}

async function midiTempo(id: string): Promise<number> {
  const midi = new Midi(await fs.readFile(path.join(ROOT, id, `${id}.mid`)));
  const t = midi.header.tempos;
  // The tempo in force longest.
  const end = midi.durationTicks;
  const spans = t.map((x, i) => ({ bpm: x.bpm, len: (t[i + 1]?.ticks ?? end) - x.ticks }));
  return spans.reduce((a, b) => (b.len > a.len ? b : a)).bpm;
}

function classify(written: number, ref: number): number {
  const r = written / ref;
  for (const k of [0.5, 1, 2]) if (Math.abs(r / k - 1) <= 0.08) return k;
  return Math.round(r * 100) / 100;
}

async function rowFor(id: string, grid: Float64Array, refBpm: number): Promise<Row> {
  const raw = await readPop909Midi(path.join(ROOT, id, `${id}.mid`), id);
  const notes = quantizeNotes(raw.filter((n) => n.track === 'PIANO'), grid);
  const gridBpm = gridTempoBpm(grid);
  const factor = chooseBeatFactor(gridBpm, notes);
  return { id, refBpm, gridBpm, oddShare: oddSixteenthShare(notes), factor, writtenBpm: gridBpm * factor, ratio: classify(gridBpm * factor, refBpm) };
}

/** Written-tempo outcomes of one way to choose the factor. */
function outcome(rows: Row[], factorOf: (r: Row) => number): Record<string, unknown> {
  const fast = rows.filter((r) => r.refBpm > 120);
  const slow = rows.filter((r) => r.refBpm <= 100);
  const at = (rs: Row[], k: number): number => rs.filter((r) => classify(r.gridBpm * factorOf(r), r.refBpm) === k).length;
  return {
    above120: { songs: fast.length, doubled: fast.filter((r) => factorOf(r) === 2).length, atRef: at(fast, 1), atHalf: at(fast, 0.5), atDouble: at(fast, 2) },
    atMost100: { songs: slow.length, doubled: slow.filter((r) => factorOf(r) === 2).length, atRef: at(slow, 1), atDouble: at(slow, 2) },
  };
}

function summary(rows: Row[], label: string): Record<string, unknown> {
  return {
    label,
    songs: rows.length,
    noRule: outcome(rows, () => 1),
    rule: outcome(rows, (r) => r.factor),
    tempoOnlyBelow80: outcome(rows, (r) => (r.gridBpm < 80 ? 2 : 1)),
  };
}

const ids = (await fs.readdir(ROOT)).filter((d) => /^\d{3}$/.test(d)).sort();
let rows: Row[] = [];
if (mode === 'summarize') {
  // Recomputes the summary of an earlier results file: tsx measure.ts summarize tracked
  const file = path.join(import.meta.dirname, `results-${process.argv[3] ?? 'tracked'}.json`);
  rows = JSON.parse(await fs.readFile(file, 'utf8')).rows;
  const result = { mode: process.argv[3] ?? 'tracked', rule: 'chooseBeatFactor (packages/score/src/notation/metre.ts)', summary: summary(rows, process.argv[3] ?? 'tracked'), rows };
  await fs.writeFile(file, `${JSON.stringify(result, null, 1)}\n`);
  console.log(JSON.stringify(result.summary, null, 2));
  process.exit(0);
} else if (mode === 'annotated') {
  for (const id of ids) {
    const beats = await readBeatAudio(path.join(ROOT, id, 'beat_audio.txt'), id);
    rows.push(await rowFor(id, beats.timesSec, await midiTempo(id)));
  }
} else {
  const refs = new Map<string, number>();
  for (const id of ids) refs.set(id, await midiTempo(id));
  const fast = ids.filter((id) => (refs.get(id) as number) > 120).slice(0, limit);
  const slow = ids.filter((id) => (refs.get(id) as number) <= 100).slice(0, fast.length);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-score-tempo-'));
  const todo = [...fast, ...slow];
  for (const [k, id] of todo.entries()) {
    const wav = path.join(dir, `${id}.wav`);
    await promisify(execFile)('fluidsynth', ['-ni', '-F', wav, '-r', '16000', '-g', '0.8', SOUNDFONT, path.join(ROOT, id, `${id}.mid`)]);
    const audio = await decodeAudioFile(wav);
    await fs.rm(wav);
    const track = trackBeats(audio.samples, audio.sampleRate);
    const row = await rowFor(id, track.beatTimesSec, refs.get(id) as number);
    rows.push(row);
    process.stderr.write(`[${k + 1}/${todo.length}] ${id}: ref ${row.refBpm.toFixed(0)} grid ${row.gridBpm.toFixed(0)} odd ${row.oddShare.toFixed(2)} -> x${row.factor} (${row.ratio})\n`);
  }
  await fs.rm(dir, { recursive: true, force: true });
}
const result = { mode, rule: 'chooseBeatFactor (packages/score/src/notation/metre.ts)', summary: summary(rows, mode), rows };
await fs.writeFile(path.join(import.meta.dirname, `results-${mode}.json`), `${JSON.stringify(result, null, 1)}\n`);
console.log(JSON.stringify(result.summary, null, 2));
