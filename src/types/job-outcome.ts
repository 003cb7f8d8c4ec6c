/** What an executor reports for one job, and the shapes that cross a thread to do so. */

/**
 * A value on its way between threads: primitives travel as they are; anything else is serialised
 * with v8.serialize once, at the edge, so that a snapshot is taken at `call` time and what cannot
 * cross a thread fails there, not later.
 */
export type Packed = Primitive | readonly Primitive[] | PackedBytes;

export type Primitive = string | number | boolean | bigint | null | undefined;

/** A column of numbers: a plain array where it is built, a Float64Array where it travels (one copy, not one per number). */
export type Numbers = readonly number[] | Float64Array;

export interface PackedBytes {
  readonly packed: Uint8Array;
}

/** An error as it left the job: plain data, so it can cross threads and outlive the process. */
export interface RemoteError {
  name: string;
  message: string;
  stack: string | undefined;
  /**
   * What happened, as a program branches on it: the runtime's code when it ended the job
   * ('ERR_MAX_RUNTIME', 'ERR_MEMORY_LIMIT'...), else the thrown error's own string `code`
   * ('ERR_UNKNOWN_JID' of a CloudError, 'ENOENT' of a system error), else absent.
   */
  code?: string;
}

interface OutcomeBase {
  jid: number;
  /** Epoch milliseconds. */
  started: number;
  finished: number;
  cputime: number | undefined;
  memory: number | undefined;
  stdout: string;
  stderr: string;
}

export interface DoneOutcome extends OutcomeBase {
  status: 'done';
  value: Packed;
}

export interface ErrorOutcome extends OutcomeBase {
  status: 'error';
  error: RemoteError;
}

export type JobOutcome = DoneOutcome | ErrorOutcome;

/**
 * The outcomes of some jobs of one batch, column by column: the form in which outcomes cross a
 * thread or a process. A batch of a thousand trivial jobs costs a dozen arrays to clone, not a
 * thousand objects with eight named fields each. Index i of every column is the job jids[i].
 */
export interface OutcomeReport {
  jids: Numbers;
  /** The value of a job that ended 'done'; undefined where it ended 'error'. */
  values: Packed[];
  /** The error of a job that ended 'error', at its index; a hole elsewhere. */
  errors: (RemoteError | undefined)[];
  started: Numbers;
  finished: Numbers;
  /** NaN where unknown. */
  cputime: Numbers;
  /** NaN where unknown. */
  memory: Numbers;
  /**
   * What the job printed, at its index; a hole (or '') where it printed nothing. Holes, because a
   * string per quiet job costs more to serialize and read back than the rest of its outcome.
   */
  stdout: (string | undefined)[];
  stderr: (string | undefined)[];
}
