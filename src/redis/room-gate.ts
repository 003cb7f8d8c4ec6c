/**
 * When a worker may take another chunk of a type: while its local runtime would start a job of
 * that type at once (nothing waits locally, its compute units are free). A worker that took
 * chunks it cannot start would hold work that another worker could run now. One exception keeps
 * short jobs flowing: when the type's chunks run quickly, the worker may hold one chunk in
 * reserve (taken once everything it holds has started), so that its slots do not idle while it
 * fetches the next; holding it delays others by less than a short chunk's run.
 */
import type { ResourceType } from '../types/job-options.js';

/** A chunk that ran this long or less (from submitted to written) counts as short: its type may keep one in reserve. */
export const SHORT_CHUNK_MS = 1_000;

/** What the gate asks of the local runtime. */
export interface RoomSource {
  hasRoomFor(type: ResourceType, cores: number): boolean;
  /** True when some job waits in the local runtime's queues. */
  readonly hasQueued: boolean;
}

interface Waiter {
  reserve: boolean;
  resolve: () => void;
}

export class RoomGate {
  readonly #source: RoomSource;
  readonly #waiting = new Map<ResourceType, Waiter[]>();
  #pending = false;
  #open = false;

  constructor(source: RoomSource) {
    this.#source = source;
  }

  /**
   * Resolves when the runtime has room for a job of `type` (one core: the least any job needs),
   * or, with `reserve`, as soon as nothing waits in it; or once the gate opened for good.
   */
  whenRoom(type: ResourceType, reserve = false): Promise<void> {
    if (this.#open || this.#hasRoom(type, reserve)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.#waiting.get(type);
      if (list) list.push({ reserve, resolve });
      else this.#waiting.set(type, [{ reserve, resolve }]);
    });
  }

  /** Something changed that may have made room (a job dispatched, completed or parked): looked at once per turn of the event loop. */
  reconsider(): void {
    if (this.#pending || this.#waiting.size === 0) return;
    this.#pending = true;
    setImmediate(() => {
      this.#pending = false;
      for (const [type, list] of this.#waiting) {
        const through = list.filter((waiter) => this.#hasRoom(type, waiter.reserve));
        if (through.length === 0) continue;
        const left = list.filter((waiter) => !through.includes(waiter));
        if (left.length === 0) this.#waiting.delete(type);
        else this.#waiting.set(type, left);
        for (const waiter of through) waiter.resolve();
      }
    });
  }

  /** Lets every waiter through, now and from now on (the worker is stopping: its loops end). */
  openForGood(): void {
    this.#open = true;
    for (const list of this.#waiting.values()) for (const waiter of list) waiter.resolve();
    this.#waiting.clear();
  }

  #hasRoom(type: ResourceType, reserve: boolean): boolean {
    return this.#source.hasRoomFor(type, 1) || (reserve && !this.#source.hasQueued);
  }
}
