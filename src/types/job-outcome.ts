/** What an executor reports for one job, and the shapes that cross a thread to do so. */

/**
 * A value on its way between threads: primitives travel as they are; anything else is serialised
 * with v8.serialize once, at the edge, so that a snapshot is taken at `call` time and what cannot
 * cross a thread fails there, not later.
 */
export type Packed = Primitive | readonly Primitive[] | PackedBytes;

export type Primitive = string | number | boolean | bigint | null | undefined;

export interface PackedBytes {
  readonly packed: Uint8Array;
}

/** An error as it left the job: plain data, so it can cross threads and outlive the process. */
export interface RemoteError {
  name: string;
  message: string;
  stack: string | undefined;
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
