import { describe, expect, it } from 'vitest';
import { MAX_BATCH, TARGET_BATCH_MS, batchSize } from '../../../src/runtime/batch-size.js';
import { PROCESS_BATCH_BOUND } from '../../../src/runtime/process/process-executor.js';

const MANY = 1_000_000; // jobs queued: more than any batch takes
const ONE_SLOT = 1;

describe('batch size', () => {
  it('is one job while the function has no known duration, so the first job measures it', () => {
    expect(batchSize(undefined, MANY, ONE_SLOT)).toBe(1);
  });

  it('carries about TARGET_BATCH_MS of work', () => {
    expect(batchSize(TARGET_BATCH_MS / 8, MANY, ONE_SLOT)).toBe(8);
    expect(batchSize(TARGET_BATCH_MS / 3, MANY, ONE_SLOT)).toBe(3);
  });

  it('sends a job that takes TARGET_BATCH_MS or more alone', () => {
    expect(batchSize(TARGET_BATCH_MS, MANY, ONE_SLOT)).toBe(1);
    expect(batchSize(TARGET_BATCH_MS * 100, MANY, ONE_SLOT)).toBe(1);
  });

  it('never exceeds MAX_BATCH, even for jobs that take no measurable time', () => {
    expect(batchSize(0, MANY, ONE_SLOT)).toBe(MAX_BATCH);
    expect(batchSize(1e-9, MANY, ONE_SLOT)).toBe(MAX_BATCH);
  });

  it('takes no more than the fair share of the queue among the slots', () => {
    expect(batchSize(0, 10, 5)).toBe(2);
    expect(batchSize(0, 11, 5)).toBe(3);
  });

  it('takes the whole queue when a single slot can run it and it fits the target', () => {
    expect(batchSize(0, 7, ONE_SLOT)).toBe(7);
  });

  it('is at least one job', () => {
    expect(batchSize(0, 0, 5)).toBe(1);
    expect(batchSize(0, 1, 1000)).toBe(1);
  });

  it("follows an executor's own bound: a process's batches carry more work and more jobs", () => {
    const { targetMs, max } = PROCESS_BATCH_BOUND;
    expect(targetMs).toBeGreaterThan(TARGET_BATCH_MS);
    expect(max).toBeGreaterThan(MAX_BATCH);
    expect(batchSize(targetMs / 8, MANY, ONE_SLOT, PROCESS_BATCH_BOUND)).toBe(8);
    expect(batchSize(0, MANY, ONE_SLOT, PROCESS_BATCH_BOUND)).toBe(max);
    expect(batchSize(0, 10, 5, PROCESS_BATCH_BOUND)).toBe(2);
  });
});
