/**
 * A complete verdict's results as columns (`VerdictResults`): made from a list of job results
 * where a service holds them so (Redis, a home's records), read back one job at a time where a
 * caller needs one (callbacks, iresult), cut to a verdict's first jobs.
 */
import type { Packed } from '../types/job-outcome.js';
import type { JobFailure, JobResult, VerdictResults } from '../types/job-service.js';

export function verdictResults(results: readonly JobResult[]): VerdictResults {
  const values = new Array<Packed>(results.length);
  let failures: Map<number, JobFailure> | undefined;
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    if (result.ok) values[i] = result.value;
    else (failures ??= new Map()).set(i, result.failure);
  }
  return { values, failures };
}

/** The result of the verdict's job `i`. */
export function resultAt(results: VerdictResults, i: number): JobResult {
  const failure = results.failures?.get(i);
  return failure ? { ok: false, failure } : { ok: true, value: results.values[i] };
}

/** The results of the verdict's first `count` jobs. */
export function firstResults(results: VerdictResults, count: number): VerdictResults {
  if (count === results.values.length) return results;
  let failures: Map<number, JobFailure> | undefined;
  if (results.failures) for (const [i, failure] of results.failures) if (i < count) (failures ??= new Map()).set(i, failure);
  return { values: results.values.slice(0, count), failures };
}

/** The same results with every failure's jid mapped (a home's own jids to its global ones). */
export function withFailureJids(results: VerdictResults, jidOf: (jid: number) => number): VerdictResults {
  if (!results.failures) return results;
  const failures = new Map<number, JobFailure>();
  for (const [i, failure] of results.failures) failures.set(i, { ...failure, jid: jidOf(failure.jid) });
  return { values: results.values, failures };
}
