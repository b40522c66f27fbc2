import type { Command } from 'commander';
import { createProgress, writeFileAtomic } from '@a2s/dataset';
import { parseInteger, parseSplit, SPLITS } from './eval.ts';

/** `a2s leakage`: how much of the target is literally in a dataset's audio (basic-pitch onset F1 vs the chord chart). */
export function registerLeakageCommand(program: Command): void {
  program
    .command('leakage')
    .description(
      'Leakage figure of a dataset: onset F1 of basic-pitch\'s transcription of the audio against the target accompaniment ' +
        '(PIANO + BRIDGE), next to the F1 of the ground-truth chords played as block chords, on a fixed sample of songs ' +
        '(the first N song ids of the split, or --songs). Writes leakage.json (shown by a2s report --leakage).',
    )
    .requiredOption('--manifest <file>', 'dataset manifest.json')
    .option('--split <split>', 'split', parseSplit, 'valid')
    .option('--songs <ids>', 'these song ids, comma separated (default: the first --limit-songs ids of the split)')
    .option('--limit-songs <n>', 'number of songs when --songs is not given', parseInteger, 6)
    .option('--segments-per-song <n>', 'score only N consecutive segments from the middle of each song (bounds basic-pitch\'s time; default: all)', parseInteger)
    .option('--out <file>', 'where to write the JSON result', 'leakage.json')
    .action(async (o: { manifest: string; split: (typeof SPLITS)[number]; songs?: string; limitSongs: number; segmentsPerSong?: number; out: string }) => {
      const { measureLeakage, leakageMarkdownRow } = await import('../leakage/leakage.ts');
      const progress = createProgress({ label: 'leakage', total: 0, unit: 'songs', plain: !process.stderr.isTTY });
      const started = performance.now();
      const result = await measureLeakage({
        manifestPath: o.manifest,
        split: o.split,
        ...(o.songs ? { songs: o.songs.split(',').map((s) => s.trim()).filter(Boolean) } : { limitSongs: o.limitSongs }),
        ...(o.segmentsPerSong !== undefined ? { segmentsPerSong: o.segmentsPerSong } : {}),
        onSong: (s, done, total) => {
          if (done === 1) progress.setTotal(total);
          progress.tick(1, `${s.song}: transcription ${s.transcription.f1.toFixed(3)}, chord chart ${s.chordChart.f1.toFixed(3)}`);
        },
      });
      progress.stop();
      await writeFileAtomic(o.out, `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(
        `| audio | songs (${result.split}) | basic-pitch onset F1 | chord chart onset F1 |\n| --- | --- | --- | --- |\n${leakageMarkdownRow(result)}\n` +
          `${((performance.now() - started) / 1000).toFixed(0)} s; written ${o.out}\n`,
      );
    });
}
