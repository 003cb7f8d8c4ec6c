/**
 * The one executor contract (src/types/executor.ts), specified once and passed by every executor:
 * worker processes, worker threads and the simulator. The executor is driven directly, with no
 * scheduler: start first, then batches in, events out, and close last.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatchArgs } from '../../dist/wire/batch-args.js';
import { packArguments } from '../../dist/wire/payload.js';
import { planResources } from '../../dist/local/resource-plan.js';
import { PoolExecutor } from '../../dist/runtime/thread/pool-executor.js';
import { ProcessExecutor } from '../../dist/runtime/process/process-executor.js';
import { shipFunction } from '../../dist/shipping/ship-function.js';
import { SimulatorExecutor } from '../../dist/simulator/simulator-executor.js';
import type { BatchSpec, Executor, ExecutorEvents } from '../../src/types/executor.js';
import type { JobService } from '../../src/types/job-service.js';
import type { Packed, RemoteError } from '../../src/types/job-outcome.js';

/** Everything an executor told, in order. */
type Event =
  | { kind: 'finished'; jid: number; value: unknown; error: RemoteError | undefined }
  | { kind: 'returned'; jids: number[]; alone: boolean }
  | { kind: 'crashed'; jid: number; error: RemoteError; retryable: boolean };

class Recorder implements ExecutorEvents {
  readonly events: Event[] = [];
  readonly #listeners: (() => void)[] = [];

  finished(report: Parameters<ExecutorEvents['finished']>[0]): void {
    for (let i = 0; i < report.jids.length; i++) {
      this.#push({ kind: 'finished', jid: report.jids[i]!, value: report.values[i], error: report.errors[i] });
    }
  }

  returned(jids: readonly number[], alone = false): void {
    this.#push({ kind: 'returned', jids: [...jids], alone });
  }

  crashed(jid: number, error: RemoteError, retryable: boolean): void {
    this.#push({ kind: 'crashed', jid, error, retryable });
  }

  /** Calls `listener` inside every event from now on, as the executor tells it (synchronously). */
  onEvent(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Every jid the executor accounted for (finished, returned or crashed), as often as it did. */
  accounted(): number[] {
    return this.events.flatMap((event) => (event.kind === 'returned' ? event.jids : [event.jid]));
  }

  /** Resolves once `done(events)` holds. */
  async until(done: (events: Event[]) => boolean, timeoutMs = 15_000): Promise<void> {
    if (done(this.events)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not reached; events: ${JSON.stringify(this.events)}`)), timeoutMs);
      this.#listeners.push(() => {
        if (!done(this.events)) return false as never;
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #push(event: Event): void {
    this.events.push(event);
    for (const listener of this.#listeners) listener();
  }
}

/** No job here starts jobs: a service that says so if one tries. */
const NO_SERVICE = new Proxy({}, { get: () => () => Promise.reject(new Error('no service in this suite')) }) as JobService;

const EXECUTORS: Record<string, (events: ExecutorEvents) => Executor> = {
  process: (events) => new ProcessExecutor(events, NO_SERVICE, planResources({ cores: 2 })),
  thread: (events) => new PoolExecutor(events, NO_SERVICE, planResources({ cores: 2, isolation: 'thread' })),
  simulator: (events) => new SimulatorExecutor(events, undefined),
};

let nextJid = 1;
function batchOf(fn: (...args: never[]) => unknown, argsList: unknown[][]): BatchSpec {
  const jids = argsList.map(() => nextJid++);
  const packed = argsList.map((args) => packArguments(args) as Packed);
  return { fn: shipFunction(fn), type: 'c1', cores: 1, jids, args: encodeBatchArgs(packed) };
}

const double = (x: number) => x * 2;
const hang = () => new Promise(() => {});

/** This process's children that are running (a zombie is not): the worker processes (vitest runs each file in a process of its own). */
function childPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === process.pid && state !== 'Z') pids.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

/** The OS threads of this process now: each worker thread is one. */
function osThreads(): number {
  return Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
}

describe.each(Object.keys(EXECUTORS))('the executor contract: %s', (name) => {
  let executor: Executor;
  let events: Recorder;
  /** Every test starts its executor first, as the runtime does. */
  const start = async () => {
    events = new Recorder();
    executor = EXECUTORS[name]!(events);
    await executor.start();
  };
  afterEach(async () => {
    await executor?.close();
  });

  it('starts without spawning anything yet: workers come with the first batch', async () => {
    const [pids, threads] = [childPids(), osThreads()];
    await start();
    expect(childPids()).toEqual(pids);
    expect(osThreads()).toBeLessThanOrEqual(threads);
  });

  it('runs a batch in order and reports each job once, with its value', async () => {
    await start();
    const batch = batchOf(double, [[1], [2], [3], [4]]);
    executor.run(batch);
    await events.until((all) => all.length === 4);
    expect(events.events).toEqual(batch.jids.map((jid, i) => ({ kind: 'finished', jid, value: (i + 1) * 2, error: undefined })));
  });

  it('reports every job of concurrent batches exactly once', async () => {
    await start();
    const batches = Array.from({ length: 6 }, (_, b) =>
      batchOf(
        double,
        Array.from({ length: 50 }, (_, i) => [b * 50 + i]),
      ),
    );
    for (const batch of batches) executor.run(batch);
    const jids = batches.flatMap((batch) => batch.jids);
    await events.until(() => events.accounted().length >= jids.length);
    expect(events.accounted().sort((a, b) => a - b)).toEqual(jids);
    expect(events.events.every((event) => event.kind === 'finished' && event.error === undefined)).toBe(true);
  });

  it("frees a worker before telling its batch's last report: a batch run as that report is told takes the same worker, none starts beside it", async () => {
    await start();
    // Which worker ran a job: each process and each thread has a time origin of its own.
    const where = () => `${process.pid}:${performance.timeOrigin}`;
    const first = batchOf(where, [[], [], []]);
    const second = batchOf(where, [[]]);
    // The runtime dispatches in a microtask; one queued earlier in the tick that brings the last
    // report (by an earlier report read in the same chunk) runs before any queued by the report.
    // Running the next batch inside the report itself is that case at its tightest.
    events.onEvent(() => {
      if (events.accounted().length === first.jids.length) executor.run(second);
    });
    executor.run(first);
    await events.until(() => events.accounted().length === first.jids.length + second.jids.length);
    const workers = new Set(events.events.map((event) => (event.kind === 'finished' ? event.value : event)));
    expect(workers.size).toBe(1);
  });

  it("reports a thrown error as that job's outcome and goes on with the batch", async () => {
    await start();
    const batch = batchOf(
      (x: number) => {
        if (x === 2) throw new RangeError('two');
        return x;
      },
      [[1], [2], [3]],
    );
    executor.run(batch);
    await events.until((all) => all.length === 3);
    expect(events.events.map((event) => (event.kind === 'finished' ? [event.value, event.error?.name] : event.kind))).toEqual([
      [1, undefined],
      [undefined, 'RangeError'],
      [3, undefined],
    ]);
  });

  it('stops a running job: it is never reported, and the rest of its batch comes back', async () => {
    await start();
    const batch = batchOf((x: number) => (x === 0 ? new Promise(() => {}) : x), [[0], [1], [2]]);
    executor.run(batch);
    // The first job hangs. Whether the stop comes before or after it starts, the contract is the same.
    const witness = batchOf(double, [[21]]);
    executor.run(witness);
    await events.until((all) => all.some((event) => event.kind === 'finished' && event.jid === witness.jids[0]));
    executor.stop(batch.jids[0]!);
    await events.until(() => events.accounted().filter((jid) => batch.jids.includes(jid)).length >= 2);
    const accounted = events.accounted();
    expect(accounted).not.toContain(batch.jids[0]);
    expect(accounted.filter((jid) => jid === batch.jids[1]).length).toBe(1);
    expect(accounted.filter((jid) => jid === batch.jids[2]).length).toBe(1);
  });

  it('tells which jobs have started, each once, with when; never one that has not', async () => {
    await start();
    const before = Date.now();
    const batch = batchOf((x: number) => (x === 1 ? new Promise(() => {}) : x), [[0], [1], [2]]);
    executor.run(batch);
    const told: [jid: number, at: number][] = [];
    const ask = () => executor.startedJobs((jid, at) => told.push([jid, at]));
    // The second job hangs: once it is told, the third never starts.
    for (ask(); !told.some(([jid]) => jid === batch.jids[1]); ask()) await new Promise((resolve) => setTimeout(resolve, 5));
    ask();
    const jids = told.map(([jid]) => jid);
    expect(new Set(jids).size).toBe(jids.length);
    expect(jids).not.toContain(batch.jids[2]);
    expect(told.every(([, at]) => at >= before && at <= Date.now())).toBe(true);
  });

  it('takes no batch once closed: nothing runs, nothing is reported', async () => {
    await start();
    await executor.close();
    executor.run(batchOf(double, [[1], [2]]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events.events).toEqual([]);
  });

  it('closes with work in flight: close resolves, and nothing is reported afterwards', async () => {
    await start();
    executor.run(batchOf(hang, [[], []]));
    executor.run(
      batchOf(
        double,
        Array.from({ length: 20 }, (_, i) => [i]),
      ),
    );
    await executor.close();
    const seen = events.events.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events.events.length).toBe(seen);
  });
});

describe.each(['process', 'thread'])('the executor contract for workers that can die: %s', (name) => {
  let executor: Executor;
  afterEach(async () => {
    await executor?.close();
  });

  it('close resolves only once every worker is gone, busy or idle (processes: their pids no longer exist)', async () => {
    const [pidsBefore, threadsBefore] = [childPids(), osThreads()];
    const events = new Recorder();
    executor = EXECUTORS[name]!(events);
    await executor.start();
    // Workers of three profiles: a c1 one left idle after its batch, a c2 and an m1 one busy in
    // jobs that never end.
    const idle = batchOf(double, [[1]]);
    executor.run(idle);
    await events.until(() => events.accounted().includes(idle.jids[0]!));
    executor.run({ ...batchOf(hang, [[]]), type: 'c2' });
    executor.run({ ...batchOf(hang, [[]]), type: 'm1' });
    const workers = childPids().filter((pid) => !pidsBefore.includes(pid));
    if (name === 'process') expect(workers.length).toBe(3);
    else expect(osThreads()).toBeGreaterThan(threadsBefore);
    await executor.close();
    // Looked at once, no polling: close has waited for them.
    expect(childPids().filter((pid) => workers.includes(pid))).toEqual([]);
    expect(osThreads()).toBeLessThanOrEqual(threadsBefore);
  });

  it("a dead worker's batch is accounted for: the jobs before report, the one at fault or its neighbours come back, none twice", async () => {
    const events = new Recorder();
    executor = EXECUTORS[name]!(events);
    // The third job ends its worker: a process by SIGKILL, a thread by exiting it.
    const work =
      name === 'thread'
        ? (x: number, die: boolean) => (die ? process.exit(3) : x)
        : (x: number, die: boolean) => (die ? process.kill(process.pid, 'SIGKILL') : x);
    const batch = batchOf(work, [
      [1, false],
      [2, false],
      [3, true],
      [4, false],
    ]);
    executor.run(batch);
    await events.until(() => batch.jids.every((jid) => events.accounted().includes(jid)));
    const accounted = events.accounted();
    expect(new Set(accounted).size).toBe(accounted.length);
    // The job at fault never counts as done (a thread that exits may be reported as its error).
    expect(events.events.some((event) => event.kind === 'finished' && event.jid === batch.jids[2] && event.error === undefined)).toBe(false);
  });
});
