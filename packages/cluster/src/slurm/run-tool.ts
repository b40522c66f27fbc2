import { spawn } from 'node:child_process';
import { SlurmError } from './errors.ts';

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a Slurm client program and collects its output. A missing program is a SlurmError saying so (what
 * the user needs to know on a machine without Slurm); a non-zero exit is returned, not thrown.
 */
export function runTool(command: string, args: readonly string[], opts: { cwd?: string; what: string }): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(new SlurmError(`${opts.what}: '${command}' not found; is Slurm installed and on PATH? (use --executor local to run here)`, { cause: err }));
      } else reject(new SlurmError(`${opts.what}: cannot run '${command}': ${err.message}`, { cause: err }));
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
