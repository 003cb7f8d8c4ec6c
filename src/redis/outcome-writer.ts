/**
 * Writes what the local runtime did with the jobs a worker holds into Redis: `started` when the
 * runtime dispatches them, `complete` (outcome, output, timings) when they end, each coalesced
 * into one script call for every job that changed meanwhile, one write in flight at a time, in
 * order (a job's start is written before its end). The chunks a completion makes ready go to
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

  /** Resolves when every change so far is written. */
  async drain(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  /** Writes nothing more (the worker stops at once); a write in flight ends as it ends. */
  stop(): void {
    this.#stopped = true;
    this.#changed.clear();
  }

  /** True when the start of this local job is written. */
  startWritten(local: number): boolean {
    return this.#startWritten.has(local);
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
        // One that started and ended within one write is written once: complete counts its run and names its worker.
        complete.push({ jid: global, info: this.#globalInfo(info, global), value });
        completeLocals.push(local);
      } else if (info.status === 'processing' && !this.#startWritten.has(local)) {
        started.push(global);
        at.push(info.started ?? now);
        startedLocals.push(local);
      }
    }
    if (started.length > 0) {
      await records.started(started, me, at);
      for (const local of startedLocals) this.#startWritten.add(local);
    }
    if (complete.length === 0) return;
    const ready = await records.complete(complete, me);
    for (const [i, local] of completeLocals.entries()) {
      this.#startWritten.delete(local);
      held.written(complete[i]!.jid);
    }
    // Written: the local records have done their part (the runtime's table keeps no results for months).
    await runtime.delete(completeLocals);
    if (ready.length > 0) await queues.add(ready);
  }

  /** The info as Redis keeps it: the global jid, and a module that would not load named with this worker. */
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
