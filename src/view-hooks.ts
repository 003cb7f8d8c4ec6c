/**
 * What a `cloud.with(...)` view does beyond the options its jobs carry: with a `signal`, it kills
 * its unfinished jobs when the signal aborts (and refuses new ones once it has); with `onDone` /
 * `onError`, it calls back, in the caller's thread, as each of its jobs completes. It follows its
 * jobs with the same waits `iresultUnordered` makes, which hold no timer or handle: following never
 * keeps a process alive, and nothing it does can end as an unhandled rejection (what fails is
 * reported as a process warning, ERR_CALLBACK_FAILED).
 */
import { CloudException, errors } from './errors.js';
import type { Jid } from './types/jid.js';
import type { JobRequests, WaitVerdict } from './types/job-service.js';
import { resultAt } from './wire/verdict-results.js';

export interface ViewOptions {
  /** When it aborts, the view's unfinished jobs are killed (with what they started); later call/map reject with its reason. */
  signal?: AbortSignal;
  /** Called with the jid when a job of the view ends done. */
  onDone?: (jid: Jid) => unknown;
  /** Called with the jid and its CloudException when a job of the view ends error, killed or stalled. */
  onError?: (jid: Jid, error: CloudException) => unknown;
}

/** A view whose signal aborted takes no more jobs: `call` and `map` reject with the signal's reason, as fetch does. */
export function refuseIfAborted(view: ViewOptions): void {
  // The reason as the user gave it (an AbortError DOMException by default), as fetch rejects.
  if (view.signal?.aborted) throw view.signal.reason;
}

/** True when `view` follows its jobs at all: it has a signal or a callback. */
export function followsJobs(view: ViewOptions): boolean {
  return Boolean(view.signal || view.onDone || view.onError);
}

/** Follows the `count` jobs from `first` on, just submitted through `view`, for its signal and callbacks. */
export function followJobs(view: ViewOptions, service: JobRequests, first: number, count: number): void {
  if (!followsJobs(view)) return;
  new Following(
    view,
    service,
    Array.from({ length: count }, (_, i) => first + i),
  ).start();
}

/** The jobs of one submission, followed until each is complete. */
class Following {
  readonly #view: ViewOptions;
  readonly #service: JobRequests;
  /** The jobs not known complete yet: what an abort kills. */
  #remaining: number[];
  readonly #onAbort = () => this.#kill();

  constructor(view: ViewOptions, service: JobRequests, jids: number[]) {
    this.#view = view;
    this.#service = service;
    this.#remaining = jids;
  }

  start(): void {
    const signal = this.#view.signal;
    if (signal?.aborted) return this.#kill();
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#follow()
      .catch((error: unknown) => report(errors.followFailed('following the jobs of a view', error)))
      .finally(() => signal?.removeEventListener('abort', this.#onAbort));
  }

  /**
   * With callbacks, as each job completes (an `any` wait, as iresultUnordered makes); with only a
   * signal, one wait for them all is enough.
   */
  async #follow(): Promise<void> {
    const callbacks = this.#view.onDone !== undefined || this.#view.onError !== undefined;
    while (this.#remaining.length > 0) {
      const verdict = await this.#service.wait({
        jids: this.#remaining,
        values: callbacks,
        any: callbacks,
        timeout: undefined,
        ignoreErrors: true,
        caller: undefined,
      });
      if (verdict.kind !== 'complete') return;
      const complete = new Set(verdict.jids);
      this.#remaining = this.#remaining.filter((jid) => !complete.has(jid));
      if (callbacks) this.#callBack(verdict);
    }
  }

  #callBack({ jids, results }: Extract<WaitVerdict, { kind: 'complete' }>): void {
    const { onDone, onError } = this.#view;
    for (let i = 0; i < jids.length; i++) {
      const jid = jids[i]!;
      const result = resultAt(results!, i);
      if (result.ok) call('onDone', jid, () => onDone?.(jid));
      else call('onError', jid, () => onError?.(jid, new CloudException(result.failure)));
    }
  }

  #kill(): void {
    const jids = this.#remaining;
    if (jids.length === 0) return;
    this.#service.kill(jids, true).catch((error: unknown) => report(errors.followFailed(`killing the jobs of an aborted view (${jids.length})`, error)));
  }
}

/** Calls a user's callback; what it throws, or the promise it returns rejects with, is reported and goes no further. */
function call(name: string, jid: number, body: () => unknown): void {
  try {
    const returned = body();
    if (isThenable(returned)) returned.then(undefined, (thrown: unknown) => report(errors.callbackFailed(name, jid, thrown)));
  } catch (thrown) {
    report(errors.callbackFailed(name, jid, thrown));
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** A failure no caller can receive: a process warning (`process.on('warning')` sees the CloudError and its code). */
function report(error: Error): void {
  process.emitWarning(error);
}
