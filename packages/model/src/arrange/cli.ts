import { access } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { InputError, createProgress, decodeAudioFile, writeFileAtomic } from '@a2s/dataset';
import { LEVEL_NAMES, writeScore, type LevelName } from '@a2s/score';
import { describeScore, resolveKeyOption } from '@a2s/score/cli';
import { arrangeAudio, arrangementToJson, arrangementToMidi } from './pipeline.ts';
import { arrangementToScoreSource } from './score-output.ts';
import { loadTrainedArrangeModel } from './trained-model.ts';
import { CHORD_BASS_HELP, EOS_THRESHOLD_HELP, parseEosThreshold } from '../infer/decoding.ts';
import { parseChordBassRule } from '../infer/chord-bass.ts';
import type { ArrangeModel, ModelLoader, ModelSource } from './types.ts';

/** What the command needs from outside this folder (the model package wires the real loader in). */
export interface ArrangeCommandDeps {
  /** Loads the trained model. Default {@link loadTrainedArrangeModel}; tests inject a stand-in. */
  readonly loadModel?: ModelLoader;
  /** Model used when neither --run nor --checkpoint is given. Default {@link BUNDLED_MODEL_DIR}. */
  readonly defaultModelDir?: string;
}

/**
 * The default model shipped with the package: `a2s-band-wide-long` (3.2 M parameters), trained on band audio of all
 * 674 POP909 training songs, with its recommended decoding (see assets/a2s-band-wide-long/model-card.json and
 * experiments/corpus-wide, second part). It replaced `a2s-band` (assets/a2s-band, kept) on 2026-12-03.
 */
export const BUNDLED_MODEL_DIR = path.resolve(import.meta.dirname, '..', '..', 'assets', 'a2s-band-wide-long');

/** The earlier default (`small`, 39 songs of synthesized accompaniment), kept for the demo's comparison row and compatibility tests. */
export const SMALL_MODEL_DIR = path.resolve(import.meta.dirname, '..', '..', 'assets', 'a2s-small');

interface ArrangeCliOptions {
  output?: string;
  run?: string;
  checkpoint?: string;
  beats?: string;
  chords?: string;
  seed: number;
  temperature?: number;
  eosThreshold?: string;
  chordBass?: string;
  stage?: string;
  mode?: string;
  texture?: string;
  force?: boolean;
  velocity?: number;
  pedal: boolean;
  emitJson?: string | boolean;
  score?: string;
  pdf?: string;
  svg?: string;
  level: LevelName;
  key?: string;
  skipMusicCheck?: boolean;
  quiet?: boolean;
}

function parseNumber(kind: 'int' | 'float', min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n)) || n < min || n > max) {
      throw new InvalidArgumentError(`expected ${kind === 'int' ? 'an integer' : 'a number'} in [${min}, ${max}]`);
    }
    return n;
  };
}

async function mustExist(file: string, what: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new InputError({ file, message: `${what} not found` });
  }
}

/** Checks the model source named on the command line, then loads it. */
export async function resolveModel(source: ModelSource, loadModel: ModelLoader, defaultModelDir: string = BUNDLED_MODEL_DIR): Promise<ArrangeModel> {
  if (!source.run && !source.checkpoint) {
    try {
      await access(path.join(defaultModelDir, 'header.json'));
    } catch {
      throw new InputError({
        file: defaultModelDir,
        message: 'missing checkpoint: no bundled model here; pass --run <dir> (a training run folder) or --checkpoint <file>',
      });
    }
    return loadModel({ ...source, checkpoint: defaultModelDir });
  }
  if (source.run && source.checkpoint) {
    throw new InputError({ file: '(command line)', message: 'pass either --run or --checkpoint, not both' });
  }
  if (source.run) await mustExist(source.run, 'run folder');
  if (source.checkpoint) await mustExist(source.checkpoint, 'checkpoint');
  return loadModel(source);
}

/** Registers `a2s arrange`. */
export function registerArrangeCommand(program: Command, deps: ArrangeCommandDeps = {}): void {
  program
    .command('arrange')
    .description(
      'Arrange a recording for piano: beats, downbeats and chords from the audio (or from annotation files), ' +
        'then the trained model over 2-bar windows; writes a MIDI file whose tempo map follows the recording.',
    )
    .argument('<audio>', 'song audio (.wav, .mp3, .flac or .ogg; any sample rate, mono or stereo)')
    .option('-o, --output <file>', 'output MIDI file (default: <audio name>-piano.mid beside the audio)')
    .option('--run <dir>', 'training run folder (uses its latest checkpoint; default: the bundled model, assets/a2s-band-wide-long)')
    .option('--checkpoint <path>', 'checkpoint to load (a checkpoints/<stage>-<step> folder, or an `a2s export` folder)')
    .option('--beats <file>', 'beats in POP909 beat_audio.txt format (time<TAB>beat_in_bar) instead of beat tracking')
    .option('--chords <file>', 'chords in POP909 chord_audio.txt format (start<TAB>end<TAB>label) instead of recognition')
    .option('--stage <name>', 'with --run: the checkpoint of this training stage (e.g. dropscore or autoregressive)')
    .option('--mode <mode>', "independent (each window on its own) or autoregressive (each window sees the previous window's notes); default: the mode the model was trained for")
    .option('--texture <file>', "a reference piano score (MIDI): the arrangement takes its texture (rhythm, density, voicing) and keeps the audio's harmony; needs a model trained with a score input (autoregressive or pre-training stage)")
    .option('--force', 'decode in the asked mode even when the model was trained for another')
    .option('--seed <n>', 'seed of the model sampling (another seed: another variation)', parseNumber('int', 0, 2 ** 31 - 1), 0)
    .option('--temperature <t>', "sampling temperature (0 = greedy; higher: freer variations; default: the model's recommended decoding, for the bundled model greedy with an EOS threshold, else 1)", parseNumber('float', 0, 10))
    .option('--eos-threshold <first[,rest]>', EOS_THRESHOLD_HELP)
    .option('--chord-bass <rule>', `${CHORD_BASS_HELP}; without --chords the default is off (recognized chords carry no bass of their own, only the root)`)
    .option('--skip-music-check', 'arrange audio that the music check refuses (no tonal content: noise, percussion only; see the model README)')
    .option('--velocity <v>', 'fixed MIDI velocity for every note (default: the model’s)', parseNumber('int', 1, 127))
    .option('--no-pedal', 'do not write sustain pedal (CC64) per bar')
    .option('--emit-json [file]', 'also write beats, chords and notes as JSON (to stdout when no file is given)')
    .option('--score <file>', 'also write the score as MusicXML 4.0 (grand staff; see packages/score)')
    .option('--pdf <file>', 'also write the engraved score as PDF (Verovio)')
    .option('--svg <file>', 'also write the engraved score as SVG pages (song.svg → song-1.svg, …)')
    .option('--level <level>', `score difficulty: ${LEVEL_NAMES.join(' | ')}`, (v: string) => {
      if (!(LEVEL_NAMES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${LEVEL_NAMES.join(', ')}`);
      return v as LevelName;
    }, 'full')
    .option('--key <key>', 'key of the score: a label (Ab:maj) or a POP909 key_audio.txt file (default: found from the audio)')
    .option('-q, --quiet', 'no progress output')
    .action(async (audioPath: string, opts: ArrangeCliOptions) => {
      const log = (line: string): void => {
        if (!opts.quiet) process.stderr.write(`arrange: ${line}\n`);
      };
      const output = opts.output ?? path.join(path.dirname(audioPath), `${path.parse(audioPath).name}-piano.mid`);
      if (opts.texture) await mustExist(opts.texture, 'texture reference');
      if (opts.stage && !opts.run) throw new InputError({ file: '--stage', message: '--stage picks a checkpoint of a run folder: pass --run <dir> too' });
      if (opts.eosThreshold !== undefined) parseEosThreshold(opts.eosThreshold, opts.temperature ?? 0); // bad flags fail before the model loads
      parseChordBassRule(opts.chordBass);
      const model = await resolveModel(
        { run: opts.run, checkpoint: opts.checkpoint, seed: opts.seed, temperature: opts.temperature, eosThreshold: opts.eosThreshold, chordBass: opts.chordBass ?? (opts.chords ? undefined : 'off'), stage: opts.stage, mode: opts.mode, texture: opts.texture, force: opts.force },
        deps.loadModel ?? loadTrainedArrangeModel,
        deps.defaultModelDir,
      );
      for (const w of model.warnings ?? []) process.stderr.write(`arrange: warning: ${w}\n`);
      if (model.decoding) log(`note decoding: ${model.decoding}`);
      try {
        if (opts.beats) await mustExist(opts.beats, 'beat file');
        if (opts.chords) await mustExist(opts.chords, 'chord file');
        log(`decoding ${audioPath}`);
        const audio = await decodeAudioFile(audioPath);
        log(`${audio.durationSec.toFixed(1)} s at ${audio.sampleRate} Hz`);
        const progress = createProgress({
          label: 'arrange: windows',
          total: 1,
          unit: 'windows',
          plain: !process.stderr.isTTY,
          silent: opts.quiet === true,
        });
        let reported = 0;
        const arrangement = await arrangeAudio({
          audio,
          audioPath,
          model,
          beatsPath: opts.beats,
          chordsPath: opts.chords,
          skipMusicCheck: opts.skipMusicCheck === true,
          hooks: {
            onWarning: (message) => process.stderr.write(`arrange: warning: ${message}\n`),
            onStage: (stage, detail) => log(`${stage}: ${detail}`),
            onSegments: (done, total) => {
              progress.setTotal(total);
              progress.tick(done - reported);
              reported = done;
            },
          },
        });
        progress.stop();
        const a = arrangement.analysis;
        log(`${a.beatTimesSec.length} beats at ${a.tempoBpm.toFixed(1)} BPM, ${a.downbeatBeats.length} bars, ${arrangement.notes.length} notes`);
        log(`write: ${output}`);
        await writeFileAtomic(output, arrangementToMidi(arrangement, { fixedVelocity: opts.velocity, sustainPerBar: opts.pedal }));
        if (opts.emitJson !== undefined && opts.emitJson !== false) {
          const json = `${JSON.stringify(arrangementToJson(arrangement, { audio: audioPath, midi: output, sampleRate: audio.sampleRate, durationSec: audio.durationSec }), null, 1)}\n`;
          if (typeof opts.emitJson === 'string') await writeFileAtomic(opts.emitJson, json);
          else process.stdout.write(json);
        }
        if (opts.score || opts.pdf || opts.svg) {
          const key = opts.key ? await resolveKeyOption(opts.key) : undefined;
          const source = arrangementToScoreSource(arrangement, audio, { key, title: path.parse(audioPath).name });
          const r = await writeScore(source, { musicxml: opts.score, pdf: opts.pdf, svg: opts.svg }, { level: opts.level });
          for (const line of describeScore(r, opts.level)) log(`score: ${line}`);
          log(`write: ${r.files.join(', ')}`);
        }
      } finally {
        model.dispose?.();
      }
    });
}
