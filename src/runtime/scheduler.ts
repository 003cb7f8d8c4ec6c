/**
 * The pure heart of nimbus: job states, dependency edges, ready queues by priority and
 * compute-unit accounting. Events go in (accepted, finished, failed, killed, returned, blocked);
 * `takeBatches()` says what to start. It knows nothing of threads, timers or files, so every
 * executor shares it and tests drive it without a worker.
 */
import type { ResourceType } from '../types/job-options.js';
import { RESOURCE_TYPES } from '../types/job-options.js';
import type { OutcomeReport, Packed, RemoteError } from '../types/job-outcome.js';
import type { ResolvedJobOptions } from '../types/job-service.js';
import type { ShippedFunction } from '../types/shipped-function.js';
import { batchSize } from './batch-size.js';
import { Code, Flag, JobTable, isCompleteCode } from './job-table.js';
import { ReadyQueue } from './ready-queue.js';
import { move } from './transitions.js';

export interface Batch {
  readonly type: ResourceType;
  readonly cores: number;
  /** Jobs of one function, to run in this order on one worker. */
  readonly jids: number[];
}

/** A dispatched batch: it holds its compute units until its last job is accounted for. */
interface RunningBatch {
  readonly typeIndex: number;
  readonly computeUnits: number;
  /** Members not yet complete or returned. */
  open: number;
  /** Members waiting on other jobs: while any does, the batch may give its compute units back. */
  blocked: number;
  /** False while the batch is parked: it waits on other jobs and lent its compute units out. */
  holdsComputeUnits: boolean;
}

export type CompletionListener = (jid: number) => void;

export interface Capacity {
  /** What the runtime offers, in the units of `costOf`. */
  readonly capacity: number;
  /** What one job reserves: compute units for the pool, one "turn" for the simulator. */
  readonly costOf: (type: ResourceType, cores: number) => number;
  /** Batches of a type that may run at once whatever the free capacity (s1's concurrency). */
  readonly maxRunning?: (type: ResourceType) => number;
  /**
   * Batches that may park at once (wait on other jobs with their compute units lent out). Each
   * parked batch keeps its worker, so this bounds the workers beyond the slots. Past it, a waiting
   * job keeps its slot, unless every slot is held by a waiting job: then one more parks, or
   * nothing could ever run again. Default: no bound.
   */
  readonly maxParked?: number;
}

export class Scheduler {
  readonly table: JobTable;
  /** Compute units this runtime offers now (see setCapacity). */
  #capacity: number;
  #freeComputeUnits: number;
  #incomplete = 0;
  readonly #queues: ReadyQueue[];
  /** The batch of every dispatched job. */
  readonly #running = new Map<number, RunningBatch>();
  /** Waits in progress per dispatched job (a job may wait on several things at once). */
  readonly #waits = new Map<number, number>();
  /** Mean milliseconds per job of each function (by shipped id), to size batches. */
  readonly #meanDuration = new Map<string, number>();
  readonly #onComplete: CompletionListener;

  readonly #costOf: Capacity['costOf'];
  readonly #maxRunning: (typeIndex: number) => number;
  /** Batches running per type, indexed like RESOURCE_TYPES. */
  readonly #runningBatches = new Uint32Array(RESOURCE_TYPES.length);
  readonly #maxParked: number;
  #parked = 0;
  /** Batches that hold their compute units, and those of them that wait on other jobs all the same. */
  #holding = 0;
  readonly #waitingHolders = new Set<RunningBatch>();

  constructor(table: JobTable, { capacity, costOf, maxRunning, maxParked }: Capacity, onComplete: CompletionListener) {
    this.table = table;
    this.#capacity = capacity;
    this.#costOf = costOf;
    this.#maxRunning = maxRunning ? (typeIndex) => maxRunning(RESOURCE_TYPES[typeIndex]!) : () => Infinity;
    this.#freeComputeUnits = capacity;
    this.#maxParked = maxParked ?? Infinity;
    this.#onComplete = onComplete;
    const isQueued = (jid: number) => table.status[jid] === Code.Queued;
    this.#queues = RESOURCE_TYPES.map(() => new ReadyQueue(isQueued));
  }

  /** Jobs accepted and not complete yet. */
  get incomplete(): number {
    return this.#incomplete;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /**
   * What the runtime offers from now on (workers joined or left). Batches running keep the units
   * they hold: the free units may go below zero, and then nothing starts until enough finish.
   * The caller dispatches (takeBatches) to start what fits a larger capacity.
   */
  setCapacity(capacity: number): void {
    this.#freeComputeUnits += capacity - this.#capacity;
    this.#capacity = capacity;
  }

  /** True when some job is queued (ready to run, whether or not it fits now). */
  get hasQueued(): boolean {
    return this.#queues.some((queue) => queue.peek() !== undefined);
  }

  /** Batches parked now: each keeps a worker beyond the slots. */
  get parked(): number {
    return this.#parked;
  }

  /**
   * Records `argsList.length` jobs from `first` on; each is queued, waiting or already stalled.
   * @param parent the running job that submits them, if a job does
   */
  accept(first: number, fn: ShippedFunction, argsList: readonly Packed[], options: ResolvedJobOptions, now: number, parent?: number): void {
    const t = this.table;
    const typeIndex = RESOURCE_TYPES.indexOf(options.type);
    const flags = (options.dependsOnErrors === 'ignore' ? Flag.IgnoreDependencyErrors : 0) | (options.restartable ? Flag.Restartable : 0);
    const depth = parent === undefined ? 0 : Math.min(255, t.depth[parent]! + 1);
    this.#incomplete += argsList.length;
    for (let i = 0; i < argsList.length; i++) {
      const jid = first + i;
      t.depth[jid] = depth;
      t.typeIndex[jid] = typeIndex;
      t.flags[jid] = flags;
      t.cores[jid] = options.cores;
      t.priority[jid] = options.priority;
      t.maxRuntime[jid] = options.maxRuntime ?? 0;
      t.created[jid] = now;
      t.cputime[jid] = NaN;
      t.memory[jid] = NaN;
      t.fn[jid] = fn;
      t.fnName[jid] = fn.name;
      t.args[jid] = argsList[i];
      if (options.label !== undefined) t.label[jid] = options.label;
      this.#linkDependencies(jid, options.dependsOn, now);
    }
  }

  /** Takes every batch that fits the free compute units now, best priority first. */
  takeBatches(now: number): Batch[] {
    const batches: Batch[] = [];
    for (let queue = this.#bestQueue(); queue !== undefined; queue = this.#bestQueue()) {
      const batch = this.#formBatch(queue, now);
      if (batch) batches.push(batch);
      else if (!this.#parkOneIfStuck()) break;
    }
    return batches;
  }

  /** An executor's report. A job completed meanwhile (killed, timed out) keeps its status. */
  finished(report: OutcomeReport): void {
    const t = this.table;
    for (let i = 0; i < report.jids.length; i++) {
      const jid = report.jids[i]!;
      if (t.status[jid] !== Code.Processing) continue;
      t.started[jid] = report.started[i]!;
      t.cputime[jid] = report.cputime[i]!;
      t.memory[jid] = report.memory[i]!;
      if (report.stdout[i]) t.stdout[jid] = report.stdout[i];
      if (report.stderr[i]) t.stderr[jid] = report.stderr[i];
      this.#learnDuration(t.fn[jid]!.id, report.finished[i]! - report.started[i]!);
      const error = report.errors[i];
      if (error === undefined) {
        t.value[jid] = report.values[i];
        this.#complete(jid, Code.Done, report.finished[i]!);
      } else {
        t.error[jid] = error;
        this.#complete(jid, Code.Error, report.finished[i]!);
      }
    }
  }

  /** Ends a dispatched job 'error' from outside it (over maxRuntime, its worker died). */
  fail(jid: number, error: RemoteError, now: number): void {
    if (this.table.status[jid] !== Code.Processing) return;
    this.table.error[jid] = error;
    this.#complete(jid, Code.Error, now);
  }

  /** Kills a job that is not complete. Returns true when it was dispatched and must be stopped. */
  kill(jid: number, now: number): boolean {
    const code = this.table.status[jid]!;
    if (isCompleteCode(code)) return false;
    this.#complete(jid, Code.Killed, now);
    return code === Code.Processing;
  }

  /** Dispatched jobs that never reported (their batch was cut short): they run again. */
  returned(jids: readonly number[]): void {
    const t = this.table;
    for (const jid of jids) {
      if (t.status[jid] !== Code.Processing) continue;
      this.#leaveBatch(jid);
      move(t.status, jid, Code.Queued);
      t.started[jid] = 0;
      this.#queues[t.typeIndex[jid]!]!.push(jid, t.priority[jid]!, t.depth[jid]);
    }
  }

  /**
   * True when a batch of this profile would start at once: no job waits in a queue (it would take
   * the room first), the type is under its running cap and its compute units are free. A host
   * that takes work from elsewhere (a Redis worker) takes more only while this holds.
   */
  hasRoomFor(type: ResourceType, cores: number): boolean {
    if (this.hasQueued) return false;
    const typeIndex = RESOURCE_TYPES.indexOf(type);
    return this.#runningBatches[typeIndex]! < this.#maxRunning(typeIndex) && this.#costOf(type, cores) <= this.#freeComputeUnits;
  }

  /** A running job waits on other jobs: its batch parks (gives its compute units back) meanwhile, if it may. */
  block(jid: number): void {
    const batch = this.#running.get(jid);
    if (!batch) return;
    this.#waits.set(jid, (this.#waits.get(jid) ?? 0) + 1);
    batch.blocked++;
    if (!batch.holdsComputeUnits) return;
    if (this.#parked < this.#maxParked) this.#park(batch);
    else this.#waitingHolders.add(batch);
  }

  /** The wait is over: the batch takes its compute units again, even past capacity for a moment. */
  unblock(jid: number): void {
    const waits = this.#waits.get(jid);
    if (waits === undefined) return;
    if (waits > 1) this.#waits.set(jid, waits - 1);
    else this.#waits.delete(jid);
    const batch = this.#running.get(jid)!;
    batch.blocked--;
    if (batch.blocked === 0) this.#waitingHolders.delete(batch);
    this.#retake(batch);
  }

  #linkDependencies(jid: number, dependsOn: readonly number[], now: number): void {
    const t = this.table;
    let pending = 0;
    let failed = false;
    const ignoreErrors = (t.flags[jid]! & Flag.IgnoreDependencyErrors) !== 0;
    for (const dependency of dependsOn) {
      const code = t.status[dependency]!;
      if (!isCompleteCode(code)) {
        pending++;
        (t.dependents[dependency] ??= []).push(jid);
      } else if (code !== Code.Done && !ignoreErrors) {
        failed = true;
      }
    }
    if (dependsOn.length > 0) t.dependsOn[jid] = dependsOn.slice();
    t.pendingDependencies[jid] = pending;
    if (failed) {
      move(t.status, jid, Code.Stalled);
      this.#complete(jid, Code.Stalled, now, true);
    } else if (pending > 0) {
      move(t.status, jid, Code.Waiting);
    } else {
      this.#enqueue(jid);
    }
  }

  #enqueue(jid: number): void {
    const t = this.table;
    move(t.status, jid, Code.Queued);
    this.#queues[t.typeIndex[jid]!]!.push(jid, t.priority[jid]!, t.depth[jid]);
  }

  /**
   * The queue whose next job comes first (lowest priority number, then deepest, then lowest jid),
   * among the types not at their running cap: a capped type waits without holding the others back.
   */
  #bestQueue(): ReadyQueue | undefined {
    const t = this.table;
    let best: ReadyQueue | undefined;
    let bestJid = 0;
    for (let typeIndex = 0; typeIndex < this.#queues.length; typeIndex++) {
      if (this.#runningBatches[typeIndex]! >= this.#maxRunning(typeIndex)) continue;
      const queue = this.#queues[typeIndex]!;
      const jid = queue.peek();
      if (jid === undefined) continue;
      if (!best || comesBefore(t, jid, bestJid)) {
        best = queue;
        bestJid = jid;
      }
    }
    return best;
  }

  #formBatch(queue: ReadyQueue, now: number): Batch | undefined {
    const t = this.table;
    const first = queue.peek()!;
    const type = t.typeOf(first);
    const computeUnits = this.#costOf(type, t.cores[first]!);
    if (computeUnits > this.#freeComputeUnits) return undefined;
    queue.shift();
    const jids = [first];
    const travelsAlone = (jid: number) => t.maxRuntime[jid] !== 0 || (t.flags[jid]! & Flag.RunAlone) !== 0;
    if (!travelsAlone(first)) {
      const fn = t.fn[first]!;
      const slots = Math.max(1, Math.floor(this.#capacity / computeUnits));
      const size = batchSize(this.#meanDuration.get(fn.id), queue.size + 1, slots);
      for (let next = queue.peek(); jids.length < size && next !== undefined; next = queue.peek()) {
        if (t.fn[next] !== fn || t.cores[next] !== t.cores[first] || travelsAlone(next)) break;
        jids.push(queue.shift()!);
      }
    }
    const typeIndex = t.typeIndex[first]!;
    const batch: RunningBatch = { typeIndex, computeUnits, open: jids.length, blocked: 0, holdsComputeUnits: true };
    this.#freeComputeUnits -= computeUnits;
    this.#holding++;
    this.#runningBatches[typeIndex]!++;
    for (const jid of jids) {
      move(t.status, jid, Code.Processing);
      t.attempts[jid]!++;
      this.#running.set(jid, batch);
    }
    t.started[first] = now;
    return { type, cores: t.cores[first]!, jids };
  }

  /** Completes a job, then every dependent its failure stalls, however long the chain. */
  #complete(jid: number, code: Code, now: number, alreadyMoved = false): void {
    if (!alreadyMoved) move(this.table.status, jid, code);
    const stalled: number[] = [];
    this.#settle(jid, code, now, stalled);
    for (let next = stalled.pop(); next !== undefined; next = stalled.pop()) {
      this.#settle(next, Code.Stalled, now, stalled);
    }
  }

  /** Records a status just made complete and frees, or stalls (into `stalled`), its dependents. */
  #settle(jid: number, code: Code, now: number, stalled: number[]): void {
    const t = this.table;
    this.#leaveBatch(jid);
    t.finished[jid] = now;
    t.releaseInputs(jid);
    this.#incomplete--;
    this.#onComplete(jid);
    const dependents = t.dependents[jid];
    if (!dependents) return;
    t.dependents[jid] = undefined;
    for (const dependent of dependents) {
      if (t.status[dependent] !== Code.Waiting) continue;
      if (code === Code.Done || (t.flags[dependent]! & Flag.IgnoreDependencyErrors) !== 0) {
        if (--t.pendingDependencies[dependent]! === 0) this.#enqueue(dependent);
      } else {
        move(t.status, dependent, Code.Stalled);
        stalled.push(dependent);
      }
    }
  }

  #leaveBatch(jid: number): void {
    const batch = this.#running.get(jid);
    if (!batch) return;
    this.#running.delete(jid);
    // A job that leaves while it still waits (it ended without awaiting) waits no more.
    batch.blocked -= this.#waits.get(jid) ?? 0;
    this.#waits.delete(jid);
    if (batch.blocked === 0) this.#waitingHolders.delete(batch);
    batch.open--;
    if (batch.open > 0) return this.#retake(batch);
    this.#runningBatches[batch.typeIndex]!--;
    if (batch.holdsComputeUnits) {
      this.#holding--;
      this.#freeComputeUnits += batch.computeUnits;
    } else {
      this.#parked--;
    }
  }

  /** A batch with members still running and none of them waiting holds its compute units. */
  #retake(batch: RunningBatch): void {
    if (batch.blocked === 0 && batch.open > 0 && !batch.holdsComputeUnits) {
      this.#freeComputeUnits -= batch.computeUnits;
      batch.holdsComputeUnits = true;
      this.#parked--;
      this.#holding++;
    }
  }

  #park(batch: RunningBatch): void {
    this.#waitingHolders.delete(batch);
    this.#freeComputeUnits += batch.computeUnits;
    batch.holdsComputeUnits = false;
    this.#parked++;
    this.#holding--;
  }

  /**
   * Nothing queued fits. If every batch holding compute units is waiting on other jobs, none will
   * ever give them back: one parks past the bound, so the jobs they wait on can run.
   */
  #parkOneIfStuck(): boolean {
    if (this.#waitingHolders.size === 0 || this.#waitingHolders.size < this.#holding) return false;
    this.#park(this.#waitingHolders.values().next().value!);
    return true;
  }

  #learnDuration(fnId: string, ms: number): void {
    const previous = this.#meanDuration.get(fnId);
    // An exponential moving average: recent jobs weigh most, one outlier does not swing it.
    this.#meanDuration.set(fnId, previous === undefined ? ms : previous * 0.8 + ms * 0.2);
  }
}

/** Queue order across types: lower priority number, then deeper, then older. */
function comesBefore(t: JobTable, jid: number, other: number): boolean {
  const byPriority = t.priority[jid]! - t.priority[other]!;
  if (byPriority !== 0) return byPriority < 0;
  const byDepth = t.depth[other]! - t.depth[jid]!;
  return byDepth !== 0 ? byDepth < 0 : jid < other;
}
