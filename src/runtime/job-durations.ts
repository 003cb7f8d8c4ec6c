/**
 * How long the jobs of each function take, learned as they finish. Batches are sized by it
 * (batch-size.ts), and it says how long a job that does not fit may be passed (backfill.ts).
 */
import type { JobTable } from './job-table.js';

export class JobDurations {
  /** Mean milliseconds per job, by shipped function id. */
  readonly #mean = new Map<string, number>();

  /** The mean duration of the function's jobs so far; undefined until one has finished. */
  meanOf(fnId: string): number | undefined {
    return this.#mean.get(fnId);
  }

  /** One observation: a job's duration, or the mean of jobs that ran back to back (DurationRuns). */
  learn(fnId: string, ms: number): void {
    const previous = this.#mean.get(fnId);
    // An exponential moving average: recent jobs weigh most, one outlier does not swing it.
    this.#mean.set(fnId, previous === undefined ? ms : previous * 0.8 + ms * 0.2);
  }
}

/**
 * The durations of one report's jobs, learned a run at a time: consecutive jobs of one function
 * (a batch's, which ran back to back on one worker) count as one observation, their mean. A
 * report of a thousand trivial jobs then costs one update of the means, not a thousand.
 */
export class DurationRuns {
  readonly #durations: JobDurations;
  readonly #table: JobTable;
  /** The table's function index of the last job added: its id is looked up only when that changes. */
  #fnIndex = 0;
  #fnId: string | undefined;
  #sum = 0;
  #count = 0;

  constructor(durations: JobDurations, table: JobTable) {
    this.#durations = durations;
    this.#table = table;
  }

  /** A job of the report, not released yet (its function is still known), ran for `ms`. */
  add(jid: number, ms: number): void {
    const fnIndex = this.#table.fnIndex[jid]!;
    if (fnIndex !== this.#fnIndex) {
      const fnId = this.#table.fnOf(jid)!.id;
      if (fnId !== this.#fnId) this.end();
      this.#fnIndex = fnIndex;
      this.#fnId = fnId;
    }
    this.#sum += ms;
    this.#count++;
  }

  /** Learns the run in progress, if any. */
  end(): void {
    if (this.#fnId !== undefined && this.#count > 0) this.#durations.learn(this.#fnId, this.#sum / this.#count);
    this.#sum = this.#count = 0;
  }
}
