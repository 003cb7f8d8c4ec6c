/**
 * The batches dispatched and not over, by id: a job's `table.batch` names its batch (0: none),
 * and ids of ended batches are reused, so the list stays as long as the most batches ever running
 * at once. A column and a list instead of a map from every dispatched jid: dispatching and
 * completing a job touch no hash table. It also counts the waits each running job is in (a job
 * that waits on other jobs lends its batch's compute units out meanwhile).
 */
import type { JobTable } from './job-table.js';
import type { RunningBatch, UnitLedger } from './unit-ledger.js';

export class DispatchedBatches {
  readonly #table: JobTable;
  readonly #batches: (RunningBatch | undefined)[] = [undefined];
  readonly #freeIds: number[] = [];
  /** Jobs dispatched and not accounted for yet. */
  #jobs = 0;
  /** Waits in progress per dispatched job (a job may wait on several things at once); usually empty. */
  readonly #waits = new Map<number, number>();

  constructor(table: JobTable) {
    this.#table = table;
  }

  /** Jobs dispatched whose outcome is not accounted for yet. */
  get jobs(): number {
    return this.#jobs;
  }

  add(batch: RunningBatch, jids: readonly number[]): void {
    const id = this.#freeIds.pop() ?? this.#batches.length;
    this.#batches[id] = batch;
    this.#jobs += jids.length;
    for (let i = 0; i < jids.length; i++) this.#table.batch[jids[i]!] = id;
  }

  /** The job begins a wait: its batch, if it is dispatched. */
  waitBegins(jid: number): RunningBatch | undefined {
    const batch = this.#batches[this.#table.batch[jid]!];
    if (batch) this.#waits.set(jid, (this.#waits.get(jid) ?? 0) + 1);
    return batch;
  }

  /** A wait of the job is over: its batch, if the job was in one. */
  waitEnds(jid: number): RunningBatch | undefined {
    const waits = this.#waits.get(jid);
    if (waits === undefined) return undefined;
    if (waits > 1) this.#waits.set(jid, waits - 1);
    else this.#waits.delete(jid);
    return this.#batches[this.#table.batch[jid]!];
  }

  /**
   * The job leaves its batch (it completed, or goes back to the queue): `units` is told with
   * the waits it was still in, and a batch with no open job left is over.
   */
  leave(jid: number, units: UnitLedger): void {
    const t = this.#table;
    const id = t.batch[jid]!;
    if (id === 0) return;
    const batch = this.#batches[id]!;
    t.batch[jid] = 0;
    this.#jobs--;
    const waits = this.#waits.size === 0 ? undefined : this.#waits.get(jid);
    if (waits !== undefined) this.#waits.delete(jid);
    units.memberLeft(batch, waits ?? 0);
    if (batch.open === 0) {
      this.#batches[id] = undefined;
      this.#freeIds.push(id);
    }
  }
}
