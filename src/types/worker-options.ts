/** What `startWorker` (and `nimbus worker`) takes, and the worker it gives: a process's part of a cluster on Redis. */
import type { FilesConfig } from './file-store.js';
import type { Isolation, ResourceType } from './job-options.js';

export interface WorkerOptions {
  /** The Redis the clients use: 'redis://host:6379/0' or 'rediss://...'. */
  redis: string;
  /** The cluster's queue on that Redis; default 'nimbus' (as a Cloud's `queue`). */
  queue?: string;
  /** Cores to use; default os.availableParallelism(). */
  cores?: number;
  /** Capacity in compute units; default cores * 2.5. */
  computeUnits?: number;
  /** Where jobs run: a process per running job (default) or worker threads. */
  isolation?: Isolation;
  /** Per-type memory limits in MB (defaults c1 300, c2 800, f2 3840, m1 8192, s1 300), times `cores`. */
  memoryLimits?: Partial<Record<ResourceType, number>>;
  /** Runs of a restartable job whose worker died, beyond the first; default 3. */
  maxRestarts?: number;
  /**
   * The files the jobs' `cloud.files` sees: the same store as the clients' ({ dir } on a shared
   * folder, or { s3 }); default .nimbus/files in the working directory. Never 'memory'.
   */
  files?: FilesConfig;
}

/** A worker taking jobs from Redis. */
export interface NimbusWorker {
  /** Unique among the workers of the queue: `host:pid:random`. */
  readonly id: string;
  /** `host:pid`, what `info().worker` shows for the jobs it ran. */
  readonly name: string;
  /** The Redis it serves, as messages show it: scheme, host, port and db, never the password. */
  readonly redis: string;
  readonly queue: string;
  readonly cores: number;
  readonly computeUnits: number;
  /** Resolves once the worker has stopped (closed, or failed), with nothing of it left running. */
  readonly closed: Promise<void>;
  /**
   * Stops the worker. Default: it takes no more jobs, lets the running ones finish and writes
   * their outcomes, then leaves. `force`: it stops the running jobs now (restartable ones run again
   * on another worker, others end 'error', worker lost) and gives back the jobs it had not started.
   * A forced close while a graceful one is under way hurries it.
   */
  close(options?: { force?: boolean }): Promise<void>;
}
