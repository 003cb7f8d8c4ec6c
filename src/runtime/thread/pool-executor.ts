/**
 * The executor that runs jobs on worker threads: one piscina pool per resource profile (type
 * and cores), one batch per piscina task. It reports each job once, or returns it to the queue
 * when its batch was cut short; it never decides what runs next. Stopping a job terminates its
 * thread (the only way to end code that never yields); the pool replaces the thread. Each
 * profile's threads get its memory limit as their V8 heap limit: memory outside the JS heap
 * (Buffers, ArrayBuffers) is not held by it, which is why 'process' isolation exists.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { remoteErrors } from '../../errors.js';
import type { BatchSpec, Executor, ExecutorEvents } from '../../types/executor.js';
import type { OutcomeReport } from '../../types/job-outcome.js';
import type { JobRequests } from '../../types/job-service.js';
import { toWire } from '../../wire/batch-args.js';
import { threadFunction } from '../../wire/function-wire.js';
import { BatchesInFlight } from '../batches-in-flight.js';
import { BatchAbort } from './batch-abort.js';
import { JobChildReaper } from './job-child-reaper.js';
import { exposeService, portEndpoint } from '../../wire/nested-channel.js';
import { memoryLimitMb, type ResourcePlan } from '../../local/resource-plan.js';
import { computeUnitsOf } from '../../types/resource-profiles.js';
import {
  RETIRED_EXIT_CODE,
  isChildAnnouncement,
  isEarlyReport,
  isPortAnnouncement,
  isRetiringReport,
  type BatchTask,
  type ChildAnnouncement,
  type EarlyReport,
  type NimbusWorkerData,
} from '../../wire/thread-protocol.js';

/**
 * Threads a pool may add beyond its slots: a job waiting on its children gives its slot back
 * but keeps its thread, and the children need threads of their own. The scheduler bounds how many
 * jobs wait so (MAX_PARKED_JOBS, plus one per level of a chain deeper than that); the pool must
 * never be the tighter bound, or a child would queue behind its waiting parents for ever.
 */
const NESTING_HEADROOM = 1024; // threads
/** How long a thread beyond the slots stays idle before it is stopped. */
const IDLE_TIMEOUT_MS = 10_000;
/** Batch slots in each pool's progress array; more than threads can ever run at once. */
const PROGRESS_SLOTS = 4096;

const WORKER_ENTRY = fileURLToPath(new URL('../../worker/thread-loader.cjs', import.meta.url));

/** A dispatched batch, found from any of its jobs. */
interface InFlight {
  readonly batch: BatchSpec;
  readonly pool: ProfilePool;
  readonly slot: number;
  readonly abort: BatchAbort;
  /** The jobs `stop` was asked for: they are complete already and must not be reported. */
  readonly stopped: Set<number>;
  /** How many of its jobs startedJobs told of: the first ones. */
  told: number;
  /** What its thread ran before it retired, if it did. */
  retiring?: OutcomeReport;
  /** Jobs its thread reported before the batch ended (EarlyReport): a batch with followers. */
  early?: Set<number>;
}

interface ProfilePool {
  readonly piscina: Piscina;
  readonly memoryLimitMb: number;
  readonly progress: Int32Array;
  /** Per slot: when the batch's first job started, when its current one did (thread-protocol.ts). */
  readonly starts: Float64Array;
  readonly freeSlots: number[];
}

export class PoolExecutor implements Executor {
  readonly #events: ExecutorEvents;
  readonly #service: JobRequests;
  readonly #plan: ResourcePlan;
  readonly #pools = new Map<string, ProfilePool>();
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
    const slot = pool.freeSlots.pop()!;
    Atomics.store(pool.progress, slot, 0);
    const batch: InFlight = { batch: spec, pool, slot, abort: new BatchAbort(), stopped: new Set(), told: 0 };
    this.#inFlight.add(batch);
    const task: BatchTask = { batch: toWire(spec, threadFunction(spec.fn)), slot };
    pool.piscina.run(task, { signal: batch.abort }).then(
      (report: OutcomeReport) => this.#onReport(batch, report),
      (error: unknown) => this.#onBatchCut(batch, error),
    );
  }

  /**
   * Reads each batch's progress: the jobs up to the one its thread is on have started. The one
   * it is on started when its slot says; one that ended since the last look, before its batch
   * reports, is told with the batch's first start (its own comes with its outcome).
   */
  startedJobs(visit: (jid: number, at: number) => void): void {
    for (const batch of this.#inFlight) {
      const { progress, starts } = batch.pool;
      const reached = Atomics.load(progress, batch.slot);
      if (reached <= batch.told) continue;
      const first = starts[2 * batch.slot]!;
      const current = starts[2 * batch.slot + 1]!;
      for (; batch.told < reached; batch.told++) visit(batch.batch.jids[batch.told]!, batch.told === reached - 1 ? current : first);
    }
  }

  stop(jid: number): void {
    const batch = this.#inFlight.holding(jid);
    if (!batch) return;
    batch.stopped.add(jid);
    batch.abort.abort();
  }

  /** Ends every thread (piscina's destroy resolves once they have exited) and the children jobs left. */
  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.piscina.destroy()));
    this.#children.close();
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
    const skipped = batch.batch.jids.filter((jid) => !reported.has(jid) && !batch.stopped.has(jid) && !batch.early?.has(jid));
    if (skipped.length > 0) this.#events.returned(skipped);
  }

  /** Outcomes a thread hands on before its batch ends: reported now, and never returned later. */
  #onEarlyReport({ nimbusEarly, report, received }: EarlyReport): void {
    const batch = this.#inFlight.holding(nimbusEarly);
    if (batch) {
      batch.early ??= new Set();
      for (let i = 0; i < report.jids.length; i++) batch.early.add(report.jids[i]!);
      if (!this.#closed) this.#events.finished(report);
    }
    Atomics.store(received, 0, 1);
    Atomics.notify(received, 0);
  }

  /** The batch ended without a report: stopped by us, or its thread died or retired. */
  #onBatchCut(batch: InFlight, error: unknown): void {
    this.#release(batch);
    this.#children.end(batch.batch.jids);
    if (this.#closed) return;
    const { jids, type } = batch.batch;
    // A thread that retired between jobs: what it ran it reported, the rest runs again.
    if (describeExit(error) === `code ${RETIRED_EXIT_CODE}`) {
      if (batch.retiring) this.#events.finished(batch.retiring);
      this.#returnUnreported(batch, batch.retiring?.jids ?? []);
      return;
    }
    // The worker says which job it was on; a worker that died before starting any (it could
    // not even load) blames the first, so a broken worker can never loop on the same batch.
    const running = jids[Math.max(0, Atomics.load(batch.pool.progress, batch.slot) - 1)]!;
    const crashed = batch.stopped.size === 0;
    if (crashed) {
      const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      if (outOfMemory) this.#events.crashed(running, remoteErrors.memoryExceeded(type, batch.pool.memoryLimitMb), false);
      else this.#events.crashed(running, remoteErrors.workerDied(describeExit(error)), true);
    }
    // Every other job of the batch lost its report: those not complete run again.
    const lost = jids.filter((jid) => !batch.stopped.has(jid) && !(crashed && jid === running) && !batch.early?.has(jid));
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
    batch.pool.freeSlots.push(batch.slot);
  }

  #poolFor(spec: BatchSpec): ProfilePool {
    const key = `${spec.type}x${spec.cores}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = this.#createPool(spec);
      this.#pools.set(key, pool);
    }
    return pool;
  }

  #createPool({ type, cores }: BatchSpec): ProfilePool {
    const slots = Math.max(1, Math.floor(this.#plan.computeUnits / computeUnitsOf(type, cores)));
    const limitMb = memoryLimitMb(this.#plan, type, cores);
    const progress = new SharedArrayBuffer(PROGRESS_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const starts = new SharedArrayBuffer(2 * PROGRESS_SLOTS * Float64Array.BYTES_PER_ELEMENT);
    const workerData: NimbusWorkerData = { nimbusWorker: true, progress, starts };
    const piscina = new Piscina({
      filename: WORKER_ENTRY,
      minThreads: slots,
      maxThreads: slots + NESTING_HEADROOM,
      idleTimeout: IDLE_TIMEOUT_MS,
      concurrentTasksPerWorker: 1,
      resourceLimits: { maxOldGenerationSizeMb: limitMb },
      workerData,
    });
    piscina.on('message', (message: unknown) => {
      if (isPortAnnouncement(message)) exposeService(this.#service, portEndpoint(message.nimbusPort));
      else if (isChildAnnouncement(message)) this.#recordChild(message);
      else if (isEarlyReport(message)) this.#onEarlyReport(message);
      else if (isRetiringReport(message)) {
        const batch = this.#inFlight.holding(message.nimbusRetiring);
        if (batch) batch.retiring = message.report;
      }
    });
    // A worker that dies with no task (it retired, or could not load) is replaced by the pool;
    // there is no job left to blame, and the runtime goes on.
    piscina.on('error', () => {});
    const freeSlots = Array.from({ length: PROGRESS_SLOTS }, (_, i) => PROGRESS_SLOTS - 1 - i);
    return { piscina, memoryLimitMb: limitMb, progress: new Int32Array(progress), starts: new Float64Array(starts), freeSlots };
  }
}

function describeExit(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = /exited with code:? (-?\d+)/.exec(message)?.[1];
  return code !== undefined ? `code ${code}` : message;
}
