import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_SOUNDFONT, readBeatAudio } from '@a2s/dataset';

/** Options of `a2s arrange` that the evaluation reads (set by the model package's command). */
interface ArrangeOpts {
  output?: string;
  beats?: string;
  eval?: string | boolean;
  emitJson?: string | boolean;
  quiet?: boolean;
}

/**
 * Adds `--eval [dir]` to `a2s arrange`: once the arrangement is written, it is judged against the input
 * recording with `a2s eval-audio`'s metrics (the eval package) and the values are printed; with a folder,
 * metrics.arrow and summary.json are written there too.
 *
 * The composition lives here because the model package (which owns `arrange`) must not import eval: the CLI
 * package sees both and chains them with a commander post-action hook, so `arrange` itself stays unchanged.
 */
export function attachArrangeEval(program: Command): void {
  const arrange = program.commands.find((c) => c.name() === 'arrange');
  if (!arrange) return;
  arrange
    .option('--eval [dir]', 'then judge the arrangement against the recording (a2s eval-audio metrics; FluidSynth renders it); a folder also gets metrics.arrow + summary.json')
    .hook('postAction', async (_program, action) => {
      const opts = action.opts<ArrangeOpts>();
      if (opts.eval === undefined || opts.eval === false) return;
      const audioPath = action.args[0];
      // Same default as the arrange command: <audio name>-piano.mid beside the audio.
      const midi = opts.output ?? path.join(path.dirname(audioPath), `${path.parse(audioPath).name}-piano.mid`);
      const { AUDIO_METRICS, evaluateAudioPairs, singlePair } = await import('@a2s/eval');
      const { formatSongMetrics } = await import('@a2s/eval/cli');
      const beatTimesSec = opts.beats ? (await readBeatAudio(opts.beats)).timesSec : undefined;
      if (!opts.quiet) process.stderr.write(`arrange: eval: ${midi} vs ${audioPath}\n`);
      const res = await evaluateAudioPairs({
        systems: [{ id: { system: 'a2s-arrange', variant: 'default', seed: null }, pairs: [await singlePair({ arrangement: midi, recording: audioPath, beatTimesSec })] }],
        render: { fluidsynth: 'fluidsynth', soundfont: DEFAULT_SOUNDFONT },
        outDir: typeof opts.eval === 'string' ? opts.eval : undefined,
      });
      const entry = res.summaryFile.inputs.systems[0].songs[0];
      const text = `eval-audio (${midi} vs ${audioPath}):\n${formatSongMetrics(entry.metrics, AUDIO_METRICS)}\n`;
      // Keep stdout clean when it carries the JSON of --emit-json.
      if (opts.emitJson === true) process.stderr.write(text);
      else process.stdout.write(text);
    });
}
