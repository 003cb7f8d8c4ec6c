/**
 * The executor that runs jobs on worker threads: one pool of threads per resource profile (type
 * and cores, thread-pool.ts), one batch per thread at a time. It reports each job once, or
 * returns it to the queue when its batch was cut short; it never decides what runs next.
 * Stopping a job terminates its thread (the only way to end code that never yields); the pool
 * replaces the thread. Each profile's threads get its memory limit as their V8 heap limit: memory
 * outside the JS heap (Buffers, ArrayBuffers) is not held by it, which is why 'process' isolation
 * exists.
 */
import { remoteErrors } from '../../errors.js';
import type { BatchSpec, Executor, ExecutorEvents } from '../../types/executor.js';
import type { OutcomeReport } from '../../types/job-outcome.js';
import type { JobRequests } from '../../types/job-service.js';
import { BatchesInFlight } from '../batches-in-flight.js';
import { JobChildReaper } from './job-child-reaper.js';
import { ThreadPool, type PooledBatch } from './thread-pool.js';
import type { ThreadBatchEnd } from './worker-thread.js';
import { exposeService, portEndpoint } from '../../wire/nested-channel.js';
import { memoryLimitMb, type ResourcePlan } from '../../local/resource-plan.js';
import { computeUnitsOf } from '../../types/resource-profiles.js';
import { RETIRED_EXIT_CODE, isChildAnnouncement, isPortAnnouncement, type ChildAnnouncement } from '../../wire/thread-protocol.js';

/** A dispatched batch, found from any of its jobs. */
interface InFlight {
  readonly batch: BatchSpec;
  readonly pool: ThreadPool;
  readonly pooled: PooledBatch;
  /**
   * The jobs `stop` was asked for: they are complete already and must not be reported. Made at
   * the first stop (most batches have none: a lone job's round trip made and dropped a Set).
   */
  stopped: Set<number> | undefined;
  /** How many of its jobs startedJobs told of: the first ones. */
  told: number;
  /** Jobs its thread reported before the batch ended (early reports): a batch with followers. */
  early?: Set<number>;
}

export class PoolExecutor implements Executor {
  readonly #events: ExecutorEvents;
  readonly #service: JobRequests;
  readonly #plan: ResourcePlan;
  readonly #pools = new Map<string, ThreadPool>();
  readonly #inFlight = new BatchesInFlight<InFlight>();
  readonly #children = new JobChildReaper();
  #closed = false;

  constructor(events: ExecutorEvents, service: JobRequests, plan: ResourcePlan) {
    this.#events = events;
    this.#service = service;
    this.#plan = plan;
  }

  /** Nothing to connect: each profile's pool starts with its first batch. */
  async start(): Promise<void> {}

  run(spec: BatchSpec): void {
    if (this.#closed) return;
    const pool = this.#poolFor(spec);
    const pooled: PooledBatch = {
      spec,
      thread: undefined,
      end: (end) => this.#onEnd(batch, end),
      early: (report) => this.#onEarlyReport(batch, report),
    };
    const batch: InFlight = { batch: spec, pool, pooled, stopped: undefined, told: 0 };
    this.#inFlight.add(batch);
    pool.run(pooled);
  }

  /**
   * Reads each batch's progress: the jobs up to the one its thread is on have started. The one
   * it is on started when its slot says; one that ended since the last look, before its batch
   * reports, is told with the batch's first start (its own comes with its outcome).
   */
  startedJobs(visit: (jid: number, at: number) => void): void {
    for (const batch of this.#inFlight) {
      const slot = batch.pooled.thread?.slot;
      if (slot === undefined) continue;
      const { progress, starts } = batch.pool;
      const reached = Atomics.load(progress, slot);
      if (reached <= batch.told) continue;
      const first = starts[2 * slot]!;
      const current = starts[2 * slot + 1]!;
      for (; batch.told < reached; batch.told++) visit(batch.batch.jids[batch.told]!, batch.told === reached - 1 ? current : first);
    }
  }

  stop(jid: number): void {
    const batch = this.#inFlight.holding(jid);
    if (!batch) return;
    (batch.stopped ??= new Set()).add(jid);
    batch.pool.stop(batch.pooled);
  }

  /** Ends every thread (resolves once they have exited) and the children jobs left. */
  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
    this.#children.close();
  }

  #onEnd(batch: InFlight, end: ThreadBatchEnd): void {
    if (end.kind === 'done') this.#onReport(batch, end.report);
    else this.#onBatchCut(batch, end.how, end.outOfMemory, end.retiring);
  }

  #onReport(batch: InFlight, report: OutcomeReport): void {
    this.#release(batch);
    this.#children.forget(batch.batch.jids);
    if (this.#closed) return;
    // A stopped job is complete already; the scheduler ignores its report.
    this.#events.finished(report);
    // A thread that retired (an error escaped a job) skipped the jobs after: they run again.
    if (report.jids.length + (batch.early?.size ?? 0) < batch.batch.jids.length) this.#returnUnreported(batch, report.jids);
  }

  #returnUnreported(batch: InFlight, reportedJids: ArrayLike<number>): void {
    const reported = new Set(Array.from(reportedJids));
    const skipped = batch.batch.jids.filter((jid) => !reported.has(jid) && !batch.stopped?.has(jid) && !batch.early?.has(jid));
    if (skipped.length > 0) this.#events.returned(skipped);
  }

  /** Outcomes a thread hands on before its batch ends: reported now, and never returned later. */
  #onEarlyReport(batch: InFlight, report: OutcomeReport): void {
    batch.early ??= new Set();
    for (let i = 0; i < report.jids.length; i++) batch.early.add(report.jids[i]!);
    if (!this.#closed) this.#events.finished(report);
  }

  /**
   * The batch ended without a report: stopped by us, or its thread died or retired (`retiring`:
   * what it ran before, as it reported then).
   */
  #onBatchCut(batch: InFlight, how: string, outOfMemory: boolean, retiring: OutcomeReport | undefined): void {
    this.#release(batch);
    this.#children.end(batch.batch.jids);
    if (this.#closed) return;
    const { jids, type } = batch.batch;
    // A thread that retired between jobs: what it ran it reported, the rest runs again.
    if (how === `code ${RETIRED_EXIT_CODE}`) {
      if (retiring) this.#events.finished(retiring);
      this.#returnUnreported(batch, retiring?.jids ?? []);
      return;
    }
    // The worker says which job it was on; a worker that died before starting any (it could
    // not even load) blames the first, so a broken worker can never loop on the same batch.
    const slot = batch.pooled.thread?.slot;
    const running = jids[slot === undefined ? 0 : Math.max(0, Atomics.load(batch.pool.progress, slot) - 1)]!;
    const crashed = batch.stopped === undefined;
    if (crashed) {
      if (outOfMemory) this.#events.crashed(running, remoteErrors.memoryExceeded(type, batch.pool.memoryLimitMb), false);
      else this.#events.crashed(running, remoteErrors.workerDied(how), true);
    }
    // Every other job of the batch lost its report: those not complete run again.
    const lost = jids.filter((jid) => !batch.stopped?.has(jid) && !(crashed && jid === running) && !batch.early?.has(jid));
    if (lost.length > 0) this.#events.returned(lost);
  }

  #recordChild({ nimbusChild, jid, recorded }: ChildAnnouncement): void {
    // A child of a job whose batch already ended was ended by its thread.
    if (this.#inFlight.holding(jid)) this.#children.track(jid, nimbusChild);
    Atomics.store(recorded, 0, 1);
    Atomics.notify(recorded, 0);
  }

  #release(batch: InFlight): void {
    this.#inFlight.delete(batch);
  }

  #poolFor(spec: BatchSpec): ThreadPool {
    const key = `${spec.type}x${spec.cores}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      const size = Math.max(1, Math.floor(this.#plan.computeUnits / computeUnitsOf(spec.type, spec.cores)));
      pool = new ThreadPool(size, memoryLimitMb(this.#plan, spec.type, spec.cores), (message) => this.#onMessage(message));
      this.#pools.set(key, pool);
    }
    return pool;
  }

  /** What threads announce on the way (thread-protocol.ts); their batches' reports come through the pool. */
  #onMessage(message: unknown): void {
    if (isChildAnnouncement(message)) this.#recordChild(message);
    else if (isPortAnnouncement(message)) exposeService(this.#service, portEndpoint(message.nimbusPort));
  }
}
