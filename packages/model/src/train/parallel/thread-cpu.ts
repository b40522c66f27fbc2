import { readFileSync } from 'node:fs';

/**
 * CPU time (user + system, ms) of the calling thread, from Linux's /proc/thread-self/stat (10 ms ticks); null
 * elsewhere. Benchmarks use it to time work on a machine shared with other jobs, where wall time mostly
 * measures the other jobs.
 */
export function threadCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12]: utime, stime (fields 14 and 15 of stat(5), counted after the command name)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}
