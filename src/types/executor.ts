/**
 * The one contract every executor implements (worker processes, worker threads, the simulator,
 * later the Redis backend). The scheduler hands out batches; the executor runs each batch's jobs
 * in order and reports each job once. It never decides what runs next.
 */
import type { ResourceType } from './job-options.js';
import type { Numbers, OutcomeReport, Packed, Primitive, RemoteError } from './job-outcome.js';
import type { ShippedFunction } from './shipped-function.js';
import type { WireFunction } from './wire-function.js';

/** Jobs of one function and one profile, to run in order on one worker. */
export interface BatchSpec {
  readonly fn: ShippedFunction;
  readonly type: ResourceType;
  readonly cores: number;
  readonly jids: readonly number[];
  /** The jobs' packed arguments, by index (see wire/batch-args.ts). */
  readonly args: BatchArgs;
  /** Variables `process.env` holds inside each of these jobs only (the jobs of a batch share them). */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /**
   * Where the batch's followers begin (runtime/followers.ts), if it has any: each job from this
   * index on depends on the job before it, and runs only if that one ended 'done'. One that does
   * not run is reported with `skippedOutcome` (its outcome says so; the runtime ignores it, since
   * the job never started there). Absent: every job runs.
   */
  readonly followersFrom?: number | undefined;
}

/** Argument lists of one length, all primitives, flattened (numbers only: a Float64Array); or each job's packed arguments. */
export type BatchArgs = { readonly arity: number; readonly flat: readonly Primitive[] | Float64Array } | { readonly each: readonly Packed[] };

/**
 * A batch as it crosses to a worker: its numbers in typed arrays, which clone as one block (but
 * a short batch's, wire/batch-args.ts TYPED_FROM), and
 * its function by reference to what the worker has (wire-function.ts).
 */
export interface WireBatch extends Omit<BatchSpec, 'jids' | 'fn'> {
  readonly fn: WireFunction;
  readonly jids: Numbers;
}

/** What a worker needs of a batch to run it: a WireBatch without the profile, which only the host uses. */
export type RunnableBatch = Pick<WireBatch, 'fn' | 'jids' | 'args' | 'env' | 'followersFrom'>;

export interface ExecutorEvents {
  /** Some jobs finished, with values or errors. Each job is reported at most once per dispatch. */
  finished(report: OutcomeReport): void;
  /**
   * Jobs that were dispatched but whose outcome is lost because their batch was cut short (a
   * neighbour was stopped or its worker died): they go back to the queue and run again. `alone`:
   * the worker died and the executor cannot tell which of them it was running, so each runs in
   * a batch of its own, where a job that kills its worker again is the one blamed.
   */
  returned(jids: readonly number[], alone?: boolean): void;
  /**
   * The worker running `jid` died. The job ends 'error' with `error`, or, when `retryable` (the
   * worker died, not the job's own memory limit) and the job is restartable, runs again.
   */
  crashed(jid: number, error: RemoteError, retryable: boolean): void;
}

/*
 * No `traits` (which executor can stop code that never yields, which measures memory): the
 * runtime must not branch on the kind of executor it drives, and nothing read them. What differs
 * is said where it is used: memory limits come with the runtime's settings (memoryLimitOf), and
 * `stop` means the same for every executor (the job is complete already when it is called; its
 * outcome is never reported). That the simulator cannot end an endless loop is its own doc's
 * business, not the runtime's.
 */

/**
 * The life of an executor: `start` once, then `run`/`stop` any number of times, then `close`
 * once. The runtime calls `start` before the first batch and runs none until it resolved.
 */
export interface Executor {
  /**
   * Gets ready to take batches: where a networked executor connects. A local one spawns nothing
   * yet (its workers start with the first batch of their profile). Rejects when the executor
   * cannot run anything now; the runtime keeps the jobs queued and calls `start` again later.
   */
  start(): Promise<void>;
  /**
   * Starts running a batch, in order. Never throws: failures arrive through the events. A worker
   * is free again by the time its batch's last report is told: a batch run then, or by a dispatch
   * queued earlier in that tick, takes it rather than a worker started beside it.
   */
  run(batch: BatchSpec): void;
  /**
   * Tells `visit` which dispatched jobs have started since the last call, and when (epoch ms).
   * The executor answers from what it knows now (what its workers write in shared memory, or
   * said in their last message), so that a job's start costs nothing on its way: the runtime
   * asks when it needs to know (a status is read). A job has started once its worker has taken
   * it up: it is loading the job's function (the user's modules run) or running it. A job whose
   * outcome was reported already need not be told; none is told twice in one dispatch.
   */
  startedJobs(visit: (jid: number, at: number) => void): void;
  /**
   * Stops a dispatched job now: its outcome is never reported. Jobs of its batch that had not
   * finished are reported through `returned`.
   */
  stop(jid: number): void;
  /**
   * Takes no more batches and ends the work in flight: running jobs are stopped (their code
   * ended where the executor can end it), none of them is reported, and no event at all is
   * reported once close was called. Resolves when every worker the executor started (process,
   * thread, connection) is gone: for processes, when their pids no longer exist.
   */
  close(): Promise<void>;
}
