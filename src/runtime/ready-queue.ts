/**
 * Queued jobs of one resource type: lowest priority number first; among equal priorities, jobs
 * started by deeper jobs first (a parent waiting on its children is freed by its children, not by
 * its siblings, so nesting finishes depth-first and few parents wait at once); then oldest first.
 * Priorities and depths are few in practice, so each pair has its own FIFO (a lane): push and
 * shift are O(1) for the common case of one lane. Removal is lazy: a job that left the queued
 * state stays in its FIFO until it reaches the front, where `isLive` says to drop it.
 */

/**
 * A FIFO of jids kept as runs of consecutive jids: a map's million jobs, queued in jid order, are
 * one run (a pair of numbers), not a million entries; a jid pushed right after the one before it
 * (calls in a loop) extends the last run. Pushing a run and shifting from the front are O(1).
 */
class Fifo {
  /** Runs as pairs: `#runs[k]` the run's next jid, `#runs[k + 1]` past its last. */
  #runs: number[] = [];
  /** Only the pairs from #head up to #tail are live: shifting moves the head instead of the array. */
  #head = 0;
  #tail = 0;
  #size = 0;

  /** Jobs in it. */
  get size(): number {
    return this.#size;
  }

  push(jid: number): void {
    this.pushRun(jid, jid + 1);
  }

  /** Appends the jids `first` to `end - 1`, in order. */
  pushRun(first: number, end: number): void {
    if (end <= first) return;
    this.#size += end - first;
    const runs = this.#runs;
    if (this.#tail > this.#head && runs[this.#tail - 1] === first) {
      runs[this.#tail - 1] = end;
      return;
    }
    runs[this.#tail] = first;
    runs[this.#tail + 1] = end;
    this.#tail += 2;
  }

  peek(): number | undefined {
    return this.#head < this.#tail ? this.#runs[this.#head] : undefined;
  }

  shift(): number | undefined {
    if (this.#head === this.#tail) return undefined;
    const runs = this.#runs;
    const jid = runs[this.#head]!;
    this.#size--;
    if (jid + 1 < runs[this.#head + 1]!) {
      runs[this.#head] = jid + 1;
      return jid;
    }
    this.#head += 2;
    // Emptied: start again at the front, in the room it has.
    if (this.#head === this.#tail) {
      this.#head = this.#tail = 0;
      return jid;
    }
    // Compact once the dead prefix is half the array: keeps shifts amortised O(1) and memory bounded.
    if (this.#head > 2048 && this.#head * 2 > this.#tail) {
      this.#runs = runs.slice(this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
    }
    return jid;
  }
}

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
    this.pushRun(jid, jid + 1, priority, depth);
  }

  /** Queues the jids `first` to `end - 1` (one submission's: they share priority and depth), in order. */
  pushRun(first: number, end: number, priority: number, depth = 0): void {
    let lane = this.#lastPushed;
    if (lane?.priority !== priority || lane.depth !== depth) lane = this.#laneOf(priority, depth);
    lane.fifo.pushRun(first, end);
    this.#size += end - first;
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

  /**
   * Moves the next live jobs into `into` from index `count` on, while `rides` accepts each and
   * fewer than `max` are there; returns the new count. One look for the front per lane, not a
   * peek and a shift per job (a batch takes hundreds of a map's jobs at once).
   */
  shiftWhile(into: number[], count: number, max: number, rides: (jid: number) => boolean): number {
    for (let fifo = this.#frontFifo(); fifo !== undefined && count < max; fifo = this.#frontFifo()) {
      for (let jid = fifo.peek(); jid !== undefined && count < max; jid = fifo.peek()) {
        if (this.#isLive(jid)) {
          if (!rides(jid)) return count;
          into[count++] = jid;
        }
        fifo.shift();
        this.#size--;
      }
    }
    return count;
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
