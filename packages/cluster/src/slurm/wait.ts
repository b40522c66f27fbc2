import { setTimeout as sleep } from 'node:timers/promises';
import type { SlurmOptions } from '../config.ts';
import { jobStates, type JobState } from './state.ts';

export interface WaitOptions {
  readonly slurm: SlurmOptions;
  /** Seconds between polls. Default 10. */
  readonly pollSeconds?: number;
  /** Called after every poll, e.g. to update a progress bar; returning true stops waiting. */
  readonly onPoll?: (states: ReadonlyMap<string, JobState>) => boolean | void | Promise<boolean | void>;
  readonly signal?: AbortSignal;
}

/**
 * Polls until no task of the given jobs is queued or running (or `onPoll` returns true, or `signal`
 * aborts); returns the last states. Waiting never cancels anything: the jobs belong to the cluster.
 */
export async function waitForJobs(jobIds: readonly string[], o: WaitOptions): Promise<Map<string, JobState>> {
  for (;;) {
    const states = await jobStates(jobIds, o.slurm);
    const stop = await o.onPoll?.(states);
    if (stop || ![...states.values()].some((s) => s.active) || o.signal?.aborted) return states;
    await sleep((o.pollSeconds ?? 10) * 1000, undefined, { signal: o.signal }).catch(() => undefined);
  }
}
