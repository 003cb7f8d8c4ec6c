/**
 * Queued jobs of one resource type: lowest priority number first; among equal priorities, jobs
 * started by deeper jobs first (a parent waiting on its children is freed by its children, not by
 * its siblings, so nesting finishes depth-first and few parents wait at once); then oldest first.
 * Priorities and depths are few in practice, so each pair has its own FIFO (a lane): push and
 * shift are O(1) for the common case of one lane. Removal is lazy: a job that left the queued
 * state stays in its FIFO until it reaches the front, where `isLive` says to drop it.
 */

class Fifo {
  #items: number[] = [];
  /** Only items from #head up to #tail are live: shifting moves the head instead of the array. */
  #head = 0;
  #tail = 0;

  get size(): number {
    return this.#tail - this.#head;
  }

  push(jid: number): void {
    // Grown in doubling steps by its length: a map queues a million jobs here, and writes by
    // index into a sized array cost a fraction of pushes that grow it a little at a time.
    if (this.#tail === this.#items.length) this.#items.length = Math.max(MIN_FIFO_ROOM, 2 * this.#items.length);
    this.#items[this.#tail++] = jid;
  }

  peek(): number | undefined {
    return this.#head < this.#tail ? this.#items[this.#head] : undefined;
  }

  shift(): number | undefined {
    if (this.#head === this.#tail) return undefined;
    const jid = this.#items[this.#head++];
    // Emptied: start again at the front, in the room it has (lone jobs pushed and shifted one
    // by one never grow it).
    if (this.#head === this.#tail) {
      this.#head = this.#tail = 0;
      return jid;
    }
    // Compact once the dead prefix is half the array: keeps shifts amortised O(1) and memory bounded.
    if (this.#head > 1024 && this.#head * 2 > this.#tail) {
      this.#items = this.#items.slice(this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
    }
    return jid;
  }
}

/** The room a FIFO starts with, in jobs. */
const MIN_FIFO_ROOM = 16;
/**
 * Empty lanes kept while the queue is empty: a lone job after another comes back to its lane
 * instead of making it again (its key, a Map entry, a sort) and dropping it once shifted.
 */
const KEPT_EMPTY_LANES = 4;

interface Lane {
  readonly priority: number;
  readonly depth: number;
  readonly fifo: Fifo;
}

export class ReadyQueue {
  readonly #isLive: (jid: number) => boolean;
  readonly #lanes = new Map<string, Lane>();
  /** The lanes in the order they are served: priority ascending, then depth descending. */
  #order: Lane[] = [];
  /** The lane pushed to last: a map pushes its jobs into one lane, without building its key each time. */
  #lastPushed: Lane | undefined;
  /** Live and dead entries: an upper bound of the jobs waiting here. */
  #size = 0;

  constructor(isLive: (jid: number) => boolean) {
    this.#isLive = isLive;
  }

  get size(): number {
    return this.#size;
  }

  /** @param depth how many jobs started this one's chain of parents (0: the user's own) */
  push(jid: number, priority: number, depth = 0): void {
    let lane = this.#lastPushed;
    if (lane?.priority !== priority || lane.depth !== depth) lane = this.#laneOf(priority, depth);
    lane.fifo.push(jid);
    this.#size++;
  }

  #laneOf(priority: number, depth: number): Lane {
    const key = `${priority}/${depth}`;
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { priority, depth, fifo: new Fifo() };
      this.#lanes.set(key, lane);
      this.#order.push(lane);
      this.#order.sort((a, b) => a.priority - b.priority || b.depth - a.depth);
    }
    this.#lastPushed = lane;
    return lane;
  }

  /** The next live job, left in place. */
  peek(): number | undefined {
    return this.#frontFifo()?.peek();
  }

  /** Removes and returns the next live job. */
  shift(): number | undefined {
    const fifo = this.#frontFifo();
    if (!fifo) return undefined;
    this.#size--;
    return fifo.shift();
  }

  /** The FIFO whose head is the next live job, after dropping dead heads on the way. */
  #frontFifo(): Fifo | undefined {
    for (const { fifo } of this.#order) {
      for (let jid = fifo.peek(); jid !== undefined && !this.#isLive(jid); jid = fifo.peek()) {
        fifo.shift();
        this.#size--;
      }
      if (fifo.size > 0) return fifo;
    }
    // Every lane is empty here: a few are kept for the jobs to come, many would slow each look.
    if (this.#order.length > KEPT_EMPTY_LANES) this.#dropLanes();
    return undefined;
  }

  #dropLanes(): void {
    this.#lanes.clear();
    this.#order = [];
    this.#lastPushed = undefined;
  }
}
