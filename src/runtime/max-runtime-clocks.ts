/**
 * The maxRuntime clock of each running job that has one. A job with a maxRuntime always travels
 * alone, so its dispatch is its start. A LongTimer, not setTimeout: a maxRuntime of 2^31 ms or
 * more must not fire at once. No clock keeps a process alive: the job's worker does while it runs.
 */
import { LongTimer } from '../platform/long-timer.js';

export class MaxRuntimeClocks {
  readonly #timers = new Map<number, LongTimer>();
  readonly #expired: (jid: number, maxRuntime: number) => void;

  /** @param expired told when a job's clock runs out (its clock is gone by then) */
  constructor(expired: (jid: number, maxRuntime: number) => void) {
    this.#expired = expired;
  }

  get size(): number {
    return this.#timers.size;
  }

  arm(jid: number, maxRuntime: number): void {
    const timer = new LongTimer(() => {
      this.#timers.delete(jid);
      this.#expired(jid, maxRuntime);
    }, maxRuntime);
    timer.unref();
    this.#timers.set(jid, timer);
  }

  disarm(jid: number): void {
    const timer = this.#timers.get(jid);
    if (timer === undefined) return;
    timer.cancel();
    this.#timers.delete(jid);
  }
}
