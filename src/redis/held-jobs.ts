/**
 * The jobs a worker holds: claimed in Redis for this worker, and from then on known by two ids,
 * the Redis jid (global) and the id its local runtime gave it (local). A job is held from its claim
 * until its outcome is written; a chunk's run waits here for its jobs. Only held jobs are mapped,
 * so a worker that runs jobs for months keeps no trace of the finished ones.
 */

/** A group of jobs some caller waits on (a chunk's): resolved when the last is written complete. */
interface Group {
  left: number;
  resolve: () => void;
}

export class HeldJobs {
  readonly #localOf = new Map<number, number>();
  readonly #globalOf = new Map<number, number>();
  /** Jobs being claimed or submitted: a kill that names one is remembered until it is submitted. */
  readonly #arriving = new Set<number>();
  readonly #killedOnArrival = new Set<number>();
  readonly #groupOf = new Map<number, Group>();

  /** Jobs held and submitted to the local runtime. */
  get size(): number {
    return this.#localOf.size;
  }

  /** These jobs are about to be claimed: a kill naming them from now on is not missed. */
  arriving(globals: readonly number[]): void {
    for (const global of globals) this.#arriving.add(global);
  }

  /** Claimed and not going to run here (skipped, lost, held elsewhere, refused). */
  notArriving(globals: readonly number[]): void {
    for (const global of globals) {
      this.#arriving.delete(global);
      this.#killedOnArrival.delete(global);
    }
  }

  /** A job submitted to the local runtime as `local`; true when a kill named it on its way (kill it now). */
  hold(global: number, local: number): boolean {
    this.#localOf.set(global, local);
    this.#globalOf.set(local, global);
    this.#arriving.delete(global);
    const killed = this.#killedOnArrival.delete(global);
    return killed;
  }

  /** A kill names `global`: its local id when it runs here; remembered when it is on its way. */
  killed(global: number): number | undefined {
    const local = this.#localOf.get(global);
    if (local === undefined && this.#arriving.has(global)) this.#killedOnArrival.add(global);
    return local;
  }

  toLocal(global: number): number | undefined {
    return this.#localOf.get(global);
  }

  toGlobal(local: number): number | undefined {
    return this.#globalOf.get(local);
  }

  /** Every held job: [global, local]. */
  entries(): IterableIterator<[number, number]> {
    return this.#localOf.entries();
  }

  /** Resolves when each of these held jobs has been written complete (at once for none). */
  whenWritten(globals: readonly number[]): Promise<void> {
    const waiting = globals.filter((global) => this.#localOf.has(global));
    if (waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const group: Group = { left: waiting.length, resolve };
      for (const global of waiting) this.#groupOf.set(global, group);
    });
  }

  /** The job's outcome is in Redis: it is held no more. */
  written(global: number): void {
    const local = this.#localOf.get(global);
    if (local === undefined) return;
    this.#localOf.delete(global);
    this.#globalOf.delete(local);
    const group = this.#groupOf.get(global);
    if (!group) return;
    this.#groupOf.delete(global);
    if (--group.left === 0) group.resolve();
  }
}
