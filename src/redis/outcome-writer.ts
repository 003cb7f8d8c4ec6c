/**
 * Writes what the local runtime did with the jobs a worker holds into Redis: `started` once they
 * have run a little while, `complete` (outcome, output, timings) when they end, each coalesced
 * into one script call for every job that changed meanwhile, one write in flight at a time, in
 * order (a job's start is written before its end; a short job's only with its end). The chunks a completion makes ready go to
 * BullMQ; the local records of written jobs are deleted. A write that fails is tried again: an
 * outcome is never dropped while the worker lives.
 */
import type { HostRuntime } from '../types/host-runtime.js';
import type { JobInfo } from '../types/job-info.js';
import type { RemoteError } from '../types/job-outcome.js';
import { isComplete } from '../types/job-status.js';
import type { ChunkQueues } from './chunk-queues.js';
import type { HeldJobs } from './held-jobs.js';
import type { CompletedJob, WorkerIdentity } from './record-types.js';
import { workerName, type RedisRecords } from './redis-records.js';

/** After a failed write, how long until it is tried again. */
const RETRY_MS = 1_000;
/**
 * How long a job runs before its start is written: one that ends sooner is written once, complete
 * (most jobs of a big map), which halves what Redis does for it. A status reads 'queued' that long.
 */
const START_WRITE_DELAY_MS = 50;

/** The codes of Node's errors for a module that cannot be found or loaded. */
const MODULE_LOAD_CODES = new Set([
  'ERR_MODULE_NOT_FOUND',
  'MODULE_NOT_FOUND',
  'ERR_UNSUPPORTED_DIR_IMPORT',
  'ERR_PACKAGE_PATH_NOT_EXPORTED',
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_INVALID_PACKAGE_TARGET',
  'ERR_INVALID_MODULE_SPECIFIER',
]);

export interface OutcomeWriterParts {
  runtime: Pick<HostRuntime, 'recordOf' | 'delete'>;
  held: HeldJobs;
  records: Pick<RedisRecords, 'started' | 'complete'>;
  queues: Pick<ChunkQueues, 'add'>;
  me: WorkerIdentity;
  /** A failure no caller hears of (said once per message by the caller's choice). */
  report: (error: unknown) => void;
}

export class OutcomeWriter {
  readonly #parts: OutcomeWriterParts;
  /** Local ids changed since the last write. */
  #changed = new Set<number>();
  /** Local ids whose start is in Redis. */
  readonly #startWritten = new Set<number>();
  /** Local ids seen running whose start is not written yet, with when they were first seen so. */
  readonly #startSeen = new Map<number, number>();
  #startTimer: NodeJS.Timeout | undefined;
  /** While draining: every start seen is written now. */
  #startsNow = false;
  #writing: Promise<void> | undefined;
  #stopped = false;

  constructor(parts: OutcomeWriterParts) {
    this.#parts = parts;
  }

  /** The runtime says this local job changed (dispatched, returned, complete). */
  changed(local: number): void {
    if (this.#stopped) return;
    this.#changed.add(local);
    this.#writing ??= this.#writeAll();
  }

  /** Resolves when every change so far is written, the starts of jobs running now included. */
  async drain(): Promise<void> {
    this.#startsNow = true;
    try {
      for (const local of this.#startSeen.keys()) this.changed(local);
      while (this.#writing) await this.#writing;
    } finally {
      this.#startsNow = false;
    }
  }

  /** Writes nothing more (the worker stops at once); a write in flight ends as it ends. */
  stop(): void {
    this.#stopped = true;
    this.#changed.clear();
    clearTimeout(this.#startTimer);
  }

  async #writeAll(): Promise<void> {
    // One turn of the event loop gathers the changes of every report that arrives in it.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.#changed.size > 0 && !this.#stopped) {
        const batch = this.#changed;
        this.#changed = new Set();
        try {
          await this.#write(batch);
        } catch (error) {
          this.#parts.report(error);
          // Tried again with whatever changed meanwhile (a job may have ended since).
          for (const local of batch) this.#changed.add(local);
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  async #write(locals: Set<number>): Promise<void> {
    const { runtime, held, records, queues, me } = this.#parts;
    const started: number[] = [];
    const at: number[] = [];
    const startedLocals: number[] = [];
    const complete: CompletedJob[] = [];
    const completeLocals: number[] = [];
    const now = Date.now();
    for (const local of locals) {
      const global = held.toGlobal(local);
      if (global === undefined) continue;
      const { info, value } = runtime.recordOf(local);
      if (info.status === undefined) continue;
      if (isComplete(info.status)) {
        // One whose start was not written is written once: complete counts its run and names its worker.
        this.#startSeen.delete(local);
        complete.push({ jid: global, info: this.#globalInfo(info, global), value });
        completeLocals.push(local);
      } else if (info.status === 'processing' && !this.#startWritten.has(local)) {
        const seen = this.#startSeen.get(local) ?? now;
        if (!this.#startsNow && now - seen < START_WRITE_DELAY_MS) {
          this.#startSeen.set(local, seen);
          this.#writeStartsLater();
          continue;
        }
        this.#startSeen.delete(local);
        started.push(global);
        at.push(info.started ?? seen);
        startedLocals.push(local);
      }
    }
    if (started.length > 0) {
      await records.started(started, me, at);
      for (const local of startedLocals) this.#startWritten.add(local);
    }
    if (complete.length === 0) return;
    const ready = await records.complete(complete, me);
    // Written: the local records have done their part (the runtime's table keeps no results for
    // months). Deleted and released in one turn: nothing (a kill) sees a held job the runtime forgot.
    const deleting = runtime.delete(completeLocals);
    for (const [i, local] of completeLocals.entries()) {
      this.#startWritten.delete(local);
      held.written(complete[i]!.jid);
    }
    await deleting;
    if (ready.length > 0) await queues.add(ready);
  }

  /** Looks again at the jobs seen running, once the first of them is due to have its start written. */
  #writeStartsLater(): void {
    if (this.#startTimer !== undefined) return;
    this.#startTimer = setTimeout(() => {
      this.#startTimer = undefined;
      for (const local of this.#startSeen.keys()) this.changed(local);
    }, START_WRITE_DELAY_MS);
  }

  /**
   * The info as Redis keeps it: the global jid, a module that would not load named with this
   * worker. (No message of the runtime names a job by its local id: the caller's prefix names it.)
   */
  #globalInfo(info: JobInfo, global: number): JobInfo {
    return { ...info, jid: global, dependsOn: [], exception: info.exception && this.#withWorker(info.exception) };
  }

  #withWorker(error: RemoteError): RemoteError {
    if (error.code === undefined || !MODULE_LOAD_CODES.has(error.code)) return error;
    const name = workerName(this.#parts.me);
    return {
      ...error,
      message: `${error.message} (on nimbus worker ${name}: a module a job imports must be at the same path on every worker)`,
    };
  }
}
