/**
 * A timer that waits any delay up to Number.MAX_SAFE_INTEGER ms. Node holds at most 2^31-1 ms
 * in one timer: a longer delay fires after 1 ms (with a TimeoutOverflowWarning), so every delay
 * a user gives nimbus (maxRuntime, a wait's timeout) goes through this one, never `setTimeout`.
 */

/** The longest delay one Node timer holds, in ms. */
export const MAX_TIMER_STEP_MS = 2 ** 31 - 1;

/** The longest delay a LongTimer accepts, in ms (about 285,000 years). */
export const MAX_DELAY_MS = Number.MAX_SAFE_INTEGER;

export class LongTimer {
  readonly #callback: () => void;
  readonly #stepMs: number;
  /** What is left to wait once the armed step has passed; a whole number of ms. */
  #remainingMs: number;
  #handle: NodeJS.Timeout | undefined;
  #unref = false;

  /**
   * Starts waiting at once.
   * @param delayMs 0 to MAX_DELAY_MS
   * @param stepMs the longest step armed at a time (tests shorten it to see the chaining)
   */
  constructor(callback: () => void, delayMs: number, stepMs = MAX_TIMER_STEP_MS) {
    if (!(delayMs >= 0 && delayMs <= MAX_DELAY_MS)) throw new RangeError(`LongTimer delay must be 0 to ${MAX_DELAY_MS} ms, got ${delayMs}`);
    this.#callback = callback;
    this.#stepMs = stepMs;
    this.#remainingMs = Math.ceil(delayMs);
    this.#armNextStep();
  }

  /** The timer alone does not keep the process alive. */
  unref(): this {
    this.#unref = true;
    this.#handle?.unref();
    return this;
  }

  /** Stops it; the callback will not run. Safe to call more than once, or after it fired. */
  cancel(): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  // Counting steps down rather than reading a clock: each Node timer waits at least its own
  // delay, so the sum of the steps is at least the delay asked for.
  #armNextStep(): void {
    const step = Math.min(this.#remainingMs, this.#stepMs);
    this.#remainingMs -= step;
    this.#handle = setTimeout(() => {
      if (this.#remainingMs > 0) {
        this.#armNextStep();
        return;
      }
      this.#handle = undefined;
      this.#callback();
    }, step);
    if (this.#unref) this.#handle.unref();
  }
}
