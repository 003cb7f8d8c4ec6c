/**
 * What the process executor and its child processes say, on the data channel (DATA_FD,
 * frame-channel.ts). Every message a worker sends carries its token (IPC_KEY, or an outcome
 * tuple's first element), and the host drops anything else. Job code is handed neither the
 * descriptor nor the token: the token is the host's first message on the channel, not in the
 * worker's environment (which job code reads, and which /proc/self/environ keeps as the worker
 * started). Node's IPC channel stays open beside it, for job code that calls process.send (it
 * goes nowhere), and carries nothing of nimbus's.
 */
import type { OutcomeReport } from '../types/job-outcome.js';
import type { WireFunction } from '../types/wire-function.js';
import { fromOutcomesTuple, type BatchTuple } from './process-tuples.js';

export type ToChild =
  /**
   * A batch, as a tuple (process-tuples.ts); its tag is a number the host drew for it, which the
   * worker writes in its arrival slot.
   */
  | BatchTuple
  /** The answer to a fetch: the whole of the running batch's function; undefined if it names another. */
  | { kind: 'function'; id: string; fn: WireFunction | undefined }
  /** The host's first message: the token the worker's messages carry. */
  | { kind: 'token'; token: string }
  | { kind: 'nested'; data: unknown };

export type FromChild =
  /**
   * The batch arrived and its first job is taken up now, at `at` (epoch ms): its function is
   * rebuilt, then it runs. Sent before any of its jobs can end the process, only when the worker
   * could not write its arrival slot (ARRIVAL_FD): the slot says the same without a message.
   */
  | { kind: 'started'; at: number }
  /**
   * Sent as jobs end, a few milliseconds' worth at a time; `last` closes the batch. `running`: the
   * job of the batch the worker is on now (its index), and since when; the host tells a job's
   * start from it (Executor.startedJobs). It travels as an OutcomesTuple (process-tuples.ts),
   * which fromWorker decodes to this.
   */
  | { kind: 'outcomes'; report: OutcomeReport; last: boolean; running?: RunningJob | undefined }
  | { kind: 'nested'; data: unknown }
  /**
   * The worker lacks part of the running batch's function (its cache let it go): send it whole.
   * `inline`: its data in the answer itself, not in a file (the file it was given was missing or
   * damaged).
   */
  | { kind: 'fetch'; id: string; inline?: boolean }
  /** Something escaped a job: the worker runs nothing more, and asks to be ended. */
  | { kind: 'retire' };

/** The job a worker process is on: its index in the batch, and when it started (epoch ms). */
export interface RunningJob {
  readonly index: number;
  readonly at: number;
}

export const IPC_KEY = 'nimbus:ipc';

/**
 * The worker's arrival slot: a file the host opened (and unlinked) and hands the worker as this
 * descriptor. As a batch arrives, before any of its jobs runs, the worker writes there
 * ARRIVAL_RECORD: the batch's tag, when its first job was taken up (epoch ms), the tag again (a
 * record read while it is written has two different tags, and is read as "not yet"). The host
 * reads it only when it needs to know (a status is read, or the process died): a lone job's
 * round trip then costs one message each way, not a 'started' message and the host's wake-up
 * for it. The write reaches the file before the job runs, so a job that ends its process at once
 * is still known to have started (and is blamed), as with the message.
 */
export const ARRIVAL_FD = 4;
/**
 * The data channel: a socket pair the host makes (a 'pipe' in fork's stdio), after the arrival
 * slot. Each side reads and writes it as a socket of frames (frame-channel.ts).
 */
export const DATA_FD = 5;
/**
 * The exit code of a worker whose data channel failed while its host lived (a job closed or wrote
 * on DATA_FD): it can no longer be told or heard, and its host says why its job failed.
 */
export const BROKEN_CHANNEL_EXIT_CODE = 87;
/** Float64s of the arrival record: [tag, at, tag]. */
export const ARRIVAL_RECORD = 3;
/**
 * Where the slot's key lies, in bytes: one Float64 after the record, a random number the host
 * writes as it makes the file. The worker reads it as it starts (no job has run yet, so fd 4 is
 * the slot) and checks it before each write, with one 8-byte read: a descriptor that job code
 * closed and opened again as a file of its own does not hold it. (An fstat said the same, for
 * twice the cost: a Stats object and its four Dates, each batch.)
 */
export const ARRIVAL_KEY_OFFSET = ARRIVAL_RECORD * 8;

export type Tagged<T> = T & { [IPC_KEY]: string };

/** Set in a worker process's environment: the host's pid, which the worker must die with. */
export const HOST_PID_ENV = 'NIMBUS_HOST_PID';

/** A message from the worker that holds `token`, or undefined for anything else on the channel. */
export function fromWorker(message: unknown, token: string): FromChild | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  if (Array.isArray(message)) {
    const outcomes = fromOutcomesTuple(message, token);
    return outcomes && { kind: 'outcomes', report: outcomes.report, last: outcomes.last, running: outcomes.running };
  }
  return (message as Partial<Tagged<FromChild>>)[IPC_KEY] === token ? (message as FromChild) : undefined;
}

export function isToChild(message: unknown): message is ToChild {
  if (typeof message !== 'object' || message === null) return false;
  if (Array.isArray(message)) return true;
  const kind = (message as { kind?: unknown }).kind;
  return kind === 'function' || kind === 'nested' || kind === 'token';
}
