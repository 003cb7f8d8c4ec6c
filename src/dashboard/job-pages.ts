/**
 * The job list a page at a time: newest first, filtered by status, label and function, paged by
 * jid (`before`, the last jid of the page before), so a page never repeats or skips a job while
 * new ones arrive. The cloud filters status and label itself; the function is matched here, on
 * batches read down the jids, with a bound on how many one request reads.
 */
import { errors } from '../errors.js';
import type { JobInfo } from '../types/job-info.js';
import type { JobStatus } from '../types/job-status.js';
import type { DashboardCloud } from './dashboard-cloud.js';

export const DEFAULT_PAGE_SIZE = 50; // jobs
export const MAX_PAGE_SIZE = 500; // jobs
const SCAN_BATCH = 500; // jobs read at once when matching a function
const MAX_SCANNED = 20_000; // jobs one request reads at most: a rare function answers a short page, and pages on

/** The columns of the jobs table: the rest of a job is fetched when it is opened. */
export type JobSummary = Pick<JobInfo, 'jid' | 'status' | 'fn' | 'label' | 'type' | 'created' | 'started' | 'finished' | 'runtime'>;

export interface JobPage {
  jobs: JobSummary[];
  /** The `before` of the next page; null when no job is left. */
  next: number | null;
}

export async function jobPage(cloud: DashboardCloud, query: URLSearchParams): Promise<JobPage> {
  const size = pageSize(query.get('limit'));
  const fn = query.get('fn') || undefined;
  const filter = {
    status: (query.get('status') || undefined)?.split(',') as JobStatus[] | undefined,
    label: query.get('label') || undefined,
  };
  // One more than the page, to tell whether another page follows.
  const found: JobInfo[] = [];
  let before = query.has('before') ? Number(query.get('before')) : undefined;
  let scanned = 0;
  let exhausted = false;
  while (found.length <= size && scanned < MAX_SCANNED) {
    const limit = fn === undefined ? size + 1 - found.length : SCAN_BATCH;
    const batch = await cloud.list({ ...filter, limit, before });
    scanned += batch.length;
    found.push(...(fn === undefined ? batch : batch.filter((job) => job.fn === fn)));
    if (batch.length < limit) {
      exhausted = true;
      break;
    }
    before = batch.at(-1)!.jid;
  }
  const jobs = found.slice(0, size).map(summary);
  const next = found.length > size ? jobs.at(-1)!.jid : exhausted ? null : before!;
  return { jobs, next };
}

function pageSize(given: string | null): number {
  if (given === null) return DEFAULT_PAGE_SIZE;
  const size = Number(given);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw errors.badOption('limit', given, `an integer from 1 to ${MAX_PAGE_SIZE}`);
  return size;
}

function summary({ jid, status, fn, label, type, created, started, finished, runtime }: JobInfo): JobSummary {
  return { jid, status, fn, label, type, created, started, finished, runtime };
}
