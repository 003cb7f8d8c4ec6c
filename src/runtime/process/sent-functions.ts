/**
 * What the host sent one worker process of the functions it runs: shapes by function id, data by
 * hash. A batch then carries only what the process was not sent (function-wire.ts). The process
 * may have let go of some of it since (its cache is bounded): it asks, and the answer is whole.
 * This record dies with its WorkerProcess, so a replaced worker starts with nothing.
 */
import type { ShippedFunction } from '../../types/shipped-function.js';
import type { WireFunction } from '../../types/wire-function.js';
import { dataHashOf, partialFunction } from '../../wire/function-wire.js';

/** Past this many ids or hashes, the record starts again: the worker fetches what it lacks. */
const MAX_REMEMBERED = 10_000;

export class SentFunctions {
  readonly #shapes = new Set<string>();
  readonly #data = new Set<string>();

  /** `fn` as the next batch carries it to this worker; from now on the worker is taken to have it. */
  next(fn: ShippedFunction): WireFunction {
    const hash = dataHashOf(fn);
    const wire = partialFunction(fn, this.#shapes.has(fn.id), hash !== undefined && this.#data.has(hash));
    this.#remember(this.#shapes, fn.id);
    if (hash !== undefined) this.#remember(this.#data, hash);
    return wire;
  }

  #remember(set: Set<string>, key: string): void {
    if (set.size >= MAX_REMEMBERED) set.clear();
    set.add(key);
  }
}
