/**
 * Which job the running code belongs to, in whatever thread runs it. AsyncLocalStorage follows
 * the job through its awaits, so jobs that interleave (in the simulator, or a parent waiting on
 * children) are told apart: their output goes to the right job, and a job that waits on others
 * is the one that gives up its slot.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { JobOutput } from './output-capture.js';

export interface JobContext {
  readonly jid: number;
  readonly output: JobOutput;
  /** The job's own `process.env` (job-env.ts), when it was given an env. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

const current = new AsyncLocalStorage<JobContext>();

export function runInJob<T>(context: JobContext, body: () => T): T {
  return current.run(context, body);
}

/** The job whose code is running now, or undefined outside any job. */
export function currentJob(): JobContext | undefined {
  return current.getStore();
}
