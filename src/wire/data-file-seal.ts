/**
 * What tells a worker that a data file (runtime/process/data-files.ts) is the one its host wrote,
 * unchanged: its inode and its change time, read by the host once it has written it. Any write,
 * truncation or replacement since changes one of them (the change time cannot be set back), so a
 * worker checks a file for the price of one fstat, where hashing 16 MB would cost it ~20 ms.
 * The files are read-only besides. This guards against a job's accidents, not an adversary (a
 * job can do anything its user can), and a change within the clock tick of the host's write
 * (a few ms: the kernel stamps files with a coarse clock) would keep the seal.
 */
import type { BigIntStats } from 'node:fs';

export function sealOf(stats: BigIntStats): string {
  return `${stats.ino}:${stats.ctimeNs}`;
}
