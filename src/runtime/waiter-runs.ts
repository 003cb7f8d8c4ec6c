/**
 * Waits registered on a run of consecutive jids (a map's, waited on by `result` or `join`): once
 * per block of BLOCK jids the run covers, not once per jid, so a wait on a million jobs makes a
 * thousand entries instead of a million (and no index sized by the highest jid). A completing
 * jid looks in its block only: a check per run waiter there, usually none or one.
 */

const BLOCK_SHIFT = 10;
/**
 * Shorter waits are registered jid by jid: each run costs a check per completion of any jid in
 * its blocks, which a run this long pays back.
 */
export const MIN_RUN = 1 << BLOCK_SHIFT;

interface RunWaiter<W> {
  readonly first: number;
  /** Past the run's last jid. */
  readonly end: number;
  readonly waiter: W;
}

export class WaiterRuns<W extends { completed(jid: number): void }> {
  /** The run waiters of each block of jids (jid >>> BLOCK_SHIFT). */
  readonly #byBlock: (RunWaiter<W>[] | undefined)[] = [];
  #count = 0;

  /** True when `jids` are one ascending run of consecutive jids, long enough to register as one. */
  static isRun(jids: readonly number[]): boolean {
    if (jids.length < MIN_RUN) return false;
    const first = jids[0]!;
    for (let i = 1; i < jids.length; i++) if (jids[i] !== first + i) return false;
    return true;
  }

  /** `waiter` is told of each jid from `first` to `end - 1` that completes, until removed. */
  add(first: number, end: number, waiter: W): void {
    const entry: RunWaiter<W> = { first, end, waiter };
    for (let block = first >>> BLOCK_SHIFT; block <= (end - 1) >>> BLOCK_SHIFT; block++) (this.#byBlock[block] ??= []).push(entry);
    this.#count++;
  }

  remove(first: number, end: number, waiter: W): void {
    for (let block = first >>> BLOCK_SHIFT; block <= (end - 1) >>> BLOCK_SHIFT; block++) {
      // A new list, never one changed in place: a completion may be walking the old one.
      const left = this.#byBlock[block]?.filter((entry) => entry.waiter !== waiter);
      this.#byBlock[block] = left?.length === 0 ? undefined : left;
    }
    this.#count--;
  }

  /** Tells the run waiters whose run holds `jid`. */
  completed(jid: number): void {
    if (this.#count === 0) return;
    const block = this.#byBlock[jid >>> BLOCK_SHIFT];
    if (block === undefined) return;
    for (let i = 0; i < block.length; i++) {
      const entry = block[i]!;
      if (jid >= entry.first && jid < entry.end) entry.waiter.completed(jid);
    }
  }
}
