/**
 * When a worker may take another chunk of a type: only while its local runtime would start a job
 * of that type at once (nothing waits locally, its compute units are free). A worker that took
 * chunks it cannot start would hold work that another worker could run now.
 */
import type { ResourceType } from '../types/job-options.js';

/** What the gate asks of the local runtime. */
export interface RoomSource {
  hasRoomFor(type: ResourceType, cores: number): boolean;
}

export class RoomGate {
  readonly #source: RoomSource;
  readonly #waiting = new Map<ResourceType, (() => void)[]>();
  #pending = false;
  #open = false;

  constructor(source: RoomSource) {
    this.#source = source;
  }

  /** Resolves when the runtime has room for a job of `type` (one core: the least any job needs), or the gate opened for good. */
  whenRoom(type: ResourceType): Promise<void> {
    if (this.#open || this.#source.hasRoomFor(type, 1)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.#waiting.get(type);
      if (list) list.push(resolve);
      else this.#waiting.set(type, [resolve]);
    });
  }

  /** Something changed that may have made room (a job dispatched, completed or parked): looked at once per turn of the event loop. */
  reconsider(): void {
    if (this.#pending || this.#waiting.size === 0) return;
    this.#pending = true;
    setImmediate(() => {
      this.#pending = false;
      for (const [type, list] of this.#waiting) {
        if (!this.#source.hasRoomFor(type, 1)) continue;
        this.#waiting.delete(type);
        for (const resolve of list) resolve();
      }
    });
  }

  /** Lets every waiter through, now and from now on (the worker is stopping: its loops end). */
  openForGood(): void {
    this.#open = true;
    for (const list of this.#waiting.values()) for (const resolve of list) resolve();
    this.#waiting.clear();
  }
}
