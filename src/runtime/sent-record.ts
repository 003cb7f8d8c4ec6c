/**
 * What the host sent one worker (a process or a thread) of the functions it runs: shapes by
 * function id, data by hash. A batch then carries only what its worker was not sent
 * (function-wire.ts partialFunction); how the bytes that do travel cross is the executor's
 * business (a file for a process, shared memory for a thread). The worker may have let go of some
 * of it since (its cache is bounded): it asks, and the answer is whole. The record dies with its
 * worker, so a replaced worker starts with nothing.
 */
import type { ShippedFunction } from '../types/shipped-function.js';
import type { WireFunction } from '../types/wire-function.js';
import { dataHashOf, partialFunction } from '../wire/function-wire.js';

/** Past this many ids or hashes, the record starts again: the worker fetches what it lacks. */
const MAX_REMEMBERED = 10_000;

export class SentRecord {
  readonly #shapes = new Set<string>();
  readonly #data = new Set<string>();

  /** `fn` as the next batch carries it to this worker; from now on the worker is taken to have all of it. */
  next(fn: ShippedFunction): WireFunction {
    const hash = dataHashOf(fn);
    const wire = partialFunction(fn, this.#shapes.has(fn.id), hash !== undefined && this.#data.has(hash));
    remember(this.#shapes, fn.id);
    if (hash !== undefined) remember(this.#data, hash);
    return wire;
  }
}

function remember(set: Set<string>, key: string): void {
  if (set.size >= MAX_REMEMBERED) set.clear();
  set.add(key);
}
