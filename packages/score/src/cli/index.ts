import type { Command } from 'commander';
import { registerScoreCommand } from './score.ts';

/** Registers this package's sub-commands on the `a2s` program: score. */
export function registerScoreCommands(program: Command): void {
  registerScoreCommand(program);
}

export { describeScore, resolveKeyOption } from './score.ts';
