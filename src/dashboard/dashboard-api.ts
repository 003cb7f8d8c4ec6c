/**
 * The dashboard's JSON API on the cloud's public methods. GET reads: a page of jobs (filtered),
 * one job in full, the task stream, the progress per map, the stored files, the load. POST kills
 * or deletes one job (job-actions.ts); nothing else changes anything.
 */
import { inspect } from 'node:util';
import type { JobInfo } from '../types/job-info.js';
import type { DashboardCloud } from './dashboard-cloud.js';
import { actionAt, runAction } from './job-actions.js';
import { jobPage } from './job-pages.js';
import { mapProgress } from './map-progress.js';
import { taskStream } from './task-stream.js';

/** A result shown on the page is cut to about this much: it is there to be glanced at. */
const RESULT_INSPECT = { depth: 6, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 };

/** A job opened: its record, and its value as Node shows it when it is done. */
export type JobDetail = JobInfo & { result: string | undefined };

const READS: Readonly<Record<string, (cloud: DashboardCloud, query: URLSearchParams) => Promise<unknown>>> = {
  '/api/jobs': jobPage,
  '/api/tasks': (cloud) => taskStream(cloud),
  '/api/progress': mapProgress,
  '/api/files': (cloud, query) => cloud.files.list(query.get('prefix') ?? undefined),
  '/api/load': (cloud) => cloud.load(),
};

/** The answer to `GET path?query`, or undefined when no route has that path (404). */
export async function answerRead(cloud: DashboardCloud, path: string, query: URLSearchParams): Promise<unknown> {
  const read = Object.hasOwn(READS, path) ? READS[path] : undefined;
  if (read) return read(cloud, query);
  const job = /^\/api\/jobs\/(\d+)$/.exec(path);
  if (job) return jobDetail(cloud, Number(job[1]));
  return undefined;
}

/** The answer to `POST path`, or undefined when no action has that path (404). */
export async function answerWrite(cloud: DashboardCloud, path: string): Promise<unknown> {
  const asked = actionAt(path);
  return asked && runAction(cloud, asked.action, asked.jid);
}

/** Whether a path is one that only POST may ask (a GET there gets 405). */
export function isWritePath(path: string): boolean {
  return actionAt(path) !== undefined;
}

async function jobDetail(cloud: DashboardCloud, jid: number): Promise<JobDetail> {
  const info = await cloud.info(jid);
  const result = info.status === 'done' ? inspect(await cloud.result(jid), RESULT_INSPECT) : undefined;
  return { ...info, result };
}
