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
  /** For a restartable job not complete yet: the v8-serialised { fn, args } to run it again. */
  payload: Uint8Array | undefined;
  /** Set when the result was too large to keep: its size in bytes (then `value` is undefined). */
  droppedBytes?: number;
}

/** A job of a runtime that stopped before it finished, to run again in this one. */
export interface RecoveredJob {
  jid: number;
  payload: Uint8Array;
  info: JobInfo;
}

export interface JobStore {
  /** Reserves `count` new jids, unique across every process using this store; returns the first. */
  reserve(count: number): number;
  /** Writes these jobs' records as they are now, in one transaction. */
  save(jobs: readonly StoredJob[]): void;
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
   * Ends the unfinished jobs of runtimes that are gone: restartable ones whose payload was kept
   * are returned (now owned by this runtime) to run again; the others end 'error' with `reason`.
   */
  recover(reason: RemoteError): RecoveredJob[];
  close(): void;
}

export const UNFINISHED: readonly JobStatus[] = ['queued', 'processing', 'waiting'];
