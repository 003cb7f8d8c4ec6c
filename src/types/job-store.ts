/**
 * Where job records live beyond one runtime's memory: jids that keep increasing across the
 * clients sharing a store (processes on one machine, or machines on a network), and every job's
 * record, result and output, readable by any of them. Contracts only.
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
  /**
   * Every job's record, by index from `first`, when all of them are complete already (a short
   * map's jobs often end before their range is written): each is written as it is, in place of
   * a queued record and a later save. A jid already stored keeps its record, as with a range.
   */
  records?: readonly StoredJob[];
}

/** A job of a runtime that stopped before it finished, now owned by this one, to run again. */
export interface RecoveredJob {
  jid: number;
  payload: Uint8Array;
  info: JobInfo;
}

/**
 * Every method answers asynchronously, so that a store may live across a network (Redis next);
 * a store that is synchronous underneath (SQLite) answers on the next microtask. Failures reject
 * as CloudErrors: a store held by another client longer than the call may wait rejects with code
 * 'ERR_HOME_LOCKED' (see store-errors isBusy) and has changed nothing; the caller tries again.
 * The calls a runtime's timers make (`write`, `renewLease`, `takeKillRequests`) wait only briefly
 * for such a client; the others wait as long as a user's call may.
 */
export interface JobStore {
  /** True when opened only to read: every write rejects with a CloudError saying so. */
  readonly readOnly: boolean;
  /** Results larger than this many bytes (packed) are not kept: a save stores their size instead. */
  readonly maxResultBytes: number;
  /** How often an owner renews its lease (renewLease), in ms: several renewals fit in one lease. */
  readonly heartbeatMs: number;
  /** Reserves `count` new jids, unique across every client of this store; resolves with the first. */
  reserve(count: number): Promise<number>;
  /** Records new queued jobs of this runtime, and takes or renews its lease (whoever owns jobs holds one). */
  add(jobs: NewJobs): Promise<void>;
  /**
   * One atomic write, all or nothing: records new queued jobs (`adds`, first), then writes these
   * jobs' records as they are now (`saves`). Only this runtime's unfinished records change: a
   * complete record never changes, nor one another runtime has taken over; a missing one is
   * added. A timer's call: it waits only briefly for another client.
   */
  write(adds: readonly NewJobs[], saves: readonly StoredJob[]): Promise<void>;
  get(jid: number): Promise<StoredJob | undefined>;
  list(filter: JobFilter): Promise<JobInfo[]>;
  delete(jids: readonly number[]): Promise<void>;
  /** How many unfinished jobs there are, by status, type and cores, across every client. */
  unfinishedCounts(): Promise<UnfinishedCount[]>;
  /**
   * Asks the runtime that owns these jobs to kill them; it reads the request on its next look.
   * A job whose runtime is gone is marked killed at once.
   */
  requestKill(jids: readonly number[]): Promise<void>;
  /** This runtime's unfinished jobs that another client asked to kill; the requests are consumed. A timer's call. */
  takeKillRequests(): Promise<number[]>;
  /**
   * Ends the unfinished jobs of runtimes that are gone (their lease ran out), atomically, taking
   * each over once however many clients recover at the same moment: restartable ones whose
   * payload was kept, run at most `maxRestarts` times again, are returned (now owned by this
   * runtime) to run again; the others end 'error' with `reason`.
   */
  recover(reason: RemoteError, maxRestarts: number): Promise<RecoveredJob[]>;
  /** True when this job is unfinished and its runtime is gone: `recover` would take it. */
  isOrphaned(jid: number): Promise<boolean>;
  /** Renews this runtime's lease on its jobs; the first call takes it. A timer's call. */
  renewLease(): Promise<void>;
  /** Gives the lease up: this runtime owns no unfinished job any more. */
  releaseLease(): Promise<void>;
  /** Lets the store go (a connection, a file); nothing is called after. */
  close(): Promise<void>;
}

export interface UnfinishedCount {
  status: JobStatus;
  type: ResourceType;
  cores: number;
  count: number;
}

export const UNFINISHED: readonly JobStatus[] = ['queued', 'processing', 'waiting'];
