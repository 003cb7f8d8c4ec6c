/**
 * What the `Cloud` facade asks of a runtime. The main thread's runtime implements it directly; a
 * job's own `cloud` reaches the same runtime through a MessagePort. Everything that crosses it
 * is plain data, so it can cross a thread (and, later, a network).
 */
import type { JobInfo } from './job-info.js';
import type { ResourceType, RetryDelay } from './job-options.js';
import type { Packed, Primitive, RemoteError } from './job-outcome.js';
import type { JobStatus } from './job-status.js';
import type { StreamChunk } from './job-stream.js';
import type { ShippedFunction } from './shipped-function.js';
import type { StatusFeedSource } from './status-change.js';

/** Job options after validation, with every default filled in. */
export interface ResolvedJobOptions {
  type: ResourceType;
  cores: number;
  priority: number;
  label: string | undefined;
  dependsOn: number[];
  dependsOnErrors: 'abort' | 'ignore';
  maxRuntime: number | undefined;
  restartable: boolean;
  /** When the job runs again after an error; absent when it never does (retries 0). */
  retry?: RetryPolicy | undefined;
  /** Variables `process.env` holds inside the job only; absent when none. */
  env?: Readonly<Record<string, string>> | undefined;
}

/** The retry options of a job, checked: shared by the jobs of one submission. */
export interface RetryPolicy {
  /** Runs after an error, beyond the first run; at least 1. */
  readonly retries: number;
  readonly delay: RetryDelay;
  /** Names or codes of the errors retried; undefined: every error the job's code threw. */
  readonly on: readonly string[] | undefined;
}

/**
 * The arguments of a map over one iterable whose items are all primitives: job i's one argument
 * is `items[i]`. A million jobs then cost one column, not a list per job kept until it completes.
 */
export interface OneArgumentEach {
  readonly items: readonly Primitive[];
}

export interface Submission {
  fn: ShippedFunction;
  /** One packed argument list per job, or one argument per item (`{ items }`). */
  argsList: readonly Packed[] | OneArgumentEach;
  options: ResolvedJobOptions;
  /** The job that submits these, when a job starts jobs: its children run before its siblings. */
  parent?: number | undefined;
}

export interface WaitRequest {
  jids: number[];
  timeout: number | undefined;
  ignoreErrors: boolean;
  /** Return the values (result) or only wait (join). */
  values: boolean;
  /** Return as soon as at least one job is complete, with every one that is (iresultUnordered). */
  any: boolean;
  /**
   * With `any`, for iresult: return once the first of `jids` is complete, with the jobs complete
   * from the first on, in order, up to the first that is not. The service watches only that one
   * job, so a wait costs the same over a window of ten jobs or of thousands. A service may answer
   * as plain `any` does instead (Redis does): the caller takes both.
   */
  inOrder?: boolean | undefined;
  /** The job that waits, when a job waits on others: it gives up its slot meanwhile. */
  caller: number | undefined;
}

/** Why a job is not 'done'. */
export interface JobFailure {
  jid: number;
  status: 'error' | 'killed' | 'stalled';
  error: RemoteError | undefined;
}

export type JobResult = { ok: true; value: Packed } | { ok: false; failure: JobFailure };

/**
 * The results of a complete verdict's jobs, as columns: no object per job. `values[i]` is the
 * value of the verdict's `jids[i]`; `failures` holds, by that same index, why a job is not
 * 'done' (absent when every job is; a failed job's slot in `values` is undefined). Both are the
 * caller's own, to keep or change.
 */
export interface VerdictResults {
  values: Packed[];
  failures: Map<number, JobFailure> | undefined;
}

export type WaitVerdict =
  /** `jids` are the jobs the verdict covers: all asked, or for `any` those complete now (`inOrder`: the complete run from the first). */
  | { kind: 'complete'; jids: number[]; results: VerdictResults | undefined }
  | { kind: 'failed'; failure: JobFailure }
  | { kind: 'timeout'; after: number }
  /** The runtime closed before the wait was over. */
  | { kind: 'closed' }
  /** The wait's signal aborted: the wait left its jobs, which go on. */
  | { kind: 'aborted' };

/** Which jobs `list` returns: newest first. */
export interface JobFilter {
  status: JobStatus[] | undefined;
  label: string | undefined;
  limit: number;
  /** Only jobs with a smaller jid: the cursor that pages through the jobs (the last jid of the page before). */
  before?: number | undefined;
}

/** What a runtime is doing now. */
export interface RuntimeLoad {
  /** Compute units of the jobs processing now (a parent waiting on its children counts), and of the machine. */
  computeUnits: { used: number; total: number; byType: Partial<Record<ResourceType, number>> };
  /** Jobs running (processing) per type. */
  running: Partial<Record<ResourceType, number>>;
  queued: number;
  waiting: number;
  /** Where jobs run on several machines (Redis): the live workers, as each last said. */
  workers?: WorkerLoad[];
}

/** One live worker of a cluster, as `load()` and the dashboard list it. */
export interface WorkerLoad {
  /** `host:pid`, as `info().worker` names it. */
  name: string;
  cores: number;
  computeUnits: number;
  /** Compute units its jobs hold, at its last heartbeat. */
  used: number;
  /** Epoch ms of its last heartbeat. */
  beat: number;
}

/**
 * The requests a caller makes of a runtime: what the Cloud facade asks, and what a job's own
 * `cloud` asks over its worker's channel (JOB_SERVICE_METHODS cross it). No `close` among them:
 * a job can never close the runtime it runs in.
 */
export interface JobRequests {
  /** Accepts the jobs and returns the first jid; the others follow it one by one. */
  submit(submission: Submission): Promise<number>;
  status(jids: number[]): Promise<JobStatus[]>;
  /**
   * @param signal from a caller in the service's own thread only (a signal cannot cross a
   *   channel): when it aborts, the wait leaves its jobs (holding nothing more) and answers 'aborted'
   */
  wait(request: WaitRequest, signal?: AbortSignal): Promise<WaitVerdict>;
  /**
   * Kills these jobs, or every unfinished one when `jids` is undefined. `recursive` (default
   * true): also the unfinished jobs these started, transitively, where the service knows them.
   */
  kill(jids: number[] | undefined, recursive?: boolean): Promise<void>;
  delete(jids: number[]): Promise<void>;
  info(jids: number[]): Promise<JobInfo[]>;
  list(filter: JobFilter): Promise<JobInfo[]>;
  load(): Promise<RuntimeLoad>;
  /**
   * From a running job: its generator yielded these values (an empty list when it starts, which
   * marks it a generator). Services that stream no values (Redis) leave it out.
   */
  yielded?(jid: number, values: Packed[]): Promise<void>;
  /**
   * The values job `jid` yielded from index `from` on: resolves once there is one, or the job is
   * complete. `caller`: the job that reads, which gives up its slot meanwhile (as in a wait).
   */
  stream?(jid: number, from: number, caller?: number): Promise<StreamChunk>;
}

/** A service as its owner holds it: the requests, and the end of it. */
export interface JobService extends JobRequests {
  /**
   * Kills this service's unfinished jobs, ends every wait with 'closed', stops its workers and
   * resolves when they are gone (and, when durable, when its records are written). Resolves false
   * when there was nothing to close (never started, or closed already). Records stay readable;
   * the next request starts it again.
   */
  close(): Promise<boolean>;
  /** Where it can tell every status change of its jobs (the local runtime, a home's): `cloud.events()`. */
  watchStatuses?: StatusFeedSource['watchStatuses'];
}

export const JOB_SERVICE_METHODS = [
  'submit',
  'status',
  'wait',
  'kill',
  'delete',
  'info',
  'list',
  'load',
  'yielded',
  'stream',
] as const satisfies readonly (keyof JobRequests)[];
