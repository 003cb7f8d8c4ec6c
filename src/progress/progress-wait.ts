/**
 * The progress bar of `join` and `result` with `progress: true`: follows the jobs as they
 * complete and draws the bar, until all are complete or one fails (unless errors are ignored).
 * The wait that follows then answers at once.
 */
import type { WaitOptions } from '../types/job-options.js';
import type { JobStatus } from '../types/job-status.js';
import { ProgressBar, type ProgressCounts } from './progress-bar.js';

/**
 * @param waitAny the jobs of `remaining` complete once at least one is (or rejects: a timeout, an abort)
 * @param statusOf the statuses of these jobs
 */
export async function showProgress(
  jids: number[],
  checked: WaitOptions,
  waitAny: (remaining: number[], timeout: number | undefined) => Promise<number[]>,
  statusOf: (jids: number[]) => Promise<JobStatus[]>,
): Promise<void> {
  const bar = new ProgressBar(process.stderr);
  const counts: ProgressCounts = { total: jids.length, done: 0, error: 0, killed: 0, stalled: 0 };
  const deadline = checked.timeout === undefined ? undefined : Date.now() + checked.timeout;
  let remaining = jids;
  try {
    while (remaining.length > 0) {
      const timeout = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
      const complete = await waitAny(remaining, timeout);
      const statuses = await statusOf(complete);
      for (const status of statuses) counts[status as keyof Omit<ProgressCounts, 'total'>]++;
      bar.update(counts);
      if (!checked.ignoreErrors && statuses.some((status) => status !== 'done')) return;
      const done = new Set(complete);
      remaining = remaining.filter((jid) => !done.has(jid));
    }
  } finally {
    bar.finish();
  }
}
