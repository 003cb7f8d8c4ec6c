/**
 * How a thread batch is stopped: the one-shot signal piscina takes (its `AbortSignalEventTarget`
 * shape), which terminates the thread running the task. An AbortController per batch costs an
 * EventTarget, its listener records and a weak reference on the host's main thread; a batch
 * needs one listener and one abort, so this holds one listener and calls it once.
 */
export class BatchAbort {
  aborted = false;
  readonly reason = undefined;
  #listener: (() => void) | undefined;

  addEventListener(_name: 'abort', listener: () => void): void {
    this.#listener = listener;
  }

  removeEventListener(_name: 'abort', listener: () => void): void {
    if (this.#listener === listener) this.#listener = undefined;
  }

  /** Stops the batch: piscina ends its task, and its thread if the task is running. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.();
  }
}
