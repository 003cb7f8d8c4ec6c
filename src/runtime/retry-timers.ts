/**
 * The delays of failed jobs waiting to run again (retryDelay). A LongTimer, not setTimeout: a
 * delay of 2^31 ms or more must not fire at once. A timer keeps the process alive, as the job
 * would if it ran: a retry pending is work not done. Closing the runtime cancels them all.
 */
import { LongTimer } from '../platform/long-timer.js';

export class RetryTimers {
  readonly #timers = new Map<number, LongTimer>();
  readonly #due: (jid: number) => void;

  /** @param due told when a job's delay has passed (its timer is gone by then) */
  constructor(due: (jid: number) => void) {
    this.#due = due;
  }

  /** A delay of 0 is due at once, before this returns. */
  arm(jid: number, delayMs: number): void {
    if (delayMs === 0) return this.#due(jid);
    const timer = new LongTimer(() => {
      this.#timers.delete(jid);
      this.#due(jid);
    }, delayMs);
    this.#timers.set(jid, timer);
  }

  disarm(jid: number): void {
    this.#timers.get(jid)?.cancel();
    this.#timers.delete(jid);
  }

  cancelAll(): void {
    for (const timer of this.#timers.values()) timer.cancel();
    this.#timers.clear();
  }
}
