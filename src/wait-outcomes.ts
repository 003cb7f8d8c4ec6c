/**
 * What a caller gets from a wait's verdict: the complete jobs, or the error that says why not
 * (a failed job's CloudException, a CloudTimeoutError, ERR_CLOSED); and a job's value, or its
 * CloudException in the slot of a failed job.
 */
import { CloudException, CloudTimeoutError, errors } from './errors.js';
import type { Packed } from './types/job-outcome.js';
import type { VerdictResults, WaitVerdict } from './types/job-service.js';
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

/** The verdict's job `i`'s value; a failed job's CloudException is thrown unless errors are ignored. */
export function valueOrThrowAt(results: VerdictResults, i: number, ignoreErrors: boolean | undefined): unknown {
  const failure = results.failures?.get(i);
  if (failure === undefined) return unpack(results.values[i]);
  const exception = new CloudException(failure);
  if (!ignoreErrors) throw exception;
  return exception;
}

/**
 * Every job's value, or a failed job's CloudException in its slot: read in place, into the
 * verdict's own `values` (the caller's, VerdictResults), so a million results cost no second list.
 */
export function valuesOf(results: VerdictResults): unknown[] {
  const values = results.values as unknown[];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    // A primitive is its own value: most of a big map's results, so no call for them.
    if (value !== null && typeof value === 'object') values[i] = unpack(value as Packed);
  }
  if (results.failures) for (const [i, failure] of results.failures) values[i] = new CloudException(failure);
  return values;
}
