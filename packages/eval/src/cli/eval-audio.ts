import type { Command } from 'commander';
import { createProgress, DEFAULT_SOUNDFONT, InputError, readBeatAudio, type Split } from '@a2s/dataset';
import { formatSummaryTable } from '../scoring/summarize.ts';
import { collect, parseInteger, parseSplit, SPLITS } from './eval.ts';

interface EvalAudioCliOptions {
  arrangement?: string;
  recording?: string;
  song?: string;
  beats?: string;
  pairs?: string;
  predictions?: string[];
  manifest?: string;
  split: (typeof SPLITS)[number];
  reference?: boolean;
  system?: string;
  variant: string;
  render: boolean;
  fluidsynth: string;
  soundfont: string;
  out?: string;
  seed: number;
  resamples: number;
  quiet?: boolean;
}

/** The scored values of one song as `metric  value` lines (for one arrangement against one recording). */
export function formatSongMetrics(metrics: Record<string, number>, infos: readonly { name: string; description: string }[]): string {
  const width = Math.max(...infos.map((i) => i.name.length));
  return infos
    .filter((i) => metrics[i.name] !== undefined)
    .map((i) => `${i.name.padEnd(width)}  ${metrics[i.name].toFixed(3).padStart(7)}  ${i.description}`)
    .join('\n');
}

/** `a2s eval-audio`: judges arrangements against their source recordings, without a ground-truth score. */
export function registerEvalAudioCommand(program: Command): void {
  program
    .command('eval-audio')
    .description(
      'Judge arrangements against their source recordings (no ground-truth score needed): harmony (beat chroma, chords), timing ' +
        '(onsets, beats, tempo), cover similarity (Qmax, WPD) and playing style (RGC, IPE, density, polyphony). Three ways in: ' +
        '--arrangement + --recording (one song), --pairs <dir> (<id>.mid + <id>.wav …), or --predictions + --manifest (a dataset split).',
    )
    .option('--arrangement <path>', 'arrangement: a MIDI file or a prediction folder (one song)')
    .option('--recording <audio>', 'its source recording (.wav, .mp3, .flac, .ogg)')
    .option('--song <id>', 'song id in the output (default: the recording’s file name); picks the song of a multi-song prediction folder')
    .option('--beats <file>', 'the recording’s beats in POP909 beat_audio.txt format (default: tracked from the audio)')
    .option('--pairs <dir>', 'folder of <id>.mid + <id>.{wav,mp3,flac,ogg} pairs')
    .option('--predictions <dir>', 'prediction folder scored against the dataset audio of --manifest (repeat for several systems)', collect)
    .option('--manifest <file>', 'dataset manifest.json (with --predictions or --reference)')
    .option('--split <split>', 'dataset split', parseSplit, 'test')
    .option('--reference', 'also score the ground-truth accompaniment of the split (system "gt")')
    .option('--system <name>', 'system name for --arrangement/--pairs (default: "arrangement")')
    .option('--variant <name>', 'variant name for --arrangement/--pairs', 'default')
    .option('--no-render', 'do not render the arrangement with FluidSynth (no chroma.render, beat.f, tempo.ratio; chords, Qmax and WPD from the notes)')
    .option('--fluidsynth <bin>', 'FluidSynth executable', 'fluidsynth')
    .option('--soundfont <sf2>', 'General MIDI soundfont', DEFAULT_SOUNDFONT)
    .option('--out <dir>', 'write metrics.arrow and summary.json here')
    .option('--seed <n>', 'bootstrap seed', parseInteger, 0)
    .option('--resamples <n>', 'bootstrap resamples', parseInteger, 1000)
    .option('-q, --quiet', 'no progress output')
    .action(async (o: EvalAudioCliOptions) => {
      const lib = await import('../audio-eval/index.ts');
      const modes = [o.arrangement !== undefined, o.pairs !== undefined, o.predictions !== undefined || o.reference === true].filter(Boolean).length;
      if (modes !== 1) {
        throw new InputError({ file: '<command line>', message: 'give exactly one of --arrangement (with --recording), --pairs, or --predictions/--reference (with --manifest)' });
      }
      const systems: { id: { system: string; variant: string; seed: number | null }; pairs: Awaited<ReturnType<typeof lib.folderPairs>> }[] = [];
      const own = { system: o.system ?? 'arrangement', variant: o.variant, seed: null };
      if (o.arrangement !== undefined) {
        if (!o.recording) throw new InputError({ file: '<command line>', message: '--arrangement needs --recording <audio>' });
        const beatTimesSec = o.beats ? (await readBeatAudio(o.beats)).timesSec : undefined;
        systems.push({ id: own, pairs: [await lib.singlePair({ arrangement: o.arrangement, recording: o.recording, song: o.song, beatTimesSec })] });
      } else if (o.pairs !== undefined) {
        systems.push({ id: own, pairs: await lib.folderPairs(o.pairs) });
      } else {
        if (!o.manifest) throw new InputError({ file: '<command line>', message: '--predictions/--reference need --manifest <file>' });
        const split = o.split as Split;
        if (o.reference) systems.push({ id: { system: 'gt', variant: 'default', seed: null }, pairs: await lib.referencePairs(o.manifest, split) });
        const { readPredictionFolder } = await import('../scoring/prediction-folder.ts');
        for (const dir of o.predictions ?? []) {
          const { meta } = await readPredictionFolder(dir);
          const id = { system: meta.system, variant: meta.variant, seed: meta.seed ?? null };
          if (systems.some((s) => s.id.system === id.system && s.id.variant === id.variant && s.id.seed === id.seed)) {
            throw new InputError({ file: dir, message: `same system/variant/seed (${id.system}/${id.variant}/${id.seed ?? '-'}) as another input` });
          }
          systems.push({ id, pairs: await lib.predictionPairs(dir, o.manifest, split) });
        }
      }
      const total = systems.reduce((s, x) => s + x.pairs.length, 0);
      const progress = createProgress({ label: 'eval-audio', total, unit: 'songs', plain: !process.stderr.isTTY, silent: o.quiet === true });
      const res = await lib.evaluateAudioPairs({
        systems,
        render: o.render ? { fluidsynth: o.fluidsynth, soundfont: o.soundfont } : null,
        seed: o.seed,
        resamples: o.resamples,
        outDir: o.out,
        onSong: (s) => progress.tick(1, `${s.system.system} ${s.song} (${s.seconds.toFixed(1)} s)`),
      });
      progress.stop();
      if (total === 1) {
        const entry = res.summaryFile.inputs.systems[0].songs[0];
        process.stdout.write(`${entry.song}: ${entry.arrangement} vs ${entry.recording}\n${formatSongMetrics(entry.metrics, lib.AUDIO_METRICS)}\n`);
      } else {
        process.stdout.write(`${formatSummaryTable(res.summary)}\n`);
      }
      if (!o.quiet) {
        process.stderr.write(
          `eval-audio: ${total} song(s), ${res.audioSec.toFixed(0)} s of audio in ${res.wallSec.toFixed(1)} s (${(res.wallSec / Math.max(1e-9, res.audioSec)).toFixed(3)} s per second of audio)` +
            `${o.out ? `; wrote ${o.out}/metrics.arrow and summary.json` : ''}\n`,
        );
      }
    });
}

