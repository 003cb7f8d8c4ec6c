/**
 * The start of a runtime's executor: made when jobs are first queued, started once, and tried
 * again a while after a failed start (its jobs stay queued meanwhile; each distinct failure is
 * warned once). Until the start has resolved, no batch goes to the executor. `detach` ends it for
 * a close: a start in flight settles first, since close is the last call an executor gets.
 */
import type { Executor } from '../types/executor.js';

/** After an executor's start failed: when it is tried again. */
const START_RETRY_MS = 1_000;

export class ExecutorStart {
  readonly #create: () => Executor;
  readonly #onStarted: () => void;
  #executor: Executor | undefined;
  #started = false;
  #starting: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  readonly #failures = new Set<string>();

  /**
   * @param create makes the executor (read when first needed, so a reconfigured runtime's settings apply)
   * @param onStarted called once a start resolved, and when a failed start may be tried again
   */
  constructor(create: () => Executor, onStarted: () => void) {
    this.#create = create;
    this.#onStarted = onStarted;
  }

  /** The executor, once made (started or not): what a stop reaches. */
  get executor(): Executor | undefined {
    return this.#executor;
  }

  /** The executor once its start resolved, which alone may be given batches. */
  get ready(): Executor | undefined {
    return this.#started ? this.#executor : undefined;
  }

  /** Makes the executor if need be and starts it, unless a start is in flight or waits to be tried again. */
  start(): void {
    if (this.#started || this.#starting !== undefined || this.#retry !== undefined) return;
    const executor = (this.#executor ??= this.#create());
    const starting = executor.start();
    this.#starting = starting;
    starting.then(
      () => {
        if (this.#starting !== starting) return;
        this.#starting = undefined;
        this.#started = true;
        this.#onStarted();
      },
      (error: unknown) => {
        if (this.#starting !== starting) return;
        this.#starting = undefined;
        this.#warnOnce(error);
        this.#retry = setTimeout(() => {
          this.#retry = undefined;
          this.#onStarted();
        }, START_RETRY_MS);
      },
    );
  }

  /** Forgets the executor (the next `start` makes another) and resolves once a start in flight is over. */
  async detach(): Promise<void> {
    const starting = this.#starting;
    this.#executor = this.#starting = undefined;
    this.#started = false;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    await starting?.catch(() => {});
  }

  #warnOnce(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.#failures.has(message)) return;
    this.#failures.add(message);
    process.emitWarning(`nimbus: the executor could not start, its jobs wait: ${message}`);
  }
}
