/**
 * The worker threads of one resource profile (type and cores): `size` threads started at once,
 * more on demand for jobs parked on their children, idle extras stopped after a while, a thread
 * that died or retired replaced. It hands each batch to the first thread free (and loaded) and
 * decides nothing else: which batch runs is the scheduler's business.
 *
 * Why our own pool and not piscina (issue 14, item 4): nimbus's scheduler already decides what
 * runs and where; piscina's task queue, balancer and per-task AsyncResource were a second
 * scheduler under every batch. Profiled over 22,000 sequential round trips (main thread),
 * piscina's `postTask` cost 37 µs per trip and its balancer's `get interface` 15 µs (an object
 * per worker per task), and its worker side an Atomics wait loop and `receiveMessageOnPort`:
 * a thread round trip took 205-221 µs against 69 µs for a bare awaited piscina `run` and 30 µs
 * for a raw postMessage ping-pong. Here a batch is one postMessage each way, and a thread is
 * idle or runs exactly one batch (bench/README.md, latency, has the figures after).
 */
import type { BatchSpec } from '../../types/executor.js';
import { WorkerThread, type ThreadBatchEnd, type ThreadBatchListener, type ThreadLife, type ThreadSettings } from './worker-thread.js';

/**
 * Threads a pool may add beyond its size: a job waiting on its children gives its slot back
 * but keeps its thread, and the children need threads of their own. The scheduler bounds how many
 * jobs wait so (MAX_PARKED_JOBS, plus one per level of a chain deeper than that); the pool must
 * never be the tighter bound, or a child would queue behind its waiting parents for ever.
 */
const NESTING_HEADROOM = 1024; // threads
/** How long a thread beyond the pool's size stays idle before it is stopped. */
const IDLE_TIMEOUT_MS = 10_000;
/** Slots in each pool's progress array: one per thread, more than a pool ever has at once. */
const PROGRESS_SLOTS = 4096;

/** A batch handed to the pool: `thread` is set once a thread runs it, which tells it as ThreadBatchListener says. */
export interface PooledBatch extends ThreadBatchListener {
  readonly spec: BatchSpec;
  thread: WorkerThread | undefined;
  /** Told once: the batch reported, or was cut (its thread exited; or it was stopped while it waited). */
  end(end: ThreadBatchEnd): void;
}

export class ThreadPool {
  readonly memoryLimitMb: number;
  /** Per thread slot: 1 + the index of the job its batch is on (thread-protocol.ts). */
  readonly progress: Int32Array;
  /** Per thread slot: when its batch's first job started, when its current one did. */
  readonly starts: Float64Array;
  readonly #size: number;
  readonly #settings: ThreadSettings;
  readonly #life: ThreadLife = {
    ready: (thread) => this.#onReady(thread),
    exited: (thread) => this.#onExit(thread),
    // Free before the batch's end is told: the dispatch its report causes finds the thread idle.
    freed: (thread) => this.#release(thread),
  };
  readonly #threads = new Set<WorkerThread>();
  /** Threads still loading their entry: each will take a waiting batch, or become idle. */
  readonly #loading = new Set<WorkerThread>();
  /** Loaded threads with no batch, the last one freed on top (its caches are the warmest). */
  readonly #idle: WorkerThread[] = [];
  readonly #idleTimers = new Map<WorkerThread, NodeJS.Timeout>();
  /**
   * Batches waiting for a thread: for one to load (a batch goes to the first thread ready, not to
   * one of several loading side by side), or when every thread the pool may have is busy.
   */
  readonly #waiting: PooledBatch[] = [];
  readonly #freeSlots = Array.from({ length: PROGRESS_SLOTS }, (_, i) => PROGRESS_SLOTS - 1 - i);
  #closed = false;

  /** @param onMessage what threads say besides their batches' ends (WorkerThread) */
  constructor(size: number, memoryLimitMb: number, onMessage: (message: unknown) => void) {
    this.#size = size;
    this.memoryLimitMb = memoryLimitMb;
    const progress = new SharedArrayBuffer(PROGRESS_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const starts = new SharedArrayBuffer(2 * PROGRESS_SLOTS * Float64Array.BYTES_PER_ELEMENT);
    this.progress = new Int32Array(progress);
    this.starts = new Float64Array(starts);
    this.#settings = { memoryLimitMb, progress, starts, onMessage };
    for (let i = 0; i < size; i++) this.#spawn();
  }

  run(batch: PooledBatch): void {
    if (this.#closed) return;
    const thread = this.#takeIdle();
    if (thread) return this.#start(thread, batch);
    this.#waiting.push(batch);
    this.#grow();
  }

  /** Stops a batch: its thread is terminated (the batch ends at its exit); a waiting one ends now. */
  stop(batch: PooledBatch): void {
    if (batch.thread) return batch.thread.stop();
    const at = this.#waiting.indexOf(batch);
    if (at < 0) return;
    this.#waiting.splice(at, 1);
    batch.end({ kind: 'cut', how: 'stopped', outOfMemory: false });
  }

  /** Terminates every thread; resolves once each has exited. Waiting batches are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#idleTimers.values()) clearTimeout(timer);
    this.#idleTimers.clear();
    this.#waiting.length = 0;
    const threads = [...this.#threads];
    for (const thread of threads) thread.stop();
    await Promise.all(threads.map((thread) => thread.exited));
  }

  #start(thread: WorkerThread, batch: PooledBatch): void {
    batch.thread = thread;
    Atomics.store(this.progress, thread.slot, 0);
    thread.run(batch.spec, batch);
  }

  /** A thread is free: it takes the next waiting batch, or waits (stopped later if it is an extra). */
  #release(thread: WorkerThread): void {
    if (this.#closed) return;
    const next = this.#waiting.shift();
    if (next) return this.#start(thread, next);
    this.#idle.push(thread);
    if (this.#threads.size <= this.#size) return;
    const timer = setTimeout(() => {
      this.#idleTimers.delete(thread);
      this.#forgetIdle(thread);
      thread.stop();
    }, IDLE_TIMEOUT_MS);
    timer.unref();
    this.#idleTimers.set(thread, timer);
  }

  #takeIdle(): WorkerThread | undefined {
    for (let thread = this.#idle.pop(); thread; thread = this.#idle.pop()) {
      this.#clearTimer(thread);
      if (thread.alive) return thread;
    }
    return undefined;
  }

  /**
   * Starts threads for the batches that no loading thread will take, up to the pool's bound. While
   * batches wait, the loading threads keep the host alive (a loaded thread does while it runs one).
   */
  #grow(): void {
    if (this.#waiting.length === 0) return;
    while (this.#waiting.length > this.#loading.size && this.#threads.size < this.#size + NESTING_HEADROOM) this.#spawn();
    for (const thread of this.#loading) thread.hold();
  }

  #spawn(): void {
    const thread = new WorkerThread(this.#settings, this.#freeSlots.pop()!, this.#life);
    this.#threads.add(thread);
    this.#loading.add(thread);
  }

  #onReady(thread: WorkerThread): void {
    this.#loading.delete(thread);
    this.#release(thread);
  }

  /**
   * A thread exited (its batch, if any, has ended): its slot is free. One that had loaded is
   * replaced while the pool is below its size. One that could not load is not (a broken install
   * must not spin); the first waiting batch is cut with its exit instead, which blames that
   * batch's first job, as if the thread had died running it.
   */
  #onExit(thread: WorkerThread): void {
    this.#threads.delete(thread);
    this.#loading.delete(thread);
    this.#forgetIdle(thread);
    this.#clearTimer(thread);
    this.#freeSlots.push(thread.slot);
    if (this.#closed) return;
    if (!thread.ready) this.#waiting.shift()?.end({ kind: 'cut', ...thread.exit! });
    else if (this.#threads.size < this.#size) this.#spawn();
    this.#grow();
  }

  #forgetIdle(thread: WorkerThread): void {
    const at = this.#idle.indexOf(thread);
    if (at >= 0) this.#idle.splice(at, 1);
  }

  #clearTimer(thread: WorkerThread): void {
    const timer = this.#idleTimers.get(thread);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#idleTimers.delete(thread);
  }
}
