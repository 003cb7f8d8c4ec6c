/**
 * The shipped functions a worker has read from Redis, by id (content-addressed): a function
 * travels once per worker, however many chunks run it. The most recently used are kept.
 */
import type { ShippedFunction } from '../types/shipped-function.js';
import type { RedisRecords } from './redis-records.js';

/** Functions kept; a worker that runs more distinct ones reads the oldest again when needed. */
const KEPT = 256;

export class ShippedFunctions {
  readonly #records: Pick<RedisRecords, 'shippedFunction'>;
  /** In order of last use, oldest first (a Map keeps insertion order). */
  readonly #byId = new Map<string, Promise<ShippedFunction>>();

  constructor(records: Pick<RedisRecords, 'shippedFunction'>) {
    this.#records = records;
  }

  get(id: string): Promise<ShippedFunction> {
    let fn = this.#byId.get(id);
    if (fn) {
      this.#byId.delete(id);
    } else {
      fn = this.#records.shippedFunction(id);
      // A failed read is tried again by the next chunk.
      const read = fn;
      read.catch(() => {
        if (this.#byId.get(id) === read) this.#byId.delete(id);
      });
    }
    this.#byId.set(id, fn);
    if (this.#byId.size > KEPT) this.#byId.delete(this.#byId.keys().next().value!);
    return fn;
  }
}
