/**
 * The batches an executor has handed to workers and not yet seen end, found from any of their
 * jobs. A job is looked up only to be stopped, or when its worker speaks of it: rare next to
 * dispatching and reporting. So a lookup scans the few batches in flight (one per busy worker)
 * instead of a map entry per dispatched job, which every job of a trivial map would pay for
 * twice (a set, a delete) on the host's main thread.
 */

export interface InFlightBatch {
  readonly batch: { readonly jids: readonly number[] };
}

export class BatchesInFlight<B extends InFlightBatch> {
  readonly #batches = new Set<B>();

  get size(): number {
    return this.#batches.size;
  }

  add(batch: B): void {
    this.#batches.add(batch);
  }

  delete(batch: B): void {
    this.#batches.delete(batch);
  }

  /** The batch in flight that holds `jid`, if one does. */
  holding(jid: number): B | undefined {
    for (const batch of this.#batches) if (batch.batch.jids.includes(jid)) return batch;
    return undefined;
  }

  [Symbol.iterator](): IterableIterator<B> {
    return this.#batches.values();
  }
}
