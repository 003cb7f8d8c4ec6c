/**
 * The task stream: the jobs that ran lately, one bar each, on rows that stand for worker slots.
 * On Redis a job names the worker that ran it, and each worker's jobs are packed into rows of its
 * own; elsewhere nothing says which slot ran a job, so the jobs are packed greedily into the
 * fewest rows (Dask's task stream does the same): a job takes the lowest row free at its start.
 * It reads the cloud and changes nothing.
 */
import type { JobInfo } from '../types/job-info.js';
import type { JobStatus } from '../types/job-status.js';
import type { DashboardCloud } from './dashboard-cloud.js';

/** The newest jobs read for the stream: enough for a few minutes of a busy map, little enough to read every second. */
export const RECENT_JOBS = 2000;
/** Jobs that finished longer ago than this are off the stream. */
export const TASK_WINDOW_MS = 5 * 60_000;
const STARTED: JobStatus[] = ['processing', 'done', 'error', 'killed'];

export interface TaskBar {
  jid: number;
  fn: string;
  label: string | undefined;
  status: JobStatus;
  /** Epoch milliseconds. */
  started: number;
  /** Undefined while it runs. */
  finished: number | undefined;
  /** Its row's name, one of the stream's rows. */
  row: string;
}

export interface TaskStream {
  /** The server's clock when it answered: where the bars of running jobs end. */
  now: number;
  /** Top to bottom. */
  rows: string[];
  bars: TaskBar[];
}

export async function taskStream(cloud: DashboardCloud, now = Date.now()): Promise<TaskStream> {
  const jobs = await cloud.list({ status: STARTED, limit: RECENT_JOBS });
  const recent = jobs.filter((job) => job.started !== undefined && (job.finished ?? now) >= now - TASK_WINDOW_MS);
  return { now, ...packRows(recent) };
}

/** Bars on rows, each worker's (or, without workers, all) jobs in the fewest rows that hold them. */
export function packRows(jobs: readonly JobInfo[]): Pick<TaskStream, 'rows' | 'bars'> {
  const byStart = [...jobs].sort((a, b) => a.started! - b.started! || a.jid - b.jid);
  // Per worker ('' where none is named): when each of its rows is free again (Infinity: still running).
  const freeAt = new Map<string, number[]>();
  const bars: TaskBar[] = [];
  for (const job of byStart) {
    const worker = job.worker ?? '';
    const rows = freeAt.get(worker) ?? [];
    freeAt.set(worker, rows);
    let row = rows.findIndex((free) => free <= job.started!);
    if (row === -1) row = rows.push(0) - 1;
    rows[row] = job.finished ?? Infinity;
    const { jid, fn, label, status, started, finished } = job;
    bars.push({ jid, fn, label, status, started: started!, finished, row: rowName(worker, row) });
  }
  const workers = [...freeAt.keys()].sort();
  return { rows: workers.flatMap((worker) => freeAt.get(worker)!.map((_, row) => rowName(worker, row))), bars };
}

function rowName(worker: string, row: number): string {
  return worker === '' ? `slot ${row + 1}` : `${worker} #${row + 1}`;
}
