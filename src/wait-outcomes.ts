/**
 * What a caller gets from a wait's verdict: the complete jobs, or the error that says why not
 * (a failed job's CloudException, a CloudTimeoutError, ERR_CLOSED); and a job's value, or its
 * CloudException in the slot of a failed job.
 */
import { CloudException, CloudTimeoutError, errors } from './errors.js';
import type { JobResult, WaitVerdict } from './types/job-service.js';
import { unpack } from './wire/payload.js';

export function completeOrThrow(verdict: WaitVerdict): Extract<WaitVerdict, { kind: 'complete' }> {
  switch (verdict.kind) {
    case 'complete':
      return verdict;
    case 'failed':
      throw new CloudException(verdict.failure);
    case 'timeout':
      throw new CloudTimeoutError(verdict.after);
    case 'closed':
      throw errors.closedDuringWait();
    case 'aborted':
      // Never seen by a caller: its wait rejects with the signal's reason as it aborts, before this verdict comes.
      throw errors.closedDuringWait();
  }
}

/** The job's value, or its CloudException when it failed. */
export function valueOf(result: JobResult): unknown {
  return result.ok ? unpack(result.value) : new CloudException(result.failure);
}

/** The job's value; a failed job's CloudException is thrown unless errors are ignored. */
export function valueOrThrow(result: JobResult, ignoreErrors: boolean | undefined): unknown {
  const value = valueOf(result);
  if (value instanceof CloudException && !ignoreErrors) throw value;
  return value;
}
