/**
 * What the pool executor and its worker threads say to each other. Shapes only. The host posts a
 * thread one BatchTuple at a time (process-tuples.ts; the thread runs one batch at a time); the
 * thread answers with an OutcomesTuple under THREAD_OUTCOMES (or a BatchFailed), and, on the way,
 * the announcements and fetches below. Every report a thread sends is an OutcomesTuple, under one
 * of the two tokens: a report crosses the thread boundary one way only.
 */
import type { MessagePort } from 'node:worker_threads';
import type { WireFunction } from '../types/wire-function.js';

/** In every nimbus worker's workerData: how a thread knows it is one. */
export interface NimbusWorkerData {
  nimbusWorker: true;
  /**
   * One Int32 per batch slot: the worker stores there 1 + the index, in its batch, of the job it
   * is running, so the executor knows whom a crash or a stop concerns without asking.
   */
  progress: SharedArrayBuffer;
  /**
   * Two Float64s per batch slot: when the batch's first job started and when the job it is on
   * started (epoch ms), written before `progress` moves, so that the executor tells a job's start
   * (Executor.startedJobs) by reading, with no message per job.
   */
  starts: SharedArrayBuffer;
  /** This thread's slot in `progress` and `starts`: it holds it for its life, one batch at a time. */
  slot: number;
  /**
   * One Int32 of this thread's own: how many of its early reports (THREAD_OUTCOMES, not last) the
   * host has read. The thread waits on it after each, so that the runtime knows a follower's
   * dependency is done while the follower runs.
   */
  receipts: SharedArrayBuffer;
  /**
   * The port this thread's batches come on, and their outcomes go back on (the tuples of
   * process-tuples.ts and BatchFailed), a channel of their own: what the thread posts through
   * `parentPort` reaches the host re-emitted by its Worker object, a hop more (a lone trip was
   * 1.6-1.8 us faster with this channel and LoneBatchTuple together: bench/README.md, eighth
   * pass). Everything else (announcements, fetches) goes through `parentPort`. The host reads
   * what is left on it when the thread exits, before it ends the thread's batch (worker-thread.ts).
   */
  batches: MessagePort;
}

/**
 * The token of the outcomes a thread posts (an OutcomesTuple, process-tuples.ts): `last` when its
 * batch ran to the end; not last, an early report: the jobs before a follower (runtime/followers.ts)
 * that starts, handed on before the batch ends. After an early report the thread waits until the
 * host has read it (`receipts`). A tuple, not an object: an object crosses with its property
 * names, each written, read back and looked up again on the other side.
 */
export const THREAD_OUTCOMES = 'nimbusOutcomes';

/**
 * The token of the outcomes a thread posts as it retires in the middle of its batch (an error
 * escaped a job): the jobs it ran. The batch itself never ends 'done': the thread exits
 * (RETIRED_EXIT_CODE) and the rest of the batch runs again.
 */
export const THREAD_RETIRING = 'nimbusRetiring';

/** What a thread posts when running its batch threw (nimbus's own failure, never a job's): why. */
export interface BatchFailed {
  nimbusFailed: string;
}

export function isBatchFailed(message: unknown): message is BatchFailed {
  return typeof message === 'object' && message !== null && typeof (message as BatchFailed).nimbusFailed === 'string';
}

/**
 * Posted by a thread whose batch names a function (or data) it does not have (it was never sent
 * it, or let it go): the host answers with a FunctionAnswer.
 */
export interface FunctionFetch {
  nimbusFetch: string;
}

export function isFunctionFetch(message: unknown): message is FunctionFetch {
  return typeof message === 'object' && message !== null && typeof (message as FunctionFetch).nimbusFetch === 'string';
}

/** The host's answer to a FunctionFetch: the whole function, or undefined if it no longer runs it. */
export interface FunctionAnswer {
  nimbusFunction: string;
  fn: WireFunction | undefined;
}

export function isFunctionAnswer(message: unknown): message is FunctionAnswer {
  return typeof message === 'object' && message !== null && typeof (message as FunctionAnswer).nimbusFunction === 'string';
}

/** Posted once by each worker as it starts: its end of the nested-client channel. */
export interface PortAnnouncement {
  nimbusPort: MessagePort;
}

export function isPortAnnouncement(message: unknown): message is PortAnnouncement {
  return typeof message === 'object' && message !== null && 'nimbusPort' in message;
}

/**
 * Posted by a worker for each child process a job starts there, so that the runtime can end it
 * if the thread is stopped or the host dies. The runtime sets `recorded[0]` to 1 and notifies
 * once it has the child on record: the job's spawn returns only then (or after a bound).
 */
export interface ChildAnnouncement {
  nimbusChild: number;
  jid: number;
  recorded: Int32Array;
}

export function isChildAnnouncement(message: unknown): message is ChildAnnouncement {
  return typeof message === 'object' && message !== null && typeof (message as ChildAnnouncement).nimbusChild === 'number';
}

/**
 * The exit code of a thread that retired itself after an error escaped a job. It exits between
 * jobs: what it ran it reported (THREAD_RETIRING), the rest of its task runs again.
 */
export const RETIRED_EXIT_CODE = 86;
