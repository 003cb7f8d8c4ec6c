/**
 * The dashboard's JSON API, read-only, on the cloud's public methods: the jobs (filtered), one
 * job in full, the stored files, the load. It changes nothing, so a page that can read it can do
 * no harm with it.
 */
import { inspect } from 'node:util';
import type { JobInfo } from '../types/job-info.js';
import type { JobStatus } from '../types/job-status.js';
import type { DashboardCloud } from './dashboard-cloud.js';

/** A result shown on the page is cut to about this much: it is there to be glanced at. */
const RESULT_INSPECT = { depth: 6, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 };

/** The columns of the jobs table: the rest of a job is fetched when it is opened. */
export type JobSummary = Pick<JobInfo, 'jid' | 'status' | 'fn' | 'label' | 'type' | 'created' | 'runtime'>;

/** A job opened: its record, and its value as Node shows it when it is done. */
export type JobDetail = JobInfo & { result: string | undefined };

/** The answer to `GET path?query`, or undefined when no route has that path (404). */
export async function answerApi(cloud: DashboardCloud, path: string, query: URLSearchParams): Promise<unknown> {
  if (path === '/api/jobs') return listJobs(cloud, query);
  if (path === '/api/files') return cloud.files.list(query.get('prefix') ?? undefined);
  if (path === '/api/load') return cloud.load();
  const job = /^\/api\/jobs\/(\d+)$/.exec(path);
  if (job) return jobDetail(cloud, Number(job[1]));
  return undefined;
}

async function listJobs(cloud: DashboardCloud, query: URLSearchParams): Promise<JobSummary[]> {
  const status = query.get('status') || undefined;
  const label = query.get('label') || undefined;
  const limit = query.has('limit') ? Number(query.get('limit')) : undefined;
  const jobs = await cloud.list({ status: status?.split(',') as JobStatus[] | undefined, label, limit });
  return jobs.map(({ jid, status, fn, label, type, created, runtime }) => ({ jid, status, fn, label, type, created, runtime }));
}

async function jobDetail(cloud: DashboardCloud, jid: number): Promise<JobDetail> {
  const info = await cloud.info(jid);
  const result = info.status === 'done' ? inspect(await cloud.result(jid), RESULT_INSPECT) : undefined;
  return { ...info, result };
}
