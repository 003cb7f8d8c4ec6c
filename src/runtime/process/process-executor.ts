/**
 * The executor that runs jobs in child processes, one batch per process at a time, pooled by
 * profile (type and cores). A process is the unit that holds a memory limit whole: its heap is
 * capped by V8, and its resident memory (Buffers, ArrayBuffers included) is watched and the
 * process killed when it passes the limit. Whatever a job does, only its own process dies; the
 * job ends 'error', its batch neighbours run again, and the runtime goes on.
 */
import { remoteErrors } from '../../errors.js';
import type { BatchSpec, Executor, ExecutorEvents } from '../../types/executor.js';
import type { JobRequests } from '../../types/job-service.js';
import { memoryLimitMb, type ResourcePlan } from '../../local/resource-plan.js';
import { BatchesInFlight } from '../batches-in-flight.js';
import type { BatchBound } from '../batch-size.js';
import { DataFiles } from './data-files.js';
import { WorkerProcess, type BatchEnd } from './worker-process.js';

/**
 * What a batch to a process carries at most (batch-size.ts). A message over a process's channel
 * costs the host some tens of microseconds to send or read, whatever it holds (its frame, a socket
 * write that wakes the worker, the read that wakes the host; the worker pays as much; 25-45 us on
 * Node's IPC, some 20 us less a round trip on the data channel: bench/README.md, eighth pass),
 * against a few for a thread: the time of 10-40 trivial jobs, where a thread's is of one or two.
 * So a batch carries more work than a thread's, and a report leaves every few milliseconds, not
 * every two (process-entry.ts, FLUSH_MS): a 1M-job trivial map sends about 250 batches instead
 * of 1,000. A slot is still held for milliseconds only, and the queue's fair share among slots
 * still bounds the batches at the end of a map.
 */
export const PROCESS_BATCH_BOUND: BatchBound = { targetMs: 8, max: 4096 };

/** How often running processes' memory is read. */
const MEMORY_WATCH_MS = 50;
/** How long an idle process is kept for the next batch of its profile. */
const IDLE_TIMEOUT_MS = 10_000;
/**
 * How many times a job may come back from processes that died before they took its batch. A
 * batch that kills its process as it arrives (too big to read) would otherwise come back for
 * ever: past this it is treated as a crash, and the job at fault is blamed.
 */
const MAX_UNSTARTED_RETURNS = 3;

interface Running {
  readonly batch: BatchSpec;
  readonly worker: WorkerProcess;
  /**
   * The jobs `stop` was asked for: they are complete already and must not be reported. Made at
   * the first stop (most batches have none).
   */
  stopped: Set<number> | undefined;
}

interface IdleWorker {
  readonly worker: WorkerProcess;
  /** When it became idle (performance.now()): #sweepIdle ends it IDLE_TIMEOUT_MS later. */
  readonly since: number;
}

export class ProcessExecutor implements Executor {
  readonly #events: ExecutorEvents;
  readonly #service: JobRequests;
  readonly #plan: ResourcePlan;
  readonly #idle = new Map<string, IdleWorker[]>();
  /**
   * One per busy process: the busy processes are these batches' workers (no set of their own,
   * added to and deleted from per batch, its table rehashed as it empties).
   */
  readonly #running = new BatchesInFlight<Running>();
  /** Every process started and not exited yet, busy, idle or being killed: what close waits for. */
  readonly #workers = new Set<WorkerProcess>();
  /** Jobs whose batch came back unstarted, with how often: empty while no process dies idle. */
  readonly #unstartedReturns = new Map<number, number>();
  /** Large captured data, left in files for the processes to read (data-files.ts). */
  readonly #files = new DataFiles();
  #watch: NodeJS.Timeout | undefined;
  /**
   * One timer for all idle processes, due when the one idle longest expires, instead of a timer
   * each: a lone job's round trip armed and cleared one per batch (a Timeout, its list made and
   * dropped in the timers' priority queue, a ref count moved), host CPU beside the job itself.
   */
  #idleSweep: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(events: ExecutorEvents, service: JobRequests, plan: ResourcePlan) {
    this.#events = events;
    this.#service = service;
    this.#plan = plan;
  }

  /** Nothing to connect: each profile's processes start with its first batch. */
  async start(): Promise<void> {}

  run(batch: BatchSpec): void {
    if (this.#closed) return;
    const profile = `${batch.type}x${batch.cores}`;
    const worker = this.#takeIdle(profile) ?? this.#spawn(batch);
    const running: Running = { batch, worker, stopped: undefined };
    this.#running.add(running);
    this.#watchMemory();
    worker.run(
      batch,
      (report) => {
        // A stopped job is complete already; the scheduler ignores its report.
        if (!this.#closed) this.#events.finished(report);
      },
      // Told before the last report: the process is idle for the dispatch that report causes.
      (end) => this.#onBatchEnd(running, profile, end),
    );
  }

  /** What each busy process last said of the job it is on (worker-process.ts). */
  startedJobs(visit: (jid: number, at: number) => void): void {
    for (const running of this.#running) running.worker.visitStarted(visit);
  }

  stop(jid: number): void {
    const running = this.#running.holding(jid);
    if (!running) return;
    (running.stopped ??= new Set()).add(jid);
    running.worker.kill('stop');
  }

  /** Kills every process (and what its jobs left in its group); resolves once each has exited. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watch);
    clearTimeout(this.#idleSweep);
    this.#idle.clear();
    const workers = [...this.#workers];
    for (const worker of workers) worker.kill('stop');
    this.#files.close();
    await Promise.all(workers.map((worker) => worker.exited));
  }

  #spawn(batch: BatchSpec): WorkerProcess {
    const worker = new WorkerProcess(memoryLimitMb(this.#plan, batch.type, batch.cores), this.#service, this.#files);
    this.#workers.add(worker);
    void worker.exited.then(() => this.#workers.delete(worker));
    return worker;
  }

  #onBatchEnd(running: Running, profile: string, end: BatchEnd): void {
    this.#running.delete(running);
    if (this.#closed) return;
    if (end.kind === 'done') {
      if (this.#unstartedReturns.size > 0) for (const jid of running.batch.jids) this.#unstartedReturns.delete(jid);
      if (running.worker.alive) this.#keepIdle(profile, running.worker);
      return;
    }
    const { stopped } = running;
    const unreported = stopped ? end.unreported.filter((jid) => !stopped.has(jid)) : end.unreported;
    if (unreported.length === 0) return;
    // Retired after an escape, or gone before the batch arrived: no job of these ran, none is to blame.
    if (end.kind === 'retired' || end.stoppedByUs) return this.#events.returned(unreported);
    if (!end.started && this.#mayReturnUnstarted(unreported)) return this.#events.returned(unreported);
    if (unreported.length === 1) {
      const { type, cores } = running.batch;
      if (end.outOfMemory) this.#events.crashed(unreported[0]!, remoteErrors.memoryExceeded(type, memoryLimitMb(this.#plan, type, cores)), false);
      else this.#events.crashed(unreported[0]!, remoteErrors.workerDied(end.how), true);
    } else {
      // Outcomes leave a few milliseconds' worth at a time, so the process died running one of
      // these, but which is not known: each runs again alone, and the one at fault dies again.
      this.#events.returned(unreported, true);
    }
  }

  /** Counts one more unstarted return of these jobs; false once one has come back too often. */
  #mayReturnUnstarted(jids: readonly number[]): boolean {
    let allowed = true;
    for (const jid of jids) {
      const count = (this.#unstartedReturns.get(jid) ?? 0) + 1;
      this.#unstartedReturns.set(jid, count);
      if (count > MAX_UNSTARTED_RETURNS) allowed = false;
    }
    if (!allowed) for (const jid of jids) this.#unstartedReturns.delete(jid);
    return allowed;
  }

  #takeIdle(profile: string): WorkerProcess | undefined {
    const idle = this.#idle.get(profile);
    for (let entry = idle?.pop(); entry; entry = idle?.pop()) if (entry.worker.alive) return entry.worker;
    return undefined;
  }

  #keepIdle(profile: string, worker: WorkerProcess): void {
    const idle = this.#idle.get(profile) ?? [];
    this.#idle.set(profile, idle);
    idle.push({ worker, since: performance.now() });
    this.#idleSweep ??= this.#sweepLater(IDLE_TIMEOUT_MS);
  }

  #sweepLater(ms: number): NodeJS.Timeout {
    return setTimeout(() => this.#sweepIdle(), ms).unref();
  }

  /**
   * Ends the processes idle for IDLE_TIMEOUT_MS, then waits for the next to expire. Each list is
   * oldest first: #keepIdle appends, #takeIdle takes from the end.
   */
  #sweepIdle(): void {
    this.#idleSweep = undefined;
    const now = performance.now();
    let next = Infinity;
    for (const idle of this.#idle.values()) {
      let expired = 0;
      while (expired < idle.length && now - idle[expired]!.since >= IDLE_TIMEOUT_MS) idle[expired++]!.worker.kill('stop');
      idle.splice(0, expired);
      if (idle.length > 0) next = Math.min(next, idle[0]!.since + IDLE_TIMEOUT_MS);
    }
    if (next !== Infinity) this.#idleSweep = this.#sweepLater(Math.max(1, next - now));
  }

  /** Reads each busy process's memory while any is busy; kills one over its limit. */
  #watchMemory(): void {
    if (this.#watch) return;
    this.#watch = setInterval(() => {
      if (this.#running.size === 0) {
        clearInterval(this.#watch);
        this.#watch = undefined;
        return;
      }
      for (const { worker } of this.#running) {
        const resident = worker.residentBytes();
        if (resident !== undefined && resident > worker.memoryLimitBytes) worker.kill('memory');
      }
    }, MEMORY_WATCH_MS);
    this.#watch.unref();
  }
}
