/**
 * Queued jobs of one resource type, lowest priority number first, then oldest first. Priorities
 * are few in practice, so each has its own FIFO: push and shift are O(1) for the common case of
 * one priority. Removal is lazy: a job that left the queued state stays in its FIFO until it
 * reaches the front, where `isLive` says to drop it.
 */

class Fifo {
  #items: number[] = [];
  /** Only items from #head onward are live: shifting moves the head instead of the array. */
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(jid: number): void {
    this.#items.push(jid);
  }

  peek(): number | undefined {
    return this.#items[this.#head];
  }

  shift(): number | undefined {
    const jid = this.#items[this.#head++];
    // Compact once the dead prefix is half the array: keeps shifts amortised O(1) and memory bounded.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return jid;
  }
}

export class ReadyQueue {
  readonly #isLive: (jid: number) => boolean;
  readonly #fifos = new Map<number, Fifo>();
  /** The priorities that have a FIFO, ascending. */
  #priorities: number[] = [];
  /** Live and dead entries: an upper bound of the jobs waiting here. */
  #size = 0;

  constructor(isLive: (jid: number) => boolean) {
    this.#isLive = isLive;
  }

  get size(): number {
    return this.#size;
  }

  push(jid: number, priority: number): void {
    let fifo = this.#fifos.get(priority);
    if (!fifo) {
      fifo = new Fifo();
      this.#fifos.set(priority, fifo);
      this.#priorities.push(priority);
      this.#priorities.sort((a, b) => a - b);
    }
    fifo.push(jid);
    this.#size++;
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
    for (const priority of this.#priorities) {
      const fifo = this.#fifos.get(priority)!;
      for (let jid = fifo.peek(); jid !== undefined && !this.#isLive(jid); jid = fifo.peek()) {
        fifo.shift();
        this.#size--;
      }
      if (fifo.size > 0) return fifo;
    }
    this.#dropEmptyFifos();
    return undefined;
  }

  #dropEmptyFifos(): void {
    for (const priority of this.#priorities) {
      if (this.#fifos.get(priority)!.size === 0) this.#fifos.delete(priority);
    }
    this.#priorities = this.#priorities.filter((priority) => this.#fifos.has(priority));
  }
}
