import type { Command } from 'commander';
import { registerAblateCommand } from './ablate.ts';
import { registerBaselineCommand } from './baseline.ts';
import { registerCompareCommand } from './compare.ts';
import { registerEvalCommand } from './eval.ts';
import { registerEvalAudioCommand } from './eval-audio.ts';
import { registerLeakageCommand } from './leakage.ts';

/** Registers this package's sub-commands on the `a2s` program: eval, compare, baseline, ablate, leakage. */
export function registerEvalCommands(program: Command): void {
  registerEvalCommand(program);
  registerEvalAudioCommand(program);
  registerCompareCommand(program);
  registerBaselineCommand(program);
  registerAblateCommand(program);
  registerLeakageCommand(program);
}
export { formatSongMetrics } from './eval-audio.ts';
