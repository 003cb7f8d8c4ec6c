/**
 * What a Redis worker asks of its local runtime beyond a Cloud's: to park a job while a promise of
 * its own is pending (a wait on Redis), to say when it has room, and to start its table over when
 * idle. The executor is a stub driven by hand: no worker process, no sleep.
 */
import { describe, expect, it } from 'vitest';
import { resolveJobOptions } from '../../src/options.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { shipFunction } from '../../src/shipping/ship-function.js';
import type { BatchSpec, Executor, ExecutorEvents } from '../../src/types/executor.js';
import { computeUnitsOf } from '../../src/types/resource-profiles.js';
import { appendOutcome, emptyReport } from '../../src/worker/outcome-report.js';

/** Takes batches and ends their jobs when told. */
class StubExecutor implements Executor {
  readonly running: number[] = [];
  readonly #events: ExecutorEvents;

  constructor(events: ExecutorEvents) {
    this.#events = events;
  }

  async start(): Promise<void> {}

  run(batch: BatchSpec): void {
    this.running.push(...batch.jids);
  }

  /** Every job it was given has started at once: the stub runs nothing. */
  startedJobs(visit: (jid: number, at: number) => void): void {
    for (const jid of this.running) visit(jid, 1);
  }

  stop(): void {}

  async close(): Promise<void> {}

  finish(jid: number): void {
    const report = emptyReport();
    appendOutcome(report, { jid, status: 'done', value: jid, started: 1, finished: 10_001, cputime: undefined, memory: undefined, stdout: '', stderr: '' });
    this.running.splice(this.running.indexOf(jid), 1);
    this.#events.finished(report);
  }
}

function oneSlotRuntime(): { runtime: Runtime; executor: () => StubExecutor } {
  let executor: StubExecutor | undefined;
  const runtime = new Runtime({
    computeUnits: 1,
    capacity: 1,
    costOf: computeUnitsOf,
    maxRestarts: 0,
    memoryLimitOf: () => undefined,
    createExecutor: (events) => (executor = new StubExecutor(events)),
  });
  return { runtime, executor: () => executor! };
}

const submission = (count = 1) => ({
  fn: shipFunction((x: number) => x),
  argsList: Array.from({ length: count }, (_, i) => [i]),
  options: resolveJobOptions({}),
});
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("a worker's runtime", () => {
  it('parks a running job while a promise of its own is pending: its compute units go to the next job, and come back after', async () => {
    const { runtime, executor } = oneSlotRuntime();
    const first = await runtime.submit(submission(2));
    await turn();
    expect(executor().running).toEqual([first]);
    expect(runtime.hasRoomFor('c1', 1)).toBe(false);
    let answer!: (value: string) => void;
    const parked = runtime.whileParked(first, new Promise<string>((resolve) => (answer = resolve)));
    await turn();
    expect(executor().running).toEqual([first, first + 1]);
    executor().finish(first + 1);
    await turn();
    expect(runtime.hasRoomFor('c1', 1)).toBe(true);
    answer('children done');
    expect(await parked).toBe('children done');
    expect(runtime.hasRoomFor('c1', 1)).toBe(false);
  });

  it('starts its table over when no job is unfinished, and refuses to while one is', async () => {
    const { runtime, executor } = oneSlotRuntime();
    const first = await runtime.submit(submission(2));
    expect(() => runtime.clear()).toThrow();
    await turn();
    executor().finish(first);
    await turn();
    executor().finish(first + 1);
    expect(runtime.unfinished).toBe(0);
    expect(runtime.lastJid).toBe(2);
    runtime.clear();
    expect(runtime.lastJid).toBe(0);
    await expect(runtime.status([first])).rejects.toMatchObject({ code: 'ERR_UNKNOWN_JID' });
    // The same executor runs what comes next, from id 1 again.
    expect(await runtime.submit(submission())).toBe(1);
    await turn();
    expect(executor().running).toEqual([1]);
  });
});
