/**
 * Who holds the compute units of one runtime. A dispatched batch holds its units until its last
 * job is accounted for, except while it is parked: its jobs wait on other jobs and lend the
 * units out. Parking is bounded (maxParked), because each parked batch keeps a worker: past the
 * bound a waiting batch keeps its units, unless every batch that holds units waits, when one
 * more parks, or nothing could ever run again. Pure bookkeeping: the scheduler says when.
 */
import { RESOURCE_TYPES } from '../types/job-options.js';

/** A dispatched batch: what it holds, and how many of its jobs are still open or waiting. */
export interface RunningBatch {
  readonly typeIndex: number;
  readonly computeUnits: number;
  /** Members not yet complete or returned. */
  open: number;
  /** Members' waits on other jobs in progress: while any is, the batch may give its units back. */
  blocked: number;
  /** False while the batch is parked: it waits on other jobs and lent its compute units out. */
  holdsComputeUnits: boolean;
}

export class UnitLedger {
  /** Compute units this runtime offers now (see setCapacity). */
  #capacity: number;
  #free: number;
  readonly #maxParked: number;
  #parked = 0;
  /** Batches that hold their compute units, and those of them that wait on other jobs all the same. */
  #holding = 0;
  readonly #waitingHolders = new Set<RunningBatch>();
  /** Batches running per type, indexed like RESOURCE_TYPES. */
  readonly runningBatches = new Uint32Array(RESOURCE_TYPES.length);

  constructor(capacity: number, maxParked = Infinity) {
    this.#capacity = capacity;
    this.#free = capacity;
    this.#maxParked = maxParked;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Batches parked now: each keeps a worker beyond the slots. */
  get parked(): number {
    return this.#parked;
  }

  /**
   * What the runtime offers from now on. Batches running keep the units they hold: the free
   * units may go below zero, and then nothing fits until enough finish.
   */
  setCapacity(capacity: number): void {
    this.#free += capacity - this.#capacity;
    this.#capacity = capacity;
  }

  /** Whether a batch of `computeUnits` fits the units free now. */
  fits(computeUnits: number): boolean {
    return computeUnits <= this.#free;
  }

  /** A batch of `open` jobs starts: it holds its units from now on. */
  hold(typeIndex: number, computeUnits: number, open: number): RunningBatch {
    this.#free -= computeUnits;
    this.#holding++;
    this.runningBatches[typeIndex]!++;
    return { typeIndex, computeUnits, open, blocked: 0, holdsComputeUnits: true };
  }

  /** A member of the batch is accounted for (complete or returned); `waits` are the waits it still had. */
  memberLeft(batch: RunningBatch, waits: number): void {
    // A job that leaves while it still waits (it ended without awaiting) waits no more.
    // Only a batch with waits is among the waiting holders: no hash lookup per job of the others.
    if (waits !== 0) {
      batch.blocked -= waits;
      if (batch.blocked === 0) this.#waitingHolders.delete(batch);
    }
    batch.open--;
    if (batch.open > 0) return this.#retake(batch);
    this.runningBatches[batch.typeIndex]!--;
    if (batch.holdsComputeUnits) {
      this.#holding--;
      this.#free += batch.computeUnits;
    } else {
      this.#parked--;
    }
  }

  /** A member waits on other jobs: the batch parks, if it may. */
  blocked(batch: RunningBatch): void {
    batch.blocked++;
    if (!batch.holdsComputeUnits) return;
    if (this.#parked < this.#maxParked) this.#park(batch);
    else this.#waitingHolders.add(batch);
  }

  /** A member's wait is over: the batch takes its units again, even past capacity for a moment. */
  unblocked(batch: RunningBatch): void {
    batch.blocked--;
    if (batch.blocked === 0) this.#waitingHolders.delete(batch);
    this.#retake(batch);
  }

  /**
   * Nothing queued fits. If every batch holding compute units is waiting on other jobs, none will
   * ever give them back: one parks past the bound, so the jobs they wait on can run.
   */
  parkOneIfStuck(): boolean {
    if (this.#waitingHolders.size === 0 || this.#waitingHolders.size < this.#holding) return false;
    this.#park(this.#waitingHolders.values().next().value!);
    return true;
  }

  /** A batch with members still running and none of them waiting holds its compute units. */
  #retake(batch: RunningBatch): void {
    if (batch.blocked === 0 && batch.open > 0 && !batch.holdsComputeUnits) {
      this.#free -= batch.computeUnits;
      batch.holdsComputeUnits = true;
      this.#parked--;
      this.#holding++;
    }
  }

  #park(batch: RunningBatch): void {
    this.#waitingHolders.delete(batch);
    this.#free += batch.computeUnits;
    batch.holdsComputeUnits = false;
    this.#parked++;
    this.#holding--;
  }
}
