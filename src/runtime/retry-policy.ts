/**
 * When a failed job runs again, and after how long: the policy (`retries`, `retryDelay`,
 * `retryOn`), apart from the mechanism that applies it (the scheduler requeues, the runtime's
 * retry timers wait). Pure: numbers and names in, a decision out.
 *
 * Which errors count: with no `retryOn`, every error the job's own code threw (reported by its
 * worker); what the runtime ended the job with (over maxRuntime, out of memory, its worker died)
 * is retried only when `retryOn` names it, by name or code ('ERR_MAX_RUNTIME'). A killed job
 * never runs again.
 */
import type { RemoteError } from '../types/job-outcome.js';
import type { RetryPolicy } from '../types/job-service.js';

/**
 * True when a job that failed with `error` runs again.
 * @param retried the retries it had already
 * @param thrown the job's code threw it (false: the runtime ended the job)
 */
export function shouldRetry(policy: RetryPolicy | undefined, retried: number, error: RemoteError, thrown: boolean): boolean {
  if (policy === undefined || retried >= policy.retries) return false;
  if (policy.on === undefined) return thrown;
  return policy.on.includes(error.name) || (error.code !== undefined && policy.on.includes(error.code));
}

/** Milliseconds before retry number `retry` (1 for the first): fixed, or `base * 2^(retry - 1)` capped at `max`. */
export function retryDelayOf(policy: RetryPolicy, retry: number): number {
  const { delay } = policy;
  if (typeof delay === 'number') return delay;
  const grown = delay.base * 2 ** (retry - 1);
  return Math.min(grown, delay.max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
}
