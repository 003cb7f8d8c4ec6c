import { describe, expect, it } from 'vitest';
import { retryDelayOf, shouldRetry } from '../../../src/runtime/retry-policy.js';
import type { RetryPolicy } from '../../../src/types/job-service.js';

const thrown = { name: 'TypeError', message: 'x', stack: undefined };
const overRuntime = { name: 'MaxRuntimeExceeded', message: 'x', stack: undefined, code: 'ERR_MAX_RUNTIME' };

describe('retry policy', () => {
  it('retries what the job threw, as many times as retries says', () => {
    const policy: RetryPolicy = { retries: 2, delay: 0, on: undefined };
    expect([0, 1, 2].map((retried) => shouldRetry(policy, retried, thrown, true))).toEqual([true, true, false]);
    expect(shouldRetry(undefined, 0, thrown, true)).toBe(false);
  });

  it('retries what the runtime ended the job with only when retryOn names it, by name or code', () => {
    expect(shouldRetry({ retries: 1, delay: 0, on: undefined }, 0, overRuntime, false)).toBe(false);
    expect(shouldRetry({ retries: 1, delay: 0, on: ['ERR_MAX_RUNTIME'] }, 0, overRuntime, false)).toBe(true);
    expect(shouldRetry({ retries: 1, delay: 0, on: ['MaxRuntimeExceeded'] }, 0, overRuntime, false)).toBe(true);
    expect(shouldRetry({ retries: 1, delay: 0, on: ['RangeError'] }, 0, thrown, true)).toBe(false);
  });

  it('waits a fixed delay, or base * 2^(retry - 1) up to max', () => {
    expect(retryDelayOf({ retries: 3, delay: 250, on: undefined }, 3)).toBe(250);
    const backoff: RetryPolicy = { retries: 9, delay: { type: 'exponential', base: 100, max: 700 }, on: undefined };
    expect([1, 2, 3, 4, 5].map((retry) => retryDelayOf(backoff, retry))).toEqual([100, 200, 400, 700, 700]);
    const unbounded: RetryPolicy = { retries: 2000, delay: { type: 'exponential', base: 1 }, on: undefined };
    expect(retryDelayOf(unbounded, 2000)).toBe(Number.MAX_SAFE_INTEGER);
  });
});
