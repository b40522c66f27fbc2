/**
 * A Slurm command failed or Slurm is not usable (sbatch missing, unknown partition, rejected submission).
 * The message names what was being submitted (cells, songs, the training run) and the job id when there is one.
 */
export class SlurmError extends Error {
  readonly jobId: string | undefined;
  constructor(message: string, opts: { jobId?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'SlurmError';
    this.jobId = opts.jobId;
  }
}

export function isSlurmError(err: unknown): err is SlurmError {
  return err instanceof SlurmError;
}
