/**
 * Progress per map: how many of a group of jobs are done, failed, running and queued. Nothing the
 * cloud tells names the submit a job came from, so a group is the jobs of one label and one
 * function among the newest ones (a map and the calls of the same function under the same label
 * count together). It reads the cloud and changes nothing.
 */
import type { JobInfo } from '../types/job-info.js';
import type { DashboardCloud } from './dashboard-cloud.js';
import { RECENT_JOBS } from './task-stream.js';

/** The groups shown, newest first: more would not be read at a glance. */
export const MAX_GROUPS = 12;

export interface GroupProgress {
  label: string | undefined;
  fn: string;
  /** The group's smallest and largest jid. */
  first: number;
  last: number;
  total: number;
  done: number;
  /** `error`; `killed` and `stalled` are counted apart, as killed. */
  error: number;
  killed: number;
  /** `processing`. */
  running: number;
  /** `queued` and `waiting`. */
  queued: number;
}

const COUNTED_AS = {
  done: 'done',
  error: 'error',
  killed: 'killed',
  stalled: 'killed',
  processing: 'running',
  queued: 'queued',
  waiting: 'queued',
} as const satisfies Record<JobInfo['status'], keyof GroupProgress>;

export async function mapProgress(cloud: DashboardCloud): Promise<GroupProgress[]> {
  return groupProgress(await cloud.list({ limit: RECENT_JOBS }));
}

/** @param jobs newest first, as list() gives them: the groups come in the order of their newest job */
export function groupProgress(jobs: readonly JobInfo[]): GroupProgress[] {
  const groups = new Map<string, GroupProgress>();
  for (const job of jobs) {
    const key = JSON.stringify([job.label ?? null, job.fn]);
    let group = groups.get(key);
    if (!group) {
      if (groups.size === MAX_GROUPS) continue;
      group = { label: job.label, fn: job.fn, first: job.jid, last: job.jid, total: 0, done: 0, error: 0, killed: 0, running: 0, queued: 0 };
      groups.set(key, group);
    }
    group.first = Math.min(group.first, job.jid);
    group.last = Math.max(group.last, job.jid);
    group.total++;
    group[COUNTED_AS[job.status]]++;
  }
  return [...groups.values()];
}
