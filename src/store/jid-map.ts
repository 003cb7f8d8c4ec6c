/**
 * Translates between a runtime's own job ids (indexes of its job table, from 1) and the jids a
 * durable store hands out, which other processes share. Both grow in ranges; a range is one
 * `map` or `call`, so a process holds few, and a lookup is a binary search over them.
 */

interface Range {
  local: number;
  global: number;
  count: number;
}

export class JidMap {
  /** Ranges in the order they were added: ascending local ids. */
  readonly #byLocal: Range[] = [];
  /** The same ranges, ascending global jids. */
  #byGlobal: Range[] = [];

  add(local: number, global: number, count: number): void {
    const last = this.#byLocal.at(-1);
    if (last && last.local + last.count === local && last.global + last.count === global) {
      last.count += count;
      return;
    }
    const range = { local, global, count };
    this.#byLocal.push(range);
    this.#byGlobal = [...this.#byGlobal, range].sort((a, b) => a.global - b.global);
  }

  /** This runtime's id for a jid, or undefined when the job is not this runtime's. */
  toLocal(global: number): number | undefined {
    const range = find(this.#byGlobal, global, (r) => r.global);
    return range && range.local + (global - range.global);
  }

  toGlobal(local: number): number {
    const range = find(this.#byLocal, local, (r) => r.local)!;
    return range.global + (local - range.local);
  }
}

/** The range holding `id`, by binary search on ranges sorted by `start`. */
function find(ranges: readonly Range[], id: number, start: (range: Range) => number): Range | undefined {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = ranges[middle]!;
    if (id < start(range)) high = middle - 1;
    else if (id >= start(range) + range.count) low = middle + 1;
    else return range;
  }
  return undefined;
}
