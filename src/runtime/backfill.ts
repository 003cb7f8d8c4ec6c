/**
 * Backfill without starvation: the rule that lets jobs start past the next one when it does not
 * fit, so that compute units do not idle behind a big job, without delaying it for ever.
 *
 * - Jobs start in queue order (priority, then depth, then age: ready-queue.ts) while the next
 *   one fits the free compute units. A job that fits is never passed.
 * - When the next job does not fit, the first job in that same order that fits (among the first
 *   of each resource type's queue) starts instead, and so on while one fits.
 * - The next job's wait is clocked from the first time it was next and did not fit; the clock
 *   keeps running while jobs before it in queue order (a better priority, a child of a running
 *   job) go first. Once the wait reaches its expected run time (the mean duration of its
 *   function's jobs) or PASSING_BOUND_MS, whichever is less (PASSING_BOUND_MS while none of its
 *   function's jobs has finished), it reserves: only jobs before it in queue order start until
 *   it has started. The jobs running then free its units as they end, so it starts at the
 *   latest when they have all ended: no job waits for ever.
 * - A job that needs more than the whole capacity (workers left) does not reserve: it cannot
 *   start before workers join, and holding the others back would idle every unit meanwhile.
 *
 * Why its expected run time: a big job is then passed for about as long as it runs at most,
 * which bounds what backfill costs it to about its own length (plus the end of the jobs running
 * when it reserves), and a big job that runs briefly is barely passed at all.
 */

/** The longest a job that does not fit is passed before it reserves its compute units. */
export const PASSING_BOUND_MS = 10_000;

export class Backfill {
  /** Since when each job that was next and did not fit has waited; it leaves once it starts or is killed. */
  readonly #waitingSince = new Map<number, number>();

  /**
   * Whether jobs after `jid`, the next job, may start now that it does not fit; its clock
   * starts now if it was not running.
   * @param expectedMs its expected run time; undefined while unknown
   * @param fitsCapacity whether it fits the whole capacity, all units free
   */
  mayPass(jid: number, now: number, expectedMs: number | undefined, fitsCapacity: boolean): boolean {
    if (!fitsCapacity) return true;
    let since = this.#waitingSince.get(jid);
    if (since === undefined) this.#waitingSince.set(jid, (since = now));
    return now - since < Math.min(expectedMs ?? PASSING_BOUND_MS, PASSING_BOUND_MS);
  }

  /** These jobs started, or were killed: none waits any more. */
  left(jids: readonly number[]): void {
    // Usually empty: nothing is waited for unless a big job waits.
    if (this.#waitingSince.size === 0) return;
    for (const jid of jids) this.#waitingSince.delete(jid);
  }
}
