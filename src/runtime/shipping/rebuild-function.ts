/** Turns a shipped function back into a function, once per function per thread. */
import type { ShippedFunction } from '../../types/shipped-function.js';
import { CLOUD_BINDING } from './ship-function.js';

export type JobFunction = (...args: unknown[]) => unknown;

export class FunctionCache {
  readonly #rebuilt = new Map<string, JobFunction>();
  readonly #cloud: unknown;

  /** @param cloud what the name `cloud` means inside rebuilt functions: the job's own client */
  constructor(cloud: unknown) {
    this.#cloud = cloud;
  }

  rebuild(shipped: ShippedFunction): JobFunction {
    let fn = this.#rebuilt.get(shipped.id);
    if (!fn) {
      // The source was parsed before it was shipped; evaluating it only creates the function.
      fn = new Function(CLOUD_BINDING, `return ${shipped.source};`)(this.#cloud) as JobFunction;
      this.#rebuilt.set(shipped.id, fn);
    }
    return fn;
  }
}
