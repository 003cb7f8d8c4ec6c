/**
 * What a service wrapping a runtime (the durable service today) needs of the runtime it wraps,
 * beyond the requests every JobService answers: to hear which jobs changed, to read a job's
 * record whole, and to stand in for it before the jobs that start jobs. The host runtime
 * (runtime/runtime.ts) implements it; a wrapper depends on this contract only.
 */
import type { JobInfo } from './job-info.js';
import type { Packed } from './job-outcome.js';
import type { JobRequests, JobService, RuntimeLoad, Submission } from './job-service.js';
import type { UnfinishedCount } from './job-store.js';
import type { ShippedFunction } from './shipped-function.js';
import type { StatusFeedSource } from './status-change.js';

/** A job's record as the runtime holds it now. */
export interface JobRecord {
  info: JobInfo;
  /** The packed result of a 'done' job. */
  value: Packed;
  /** What runs it, while it may still run (released once it is complete). */
  inputs: { fn: ShippedFunction; args: Packed } | undefined;
  restartable: boolean;
}

export interface HostRuntime extends JobService {
  watchStatuses: StatusFeedSource['watchStatuses'];
  /**
   * As JobService's submit; `onAllocated` is told the jobs' first id before anything else hears
   * of them (a watcher's first change of these jobs comes after it).
   */
  submit(submission: Submission, onAllocated?: (first: number) => void): Promise<number>;
  /** Jobs accepted and not complete yet. */
  readonly unfinished: number;
  /**
   * Calls `listener` with each job whose record changed (accepted, dispatched, returned,
   * complete), synchronously, as it changes; one listener, the last one given.
   */
  watchChanges(listener: (jid: number) => void): void;
  /** Jobs that start jobs reach `service` (a wrapper of this runtime) instead of this runtime. */
  exposeToJobs(service: JobRequests): void;
  /** A job's record as it is now; a deleted job's has an undefined status. */
  recordOf(jid: number): JobRecord;
  /**
   * Resolves as `pending` does; meanwhile the running job `jid` gives its compute units back (it
   * waits on other jobs, which may run in its place). How a service that answers a job's waits
   * itself (on another machine's jobs) keeps parents from starving their children.
   */
  whileParked<T>(jid: number, pending: Promise<T>): Promise<T>;
  /** The load these unfinished jobs (of any runtime: a store's counts) make, against this runtime's compute units. */
  loadOf(counts: readonly UnfinishedCount[]): RuntimeLoad;
}
