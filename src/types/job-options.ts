/** What a user can ask of a job (`cloud.with(...)`) and of a runtime (`new Cloud(...)`). */
import type { FilesConfig } from './file-store.js';
import type { Jid } from './jid.js';
import type { JobStatus } from './job-status.js';

export type ResourceType = 'c1' | 'c2' | 'f2' | 'm1' | 's1';

export const RESOURCE_TYPES: readonly ResourceType[] = ['c1', 'c2', 'f2', 'm1', 's1'];

/**
 * Where jobs run. 'process': a child process per running job, which holds every memory limit
 * (Buffers, ArrayBuffers, and allocations that make V8 abort its whole process) and survives
 * anything a job does. 'thread': worker threads, the lowest overhead, holding only the JS heap limit.
 */
export type Isolation = 'process' | 'thread';

export interface JobOptions {
  /** Resource profile; default 'c1'. */
  type?: ResourceType;
  /** Compute slots one job reserves; default 1. */
  cores?: number;
  /** The job waits until all of these are done. */
  dependsOn?: Jid | readonly Jid[];
  /** 'ignore': a failed dependency counts as finished and the job runs anyway. */
  dependsOnErrors?: 'abort' | 'ignore';
  /** Free text shown by `info`. */
  label?: string;
  /** Milliseconds; a job running longer is stopped and ends 'error'. */
  maxRuntime?: number;
  /** Lower runs first among queued jobs; default 5. */
  priority?: number;
  /** A job whose worker died is run again instead of failing. */
  restartable?: boolean;
  /** Runs again after its code threw, up to this many more times; default 0. */
  retries?: number;
  /** Milliseconds before each retry, or an exponential backoff; default 0. */
  retryDelay?: RetryDelay;
  /** Retry only errors of these names (or codes); default: every error the job's code throws. */
  retryOn?: readonly string[];
  /** Variables `process.env` holds inside this job only, over the worker's own. */
  env?: Readonly<Record<string, string>>;
}

/** How long a job waits before it runs again: a fixed delay, or `base * 2^(retry - 1)` up to `max` (ms). */
export type RetryDelay = number | { type: 'exponential'; base: number; max?: number };

export interface WaitOptions {
  /** Milliseconds; when it passes, the wait rejects with CloudTimeoutError (the jobs go on). */
  timeout?: number;
  /** A failed job does not reject the wait: its slot holds its CloudException instead. */
  ignoreErrors?: boolean;
  /** join and result draw a progress bar on stderr when it is a terminal. */
  progress?: boolean;
  /** When it aborts, the wait rejects with its reason (the jobs go on). */
  signal?: AbortSignal;
}

/** What `cloud.wait` takes: how many jobs must be complete, and for how long to wait at most. */
export interface ReadyOptions {
  /** Jobs that must be complete (done, error, killed or stalled); default: all. */
  count?: number;
  /** Milliseconds; when it passes, the wait resolves with what is complete by then. */
  timeout?: number;
  /** When it aborts, the wait rejects with its reason (the jobs go on). */
  signal?: AbortSignal;
}

/** What `cloud.kill` takes. */
export interface KillOptions {
  /** Also kill the unfinished jobs these jobs started, and the jobs those started (default true). */
  recursive?: boolean;
}

/** What `cloud.close` takes. */
export interface CloseOptions {
  /** Let the queued, waiting and running jobs finish first (default false: they are killed). */
  wait?: boolean;
}

/** Which jobs `cloud.list` returns, newest first. */
export interface ListFilter {
  status?: JobStatus | JobStatus[];
  label?: string;
  /** At most this many; default 100. */
  limit?: number;
  /** Only jobs with a smaller jid: give the last jid of a page to get the next one. */
  before?: number;
}

export interface CloudConfig {
  /** Run jobs in the calling thread, one at a time (NIMBUS_SIMULATOR=1). */
  simulator?: boolean;
  /** Cores to use; default os.availableParallelism() (NIMBUS_CORES). */
  cores?: number;
  /** Capacity in compute units; default cores * 2.5. */
  computeUnits?: number;
  /** Per-type memory limits in MB (defaults c1 300, c2 800, f2 3840, m1 8192, s1 300), times `cores`. */
  memoryLimits?: Partial<Record<ResourceType, number>>;
  /** Scraping (s1) jobs running at once; default: cores. */
  s1Concurrency?: number;
  /** Where jobs run; default 'process' (see Isolation). */
  isolation?: Isolation;
  /** Runs of a restartable job whose worker died, beyond the first; default 3. */
  maxRestarts?: number;
  /** The file store behind cloud.files: 'memory', { dir }, { s3: {...} } or a FileStore of your own. */
  files?: FilesConfig;
  /** Durable job store directory (NIMBUS_HOME): jobs outlive the process, and processes share them. */
  home?: string;
  /**
   * Open the home only to read its jobs: nothing is written (not even to recover a stopped
   * process's jobs), and starting, killing or deleting a job rejects. The `nimbus` command's
   * reading commands open a home so. Needs a `home` whose store exists.
   */
  readOnly?: boolean;
  /**
   * Run jobs on the workers of a Redis server, through BullMQ (`nimbus worker --redis URL`), instead
   * of on this machine (NIMBUS_REDIS): 'redis://host:6379/0' or 'rediss://...'. Jobs outlive this
   * process and any client of the same Redis and queue reads them. Not with `simulator`, `home`,
   * or files 'memory'.
   */
  redis?: string;
  /** With `redis`: the name of this cluster's queue, so several share one Redis; default 'nimbus' (NIMBUS_QUEUE). */
  queue?: string;
}
