import { Command, CommanderError } from 'commander';
import { isInputError } from '@a2s/dataset';
import { registerDatasetCommands } from '@a2s/dataset/cli';
import { registerFeaturesCommands } from '@a2s/features/cli';
import { registerScoreCommands } from '@a2s/score/cli';
import { registerModelCommands } from '@a2s/model/cli';
import { registerEvalCommands } from '@a2s/eval/cli';
import { registerReportCommands } from '@a2s/report/cli';
import { attachArrangeEval } from './arrange-eval.ts';

/** Builds the `a2s` program with every package's sub-commands. */
export function buildProgram(): Command {
  const program = new Command('a2s')
    .description(
      'Audio-to-symbolic arrangement: turn the audio of a pop song into a piano accompaniment score.\n' +
        'Pipeline: data build → features build → train → predict → eval/ablate → report; arrange for one song.',
    )
    .showHelpAfterError()
    .exitOverride();
  registerDatasetCommands(program);
  registerFeaturesCommands(program);
  registerScoreCommands(program);
  registerModelCommands(program);
  registerEvalCommands(program);
  registerReportCommands(program);
  attachArrangeEval(program);
  return program;
}

/** Runs the CLI and returns the exit code. Input errors print their message alone, without a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (isInputError(err)) {
      process.stderr.write(`a2s: ${err.message}\n`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`a2s: ${message}\n`);
    if (process.env.A2S_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write('(set A2S_DEBUG=1 for the stack trace)\n');
    return 1;
  }
}
