/**
 * How long the jobs of each function take, learned as they finish. Batches are sized by it
 * (batch-size.ts), and it says how long a job that does not fit may be passed (backfill.ts).
 */
export class JobDurations {
  /** Mean milliseconds per job, by shipped function id. */
  readonly #mean = new Map<string, number>();

  /** The mean duration of the function's jobs so far; undefined until one has finished. */
  meanOf(fnId: string): number | undefined {
    return this.#mean.get(fnId);
  }

  learn(fnId: string, ms: number): void {
    const previous = this.#mean.get(fnId);
    // An exponential moving average: recent jobs weigh most, one outlier does not swing it.
    this.#mean.set(fnId, previous === undefined ? ms : previous * 0.8 + ms * 0.2);
  }
}
