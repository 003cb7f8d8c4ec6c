/**
 * How jobs end in the scheduler: an executor's report read into the table, a failed job that runs
 * again (its retry policy), a completion and every dependent its failure stalls. The scheduler
 * (scheduler.ts) decides what starts; this records what ended, gives the batch's compute units
 * back (dispatched-batches.ts) and learns the jobs' durations (job-durations.ts).
 */
import type { OutcomeReport, RemoteError } from '../types/job-outcome.js';
import type { DispatchedBatches } from './dispatched-batches.js';
import { freeDependents } from './dependency-links.js';
import { isHeldFollower } from './followers.js';
import { DurationRuns, type JobDurations } from './job-durations.js';
import { Code, type JobTable } from './job-table.js';
import { ReportColumns, type TypedNumbers } from './report-columns.js';
import { retryDelayOf, shouldRetry } from './retry-policy.js';
import { move } from './transitions.js';
import type { UnitLedger } from './unit-ledger.js';

/** Where jobs that end leave their marks: the scheduler's state they touch, and its listeners. */
export interface EndingsContext {
  readonly table: JobTable;
  readonly batches: DispatchedBatches;
  readonly units: UnitLedger;
  readonly durations: JobDurations;
  /** Told of each job that completes. */
  readonly onComplete: (jid: number) => void;
  /** Told of each failed job that runs again, and after how long it is requeued. */
  readonly onRetry: (jid: number, delayMs: number) => void;
  /** Queues a dependent whose dependencies are all done (or hands a follower to its worker). */
  readonly enqueueReady: (jid: number) => void;
}

export class JobEndings {
  readonly #table: JobTable;
  readonly #batches: DispatchedBatches;
  readonly #units: UnitLedger;
  readonly #durations: JobDurations;
  readonly #onComplete: (jid: number) => void;
  readonly #onRetry: (jid: number, delayMs: number) => void;
  readonly #enqueueReady: (jid: number) => void;
  readonly #reportColumns = new ReportColumns();
  /** Jobs accepted and not complete yet. */
  #incomplete = 0;

  constructor({ table, batches, units, durations, onComplete, onRetry, enqueueReady }: EndingsContext) {
    this.#table = table;
    this.#batches = batches;
    this.#units = units;
    this.#durations = durations;
    this.#onComplete = onComplete;
    this.#onRetry = onRetry;
    this.#enqueueReady = enqueueReady;
  }

  /** Jobs accepted and not complete yet. */
  get incomplete(): number {
    return this.#incomplete;
  }

  /** `count` jobs were accepted: each ends here once. */
  accepted(count: number): void {
    this.#incomplete += count;
  }

  /** An executor's report. A job completed meanwhile (killed, timed out) keeps its status. */
  finished(report: OutcomeReport): void {
    const numbers = this.#reportColumns.read(report);
    try {
      this.#readReport(report, numbers);
    } finally {
      this.#reportColumns.release(numbers);
    }
  }

  /** Reads a report whose number columns are `numbers` (report-columns.ts). */
  #readReport(report: OutcomeReport, numbers: TypedNumbers): void {
    const t = this.#table;
    const runs = new DurationRuns(this.#durations, t);
    // Most reports carry no output at all: their holes are not read job by job.
    const quiet = report.stdout.length === 0 && report.stderr.length === 0;
    for (let i = 0; i < report.jids.length; i++) {
      const jid = report.jids[i]!;
      if (t.status[jid] !== Code.Processing) {
        this.releaseFollower(jid);
        continue;
      }
      const error = report.errors[i];
      if (error !== undefined && this.retryLater(jid, error, true)) continue;
      t.started[jid] = numbers.started[i]!;
      t.cputime[jid] = numbers.cputime[i]!;
      t.memory[jid] = numbers.memory[i]!;
      if (!quiet && report.stdout[i]) t.stdout[jid] = report.stdout[i];
      if (!quiet && report.stderr[i]) t.stderr[jid] = report.stderr[i];
      runs.add(jid, numbers.finished[i]! - numbers.started[i]!);
      if (error === undefined) {
        t.value[jid] = report.values[i];
        this.complete(jid, Code.Done, numbers.finished[i]!);
      } else {
        t.error[jid] = error;
        this.complete(jid, Code.Error, numbers.finished[i]!);
      }
    }
    runs.end();
  }

  /**
   * A dispatched job failed: when its retry policy says so (retry-policy.ts), it reads queued
   * again and the retry listener is told when to requeue it. True when it will run again.
   * @param thrown the job's code threw the error (false: the runtime ended the job)
   */
  retryLater(jid: number, error: RemoteError, thrown: boolean): boolean {
    const t = this.#table;
    const policy = t.retry[jid];
    if (!shouldRetry(policy, t.retried[jid]!, error, thrown)) return false;
    this.#batches.leave(jid, this.#units);
    move(t.status, jid, Code.Queued);
    t.started[jid] = 0;
    const retry = ++t.retried[jid]!;
    this.#onRetry(jid, retryDelayOf(policy!, retry));
    return true;
  }

  /** A follower its worker no longer holds (it did not run it, or died): it waits here as before. */
  releaseFollower(jid: number): void {
    if (!isHeldFollower(this.#table, jid)) return;
    this.#batches.leave(jid, this.#units);
    this.#table.started[jid] = 0;
  }

  /**
   * Completes a job, then every dependent its failure stalls, however long the chain.
   * @param alreadyMoved its status reads `code` already
   */
  complete(jid: number, code: Code, now: number, alreadyMoved = false): void {
    const t = this.#table;
    if (!alreadyMoved) move(t.status, jid, code);
    this.#settle(jid, now);
    // Most jobs have no dependents: no list of stalled jobs is made for them.
    if (t.dependents[jid] === undefined) return;
    const stalled: number[] = [];
    freeDependents(t, jid, code, this.#enqueueReady, stalled);
    for (let next = stalled.pop(); next !== undefined; next = stalled.pop()) {
      // A stalled job never ran here, whatever a worker that held it as a follower said.
      t.started[next] = 0;
      this.#settle(next, now);
      freeDependents(t, next, Code.Stalled, this.#enqueueReady, stalled);
    }
  }

  /** Records a status just made complete. */
  #settle(jid: number, now: number): void {
    const t = this.#table;
    this.#batches.leave(jid, this.#units);
    t.finished[jid] = now;
    t.releaseInputs(jid);
    this.#incomplete--;
    this.#onComplete(jid);
  }
}
