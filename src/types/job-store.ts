/**
 * Where job records live beyond one runtime's memory: jids that keep increasing across the
 * processes sharing a store, and every job's record, result and output, readable by any of them.
 * Contracts only.
 */
import type { JobInfo } from './job-info.js';
import type { Packed, RemoteError } from './job-outcome.js';
import type { JobFilter } from './job-service.js';
import type { JobStatus } from './job-status.js';
import type { ResourceType } from './job-options.js';

/** A job's record as stored: what `info` tells, its result, and how to run it again. */
export interface StoredJob {
  info: JobInfo;
  /** The packed result of a 'done' job. */
  value: Packed;
  /**
   * For a restartable job not complete yet: the v8-serialised { fn, args } to run it again.
   * Undefined in a save keeps what the store holds, until the job is complete (then it goes).
   */
  payload: Uint8Array | undefined;
  /** Set when the result was too large to keep: its size in bytes (then `value` is undefined). */
  droppedBytes?: number;
}

/** Jobs just accepted, queued, all alike but their jids: one `call`, or (a slice of) one `map`. */
export interface NewJobs {
  first: number;
  count: number;
  /** The first job's record; the others differ only by jid. */
  info: JobInfo;
  /** Restartable jobs: each one's payload (see StoredJob), by index from `first`. */
  payloads?: readonly Uint8Array[];
}

/** A job of a runtime that stopped before it finished, now owned by this one, to run again. */
export interface RecoveredJob {
  jid: number;
  payload: Uint8Array;
  info: JobInfo;
}

export interface JobStore {
  /** True when opened only to read: every write throws a CloudError saying so. */
  readonly readOnly: boolean;
  /** Reserves `count` new jids, unique across every process using this store; returns the first. */
  reserve(count: number): number;
  /** Records new queued jobs of this runtime. */
  add(jobs: NewJobs): void;
  /**
   * Writes these jobs' records as they are now. Only this runtime's unfinished records change:
   * a complete record never changes, nor one another runtime has taken over; a missing one is added.
   */
  save(jobs: readonly StoredJob[]): void;
  /**
   * Runs `write` (adds and saves) as one transaction, waiting only briefly for another process's
   * lock: a lock held longer throws (see store-errors isBusy) and nothing is written.
   */
  batch(write: () => void): void;
  /** Runs `work` waiting only briefly for other processes' locks: for timers, which must not block. */
  quickly<T>(work: () => T): T;
  get(jid: number): StoredJob | undefined;
  list(filter: JobFilter): JobInfo[];
  delete(jids: readonly number[]): void;
  /** How many unfinished jobs there are, by status, type and cores, across every process. */
  unfinishedCounts(): { status: JobStatus; type: ResourceType; cores: number; count: number }[];
  /**
   * Asks the runtime that owns these jobs to kill them; it reads the request on its next look.
   * A job whose runtime is gone is marked killed at once.
   */
  requestKill(jids: readonly number[]): void;
  /** This runtime's unfinished jobs that another process asked to kill; the requests are consumed. */
  takeKillRequests(): number[];
  /**
   * Ends the unfinished jobs of runtimes that are gone (their lease ran out), in one transaction
   * that takes each over once, however many processes recover at the same moment: restartable
   * ones whose payload was kept, run at most `maxRestarts` times again, are returned (now owned by
   * this runtime) to run again; the others end 'error' with `reason`.
   */
  recover(reason: RemoteError, maxRestarts: number): RecoveredJob[];
  /** True when this job is unfinished and its runtime is gone: `recover` would take it. */
  isOrphaned(jid: number): boolean;
  /** Renews this runtime's lease on its jobs; the first call takes it. */
  renewLease(): void;
  /** Gives the lease up: this runtime owns no unfinished job any more. */
  releaseLease(): void;
  close(): void;
}

export const UNFINISHED: readonly JobStatus[] = ['queued', 'processing', 'waiting'];
