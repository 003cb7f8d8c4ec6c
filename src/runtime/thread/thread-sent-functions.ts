/**
 * What the host sent one worker thread of the functions it runs: shapes by function id, data by
 * hash. With a thread of its own for each batch (thread-pool.ts), the host knows which thread has
 * what, so a batch carries only what its thread was not sent, and a lone job's batch carries its
 * function by reference: no shape to clone each way. Large data still crosses shared
 * (function-wire.ts threadFunction). A thread that let go of something (its cache is bounded)
 * asks, and the answer is whole. This record dies with its WorkerThread.
 */
import type { ShippedFunction } from '../../types/shipped-function.js';
import type { WireFunction } from '../../types/wire-function.js';
import { dataHashOf, partialFunction, threadFunction } from '../../wire/function-wire.js';

/** Past this many ids or hashes, the record starts again: the thread fetches what it lacks. */
const MAX_REMEMBERED = 10_000;

export class ThreadSentFunctions {
  readonly #shapes = new Set<string>();
  readonly #data = new Set<string>();

  /** `fn` as the next batch carries it to this thread; from now on the thread is taken to have it. */
  next(fn: ShippedFunction): WireFunction {
    const hash = dataHashOf(fn);
    const hasShape = this.#shapes.has(fn.id);
    const hasData = hash === undefined || this.#data.has(hash);
    if (hasShape && hasData) return partialFunction(fn, true, true);
    this.#remember(this.#shapes, fn.id);
    if (hash !== undefined) this.#remember(this.#data, hash);
    if (!hasShape) return hasData && hash !== undefined ? partialFunction(fn, false, true) : threadFunction(fn);
    // The shape is there, the data is not: the data travels as a thread gets it (shared when large).
    return { ...partialFunction(fn, true, false), data: threadFunction(fn).data };
  }

  /** The whole of `fn`, for a thread that asked. */
  whole(fn: ShippedFunction): WireFunction {
    return threadFunction(fn);
  }

  #remember(set: Set<string>, key: string): void {
    if (set.size >= MAX_REMEMBERED) set.clear();
    set.add(key);
  }
}
