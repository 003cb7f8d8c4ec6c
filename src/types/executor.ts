/**
 * The one contract every executor implements (worker processes, worker threads, the simulator,
 * later the Redis backend). The scheduler hands out batches; the executor runs each batch's jobs
 * in order and reports each job once. It never decides what runs next.
 */
import type { ResourceType } from './job-options.js';
import type { OutcomeReport, Packed, Primitive, RemoteError } from './job-outcome.js';
import type { ShippedFunction } from './shipped-function.js';

/** Jobs of one function and one profile, to run in order on one worker. */
export interface BatchSpec {
  readonly fn: ShippedFunction;
  readonly type: ResourceType;
  readonly cores: number;
  readonly jids: readonly number[];
  /** The jobs' packed arguments, by index (see runtime/batch-args.ts). */
  readonly args: BatchArgs;
}

/** Argument lists of one length, all primitives, flattened (numbers only: a Float64Array); or each job's packed arguments. */
export type BatchArgs =
  | { readonly arity: number; readonly flat: readonly Primitive[] | Float64Array }
  | { readonly each: readonly Packed[] };

/** A batch as it crosses to a worker: its numbers in typed arrays, which clone as one block. */
export interface WireBatch extends Omit<BatchSpec, 'jids'> {
  readonly jids: Float64Array;
}

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

export interface ExecutorTraits {
  /** Can `stop` end a job whose code never yields (an endless loop)? */
  readonly stopsRunningCode: boolean;
  /** Are memory limits enforced and peaks measured? */
  readonly measuresMemory: boolean;
}

export interface Executor {
  readonly traits: ExecutorTraits;
  /** Start running a batch, in order. Never throws: failures arrive through the events. */
  run(batch: BatchSpec): void;
  /**
   * Stop a dispatched job now: its outcome is never reported. Jobs of its batch that had not
   * finished are reported through `returned`.
   */
  stop(jid: number): void;
  /** Stop everything; no event is reported afterwards. */
  close(): Promise<void>;
}
