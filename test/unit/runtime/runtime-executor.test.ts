/**
 * How the host runtime drives an executor's life: `start` first, and no batch before it resolved
 * (a failed start keeps the jobs queued and is tried again); capacity changed while it runs
 * (workers join and leave) dispatches at once what now fits; `close` comes last. The executor is
 * a recording one, driven by hand: no worker, no sleep.
 */
import { describe, expect, it } from 'vitest';
import { Runtime } from '../../../src/runtime/runtime.js';
import { computeUnitsOf } from '../../../src/types/resource-profiles.js';
import { shipFunction } from '../../../src/shipping/ship-function.js';
import { appendOutcome, emptyReport } from '../../../src/worker/outcome-report.js';
import type { BatchSpec, Executor, ExecutorEvents } from '../../../src/types/executor.js';
import { resolveJobOptions } from '../../../src/options.js';

const options = resolveJobOptions({});

/** Says what happened to it, in order; its start resolves (or rejects) when the test says. */
class RecordingExecutor implements Executor {
  readonly calls: string[] = [];
  readonly batches: BatchSpec[] = [];
  readonly #events: ExecutorEvents;
  #settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #onCall: (() => void) | undefined;

  constructor(events: ExecutorEvents) {
    this.#events = events;
  }

  start(): Promise<void> {
    this.#note('start');
    return new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
  }

  run(batch: BatchSpec): void {
    this.batches.push(batch);
    this.#note(`run ${batch.jids.join(',')}`);
  }

  /** Its jobs start only as they finish (finish). */
  startedJobs(): void {}

  stop(jid: number): void {
    this.#note(`stop ${jid}`);
  }

  async close(): Promise<void> {
    this.#note('close');
  }

  started(): void {
    this.#settle!.resolve();
  }

  failedToStart(): void {
    this.#settle!.reject(new Error('cannot reach the workers'));
  }

  /** Ends a job done, as having taken 10 s: such jobs travel alone. */
  finish(jid: number): void {
    const report = emptyReport();
    appendOutcome(report, { jid, status: 'done', value: jid, started: 1, finished: 10_001, cputime: undefined, memory: undefined, stdout: '', stderr: '' });
    this.#events.finished(report);
  }

  /** Resolves once `count` calls were made. */
  async calledTimes(count: number): Promise<void> {
    while (this.calls.length < count) await new Promise<void>((resolve) => (this.#onCall = resolve));
  }

  #note(call: string): void {
    this.calls.push(call);
    this.#onCall?.();
  }
}

function runtimeWith(capacity: number): { runtime: Runtime; executor: () => RecordingExecutor } {
  let executor: RecordingExecutor | undefined;
  const runtime = new Runtime({
    computeUnits: 10,
    capacity,
    costOf: computeUnitsOf,
    maxRestarts: 0,
    memoryLimitOf: () => undefined,
    createExecutor: (events) => (executor = new RecordingExecutor(events)),
  });
  return { runtime, executor: () => executor! };
}

const slow = shipFunction(function slow() {});
const submit = (runtime: Runtime, count: number) => runtime.submit({ fn: slow, argsList: Array.from({ length: count }, () => []), options });
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('the runtime and its executor', () => {
  it('calls start first, and runs no batch until start resolved', async () => {
    const { runtime, executor } = runtimeWith(2);
    const first = await submit(runtime, 2);
    await turns(5);
    expect(executor().calls).toEqual(['start']);
    expect(await runtime.status([first, first + 1])).toEqual(['queued', 'queued']);
    executor().started();
    await executor().calledTimes(3);
    expect(executor().calls).toEqual(['start', `run ${first}`, `run ${first + 1}`]);
    await runtime.close();
    expect(executor().calls.at(-1)).toBe('close');
  });

  it('keeps the jobs queued when start fails, and tries it again', async () => {
    const { runtime, executor } = runtimeWith(1);
    const first = await submit(runtime, 1);
    await executor().calledTimes(1);
    executor().failedToStart();
    await turns(5);
    expect(await runtime.status([first])).toEqual(['queued']);
    await executor().calledTimes(2);
    expect(executor().calls).toEqual(['start', 'start']);
    executor().started();
    await executor().calledTimes(3);
    expect(executor().calls[2]).toBe(`run ${first}`);
    executor().finish(first);
    const verdict = await runtime.wait({ jids: [first], timeout: 15_000, ignoreErrors: false, values: true, any: false, caller: undefined });
    expect(verdict).toMatchObject({ kind: 'complete', results: { values: [first], failures: undefined } });
    await runtime.close();
  });

  it('closes an executor whose start is still in flight only after that start ended', async () => {
    const { runtime, executor } = runtimeWith(1);
    await submit(runtime, 1);
    await executor().calledTimes(1);
    const closed = runtime.close();
    await turns(3);
    expect(executor().calls).toEqual(['start']);
    executor().started();
    expect(await closed).toBe(true);
    expect(executor().calls).toEqual(['start', 'close']);
  });

  it('dispatches at once what a higher capacity fits, and nothing new below what is in use', async () => {
    const { runtime, executor } = runtimeWith(1);
    const first = await submit(runtime, 5);
    await executor().calledTimes(1);
    executor().started();
    await executor().calledTimes(2);
    runtime.setCapacity(3);
    await executor().calledTimes(4);
    expect(executor().calls.slice(1)).toEqual([`run ${first}`, `run ${first + 1}`, `run ${first + 2}`]);
    runtime.setCapacity(1);
    executor().finish(first);
    executor().finish(first + 1);
    await turns(5);
    expect(executor().calls.length).toBe(4);
    executor().finish(first + 2);
    await executor().calledTimes(5);
    expect(executor().calls[4]).toBe(`run ${first + 3}`);
    await runtime.close();
  });
});
