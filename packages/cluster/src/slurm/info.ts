import type { SlurmOptions } from '../config.ts';
import { SlurmError } from './errors.ts';
import { runTool } from './run-tool.ts';

export interface ClusterInfo {
  /** Partition names; the default one is first. */
  readonly partitions: readonly string[];
  /** Node states by node name (idle, mix, alloc, down, …). */
  readonly nodes: ReadonlyMap<string, string>;
}

/**
 * Asks the cluster (`sinfo`) for its partitions and nodes. Throws a SlurmError saying that no cluster
 * answers when sinfo is missing or fails (daemons down, no slurm.conf), with sinfo's own message.
 */
export async function clusterInfo(slurm: SlurmOptions): Promise<ClusterInfo> {
  const r = await runTool(slurm.commands.sinfo, ['-h', '-N', '-o', '%N|%P|%t'], { what: 'asking the Slurm cluster for its nodes' });
  if (r.code !== 0) {
    throw new SlurmError(`no Slurm cluster answers (sinfo: ${r.stderr.trim() || `exit code ${r.code}`}); on a single machine start one with 'bash deploy/slurm/cluster.sh start' as root`);
  }
  const partitions: string[] = [];
  const nodes = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const [node, partition, state] = line.trim().split('|');
    if (!node || !partition || !state) continue;
    const isDefault = partition.endsWith('*');
    const name = partition.replace(/\*$/, '');
    if (!partitions.includes(name)) isDefault ? partitions.unshift(name) : partitions.push(name);
    nodes.set(node, state.replace(/[*~#!%$@^-]+$/, ''));
  }
  return { partitions, nodes };
}
