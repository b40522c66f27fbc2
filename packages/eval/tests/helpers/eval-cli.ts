import { Command } from 'commander';
import { vi } from 'vitest';
import { registerEvalCommands } from '../../src/cli/index.ts';

/**
 * Runs `a2s <args>` with the eval commands in this process (commander's exitOverride, so a bad option
 * throws instead of exiting) and returns what it wrote to stdout; stderr (progress) is swallowed.
 */
export async function a2s(...args: string[]): Promise<string> {
  const program = new Command('a2s').exitOverride();
  registerEvalCommands(program);
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'a2s', ...args]);
  } finally {
    write.mockRestore();
    err.mockRestore();
  }
  return out;
}
