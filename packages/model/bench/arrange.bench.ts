/**
 * Benchmark of the analysis stage of `a2s arrange` on POP909 songs synthesised with FluidSynth:
 * beat F-measure (±70 ms) against beat_midi.txt, chord accuracy (root, majmin) against chord_midi.txt, and
 * analysis time. Held-out songs: ids ending in 0 (the analysis defaults were tuned on 001–009, 011–013).
 *
 *   npx tsx packages/model/bench/arrange.bench.ts [N=10] [--out data/bench/arrange-analysis.json] [--checkpoint <model dir>]
 *
 * --checkpoint: arrange with this exported model instead of the bundled default (e.g. an earlier default, to
 * time both on the same machine).
 *
 * Env: A2S_POP909 (default: the `shared/data/pop909` folder beside the repository).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chordsPerBeat, decodeAudioFile, listPop909Songs, readBeatMidi, readChordFile, writeFileAtomic } from '@a2s/dataset';
import { beatFMeasure, chordAccuracy, recognizeChords, trackBeats } from '@a2s/features';
import { BUNDLED_MODEL_DIR, resolveModel } from '../src/arrange/cli.ts';
import { arrangeAudio } from '../src/arrange/pipeline.ts';
import { loadTrainedArrangeModel } from '../src/arrange/trained-model.ts';

const run = promisify(execFile);
const SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';

interface SongResult {
  id: string;
  durationSec: number;
  refTempoBpm: number;
  estTempoBpm: number;
  beatsPerBar: number;
  beatF: number;
  downbeatF: number;
  chordRootOnRefBeats: number;
  chordMajminOnRefBeats: number;
  chordRootOnEstBeats: number;
  chordMajminOnEstBeats: number;
  beatSec: number;
  chordSec: number;
  /** Whole `arrangeAudio` with the bundled model: analysis, features, model over all windows, stitching. */
  arrangeSec: number;
  arrangedNotes: number;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 10);
  const outIdx = args.indexOf('--out');
  const outPath = outIdx >= 0 ? args[outIdx + 1] : undefined;
  const ckIdx = args.indexOf('--checkpoint');
  const checkpoint = ckIdx >= 0 ? args[ckIdx + 1] : undefined;
  if (ckIdx >= 0 && !checkpoint) throw new Error('--checkpoint needs a model folder');
  const root = process.env.A2S_POP909 ?? path.resolve(import.meta.dirname, '../../../../shared/data/pop909');
  const ids = (await listPop909Songs(root)).filter((id) => id.endsWith('0')).slice(0, n);
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-bench-'));
  const results: SongResult[] = [];
  const tLoad = performance.now();
  // what `a2s arrange song.wav` does: the bundled model with its recommended decoding
  const model = await resolveModel({ seed: 0, checkpoint }, loadTrainedArrangeModel);
  const modelLoadSec = (performance.now() - tLoad) / 1000;
  try {
    for (const id of ids) {
      const dir = path.join(root, id);
      const wav = path.join(tmp, `${id}.wav`);
      await run('fluidsynth', ['-ni', '-F', wav, '-r', '16000', '-g', '0.8', SOUNDFONT, path.join(dir, `${id}.mid`)]);
      const audio = await decodeAudioFile(wav);
      const grid = await readBeatMidi(path.join(dir, 'beat_midi.txt'), id);
      const spans = await readChordFile(path.join(dir, 'chord_midi.txt'), id);
      const t0 = performance.now();
      const est = trackBeats(audio.samples, audio.sampleRate);
      const t1 = performance.now();
      const onEst = recognizeChords(audio.samples, audio.sampleRate, est.beatTimesSec);
      const t2 = performance.now();
      const onRef = recognizeChords(audio.samples, audio.sampleRate, grid.timesSec);
      const t3 = performance.now();
      const arranged = await arrangeAudio({ audio, audioPath: wav, model });
      const arrangeSec = (performance.now() - t3) / 1000;
      const refOnRef = chordsPerBeat(spans, grid.timesSec);
      const refOnEst = chordsPerBeat(spans, est.beatTimesSec);
      const refDown = Array.from(grid.timesSec).filter((_, i) => grid.isDownbeat[i] === 1);
      const t = grid.timesSec;
      const r: SongResult = {
        id,
        durationSec: audio.durationSec,
        refTempoBpm: (60 * (t.length - 1)) / (t[t.length - 1] - t[0]),
        estTempoBpm: est.tempoBpm,
        beatsPerBar: est.beatsPerBar,
        beatF: beatFMeasure(est.beatTimesSec, grid.timesSec, 0.07),
        downbeatF: beatFMeasure(est.downbeatBeats.map((b) => est.beatTimesSec[b]), refDown, 0.07),
        chordRootOnRefBeats: chordAccuracy(onRef, refOnRef, 'root'),
        chordMajminOnRefBeats: chordAccuracy(onRef, refOnRef, 'majmin'),
        chordRootOnEstBeats: chordAccuracy(onEst, refOnEst, 'root'),
        chordMajminOnEstBeats: chordAccuracy(onEst, refOnEst, 'majmin'),
        beatSec: (t1 - t0) / 1000,
        chordSec: (t2 - t1) / 1000,
        arrangeSec,
        arrangedNotes: arranged.notes.length,
      };
      await fs.rm(wav);
      results.push(r);
      process.stderr.write(
        `${id}: ${r.durationSec.toFixed(0)} s, tempo ${r.estTempoBpm.toFixed(1)} (ref ${r.refTempoBpm.toFixed(1)}), beat F ${r.beatF.toFixed(3)}, downbeat F ${r.downbeatF.toFixed(3)}, ` +
          `chords root/majmin ${r.chordRootOnRefBeats.toFixed(3)}/${r.chordMajminOnRefBeats.toFixed(3)} (ref beats), ${r.chordRootOnEstBeats.toFixed(3)}/${r.chordMajminOnEstBeats.toFixed(3)} (tracked beats), ` +
          `analysis ${(r.beatSec + r.chordSec).toFixed(2)} s, whole arrangement ${r.arrangeSec.toFixed(2)} s (${r.arrangedNotes} notes)\n`,
      );
    }
  } finally {
    model.dispose?.();
    await fs.rm(tmp, { recursive: true, force: true });
  }
  const per4min = results.map((r) => ((r.beatSec + r.chordSec) * 240) / r.durationSec);
  const summary = {
    songs: results.length,
    ids,
    beatF: mean(results.map((r) => r.beatF)),
    downbeatF: mean(results.map((r) => r.downbeatF)),
    chordRootOnRefBeats: mean(results.map((r) => r.chordRootOnRefBeats)),
    chordMajminOnRefBeats: mean(results.map((r) => r.chordMajminOnRefBeats)),
    chordRootOnEstBeats: mean(results.map((r) => r.chordRootOnEstBeats)),
    chordMajminOnEstBeats: mean(results.map((r) => r.chordMajminOnEstBeats)),
    tempoWithin4Percent: results.filter((r) => Math.abs(r.estTempoBpm / r.refTempoBpm - 1) < 0.04).length,
    analysisSecPer4MinMedian: median(per4min),
    beatSecPer4MinMedian: median(results.map((r) => (r.beatSec * 240) / r.durationSec)),
    chordSecPer4MinMedian: median(results.map((r) => (r.chordSec * 240) / r.durationSec)),
    arrangeSecPer4MinMedian: median(results.map((r) => (r.arrangeSec * 240) / r.durationSec)),
    modelLoadSec,
    model: path.relative(process.cwd(), checkpoint ? path.resolve(checkpoint) : BUNDLED_MODEL_DIR),
    decoding: model.decoding ?? null,
    nodeVersion: process.version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg(),
  };
  const report = { summary, results };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (outPath) await writeFileAtomic(outPath, `${JSON.stringify(report, null, 2)}\n`);
}

await main();
