/**
 * A home writes its records off the hot path, in slices: a large map reaches the store in many
 * transactions, none larger than the writer's bound, never as one transaction of every record;
 * and each job is written complete in the end. The store is the memory JobStore, told to note
 * each write; the runtime's executor finishes every job at once.
 */
import { describe, expect, it } from 'vitest';
import { appendOutcome, emptyReport } from '../../src/worker/outcome-report.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { shipFunction } from '../../src/shipping/ship-function.js';
import { computeUnitsOf } from '../../src/types/resource-profiles.js';
import { DurableService } from '../../src/store/durable-service.js';
import { MemoryJobStore } from '../../src/store/memory-job-store.js';
import { JIDS_PER_UNIT, MAX_SLICE_UNITS } from '../../src/store/record-writer.js';
import type { Executor, ExecutorEvents } from '../../src/types/executor.js';
import type { NewJobs, StoredJob } from '../../src/types/job-store.js';

// 18,000 slice units (a unit per two jids added, one per record saved): nine full slices at
// least, so one transaction of every record breaks the bound many times over.
const JOBS = 12_000;

/** Every job ends done with its argument as value, on the next turn of the event loop. */
function instantExecutor(events: ExecutorEvents): Executor {
  return {
    start: async () => {},
    run(batch) {
      setImmediate(() => {
        const report = emptyReport();
        const now = Date.now();
        for (const jid of batch.jids) {
          appendOutcome(report, {
            jid,
            status: 'done',
            value: jid,
            started: now,
            finished: now,
            cputime: undefined,
            memory: undefined,
            stdout: '',
            stderr: '',
          });
        }
        events.finished(report);
      });
    },
    // Its jobs end before anyone can ask.
    startedJobs() {},
    stop() {},
    close: async () => {},
  };
}

/** Notes, for each write of the writer (one atomic call), how many jobs it added and how many records it saved. */
class NotingStore extends MemoryJobStore {
  readonly transactions: { added: number; saved: number }[] = [];

  override async write(adds: readonly NewJobs[], saves: readonly StoredJob[]): Promise<void> {
    // A job added with its complete record is written as a save is: a unit.
    const records = adds.reduce((sum, jobs) => sum + (jobs.records?.length ?? 0), 0);
    this.transactions.push({ added: adds.reduce((sum, jobs) => sum + jobs.count, 0) - records, saved: saves.length + records });
    await super.write(adds, saves);
  }
}

describe('the records of a large map', () => {
  it('are written in many bounded transactions, and all end complete', async () => {
    const runtime = new Runtime({
      computeUnits: 4,
      capacity: 4,
      costOf: computeUnitsOf,
      maxRestarts: 0,
      memoryLimitOf: () => undefined,
      createExecutor: (events) => instantExecutor(events),
    });
    const store = new NotingStore('owner');
    const service = new DurableService(runtime, store, { maxRestarts: 0 });
    const first = await service.submit({
      fn: shipFunction(function f() {}),
      argsList: Array.from({ length: JOBS }, (_, i) => [i]),
      options: { type: 'c1', cores: 1, priority: 5, label: undefined, dependsOn: [], dependsOnErrors: 'abort', maxRuntime: undefined, restartable: false },
    });
    const jids = Array.from({ length: JOBS }, (_, i) => first + i);
    expect((await service.wait({ jids, timeout: 30_000, ignoreErrors: false, values: false, any: false, caller: undefined })).kind).toBe('complete');
    await service.list({ status: undefined, label: undefined, limit: 1 });

    const { transactions } = store;
    expect(transactions.length).toBeGreaterThan(JOBS / MAX_SLICE_UNITS);
    for (const { added, saved } of transactions) expect(Math.ceil(added / JIDS_PER_UNIT) + saved).toBeLessThanOrEqual(MAX_SLICE_UNITS);
    expect(await store.unfinishedCounts()).toEqual([]);
    expect((await store.list({ status: ['done'], label: undefined, limit: JOBS })).length).toBe(JOBS);
    expect((await store.get(first + JOBS - 1))?.value).toBe(JOBS);
    await service.close();
  });
});
