import type { Command } from 'commander';
import { registerAblateCommand } from './ablate.ts';
import { registerBaselineCommand } from './baseline.ts';
import { registerCompareCommand } from './compare.ts';
import { registerEvalCommand } from './eval.ts';

/** Registers this package's sub-commands on the `a2s` program: eval, compare, baseline, ablate. */
export function registerEvalCommands(program: Command): void {
  registerEvalCommand(program);
  registerCompareCommand(program);
  registerBaselineCommand(program);
  registerAblateCommand(program);
}
