/**
 * Which jobs each job started: what a recursive kill follows. A job's submissions are kept as
 * ranges of consecutive ids (a map of a thousand children is one range), so a job tree costs a
 * few numbers per submission, not per child. It knows ids only, never statuses: the runtime
 * decides which of the jobs it names are still to kill.
 */

export class JobTree {
  /** Per parent, its children as flat pairs: first id, count. Only parents that started jobs are here. */
  readonly #children = new Map<number, number[]>();

  /** `count` jobs from `first` on were started by `parent`. */
  add(parent: number, first: number, count: number): void {
    const ranges = this.#children.get(parent);
    if (ranges) ranges.push(first, count);
    else this.#children.set(parent, [first, count]);
  }

  /**
   * Every job these jobs started, and the jobs those started, however deep, each once, roots
   * excluded. Children have larger ids than their parents, so the walk cannot loop.
   */
  descendants(roots: readonly number[]): number[] {
    const found: number[] = [];
    const next = [...roots];
    for (let parent = next.pop(); parent !== undefined; parent = next.pop()) {
      const ranges = this.#children.get(parent);
      if (!ranges) continue;
      for (let i = 0; i < ranges.length; i += 2) {
        for (let jid = ranges[i]!; jid < ranges[i]! + ranges[i + 1]!; jid++) {
          found.push(jid);
          next.push(jid);
        }
      }
    }
    return found;
  }

  /** A deleted job's own submissions are no longer followed (its children keep theirs). */
  forget(parent: number): void {
    this.#children.delete(parent);
  }
}
