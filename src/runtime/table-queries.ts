/**
 * Questions asked of the whole job table: which jobs are unfinished, which match a list filter,
 * what the unfinished ones hold. Each is a scan from the newest or the oldest jid; the runtime
 * learns which jobs started before asking, so that statuses read true.
 */
import type { JobInfo } from '../types/job-info.js';
import type { JobFilter, RuntimeLoad } from '../types/job-service.js';
import { Code, isCompleteCode, type JobTable } from './job-table.js';
import { LoadTally } from './load-tally.js';

/** Every job not complete yet, oldest first. */
export function* unfinishedJids(table: JobTable): Iterable<number> {
  for (let jid = 1; jid <= table.lastJid; jid++) {
    const code = table.status[jid]!;
    if (code !== Code.None && !isCompleteCode(code)) yield jid;
  }
}

/** The jobs the filter matches, newest first, below `before` when given, at most `limit`. */
export function listJobs(table: JobTable, filter: JobFilter, infoOf: (jid: number) => JobInfo): JobInfo[] {
  const wanted = filter.status;
  const found: JobInfo[] = [];
  const newest = filter.before === undefined ? table.lastJid : Math.min(table.lastJid, filter.before - 1);
  for (let jid = newest; jid > 0 && found.length < filter.limit; jid--) {
    if (table.status[jid] === Code.None || (wanted && !wanted.includes(table.statusOf(jid)))) continue;
    if (filter.label !== undefined && table.label[jid] !== filter.label) continue;
    found.push(infoOf(jid));
  }
  return found;
}

/** What the unfinished jobs hold and how many wait, on a machine of `computeUnits`. */
export function loadOfTable(table: JobTable, computeUnits: number): RuntimeLoad {
  const tally = new LoadTally(computeUnits);
  for (const jid of unfinishedJids(table)) tally.add(table.statusOf(jid), table.typeOf(jid), table.cores[jid]!);
  return tally.load;
}
