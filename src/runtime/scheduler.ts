/**
 * The pure heart of nimbus: job states, dependency edges, ready queues by priority, and what
 * starts next within the compute units (unit-ledger.ts) with backfill (backfill.ts). Events go in
 * (accepted, started, finished, failed, killed, returned, blocked); `takeBatches()` says what to
 * start, and how jobs end (reports, retries, completions) is recorded by job-endings.ts. It knows
 * nothing of threads, timers or files, so every executor shares it and tests drive it without a
 * worker.
 *
 * A dispatched job is `Processing` in the table from its dispatch on (it holds its batch's units),
 * but reads `queued` (JobTable.statusOf) until its executor tells it started (`started`): a job
 * waiting behind others in its batch has not started.
 */
import type { ResourceType } from '../types/job-options.js';
import { RESOURCE_TYPES } from '../types/job-options.js';
import type { OutcomeReport, RemoteError } from '../types/job-outcome.js';
import type { ResolvedJobOptions, Submission } from '../types/job-service.js';
import type { ShippedFunction } from '../types/shipped-function.js';
import { Backfill } from './backfill.js';
import { batchSize, type BatchBound } from './batch-size.js';
import { takeCompanions, travelsAlone } from './batch-companions.js';
import { JobDurations } from './job-durations.js';
import { Code, JobTable, isCompleteCode } from './job-table.js';
import { linkDependencies } from './dependency-links.js';
import { DispatchedBatches } from './dispatched-batches.js';
import { JobEndings } from './job-endings.js';
import { addFollowers, followersBound, isHeldFollower } from './followers.js';
import { ReadyQueue } from './ready-queue.js';
import { firstQueue } from './queue-choice.js';
import { move } from './transitions.js';
import { UnitLedger } from './unit-ledger.js';
import { submittedCount } from '../wire/submitted-args.js';

export interface Batch {
  readonly type: ResourceType;
  readonly cores: number;
  /** Jobs of one function, to run in this order on one worker. */
  readonly jids: number[];
  /** Where its followers begin (followers.ts), if it has any. */
  readonly followersFrom?: number | undefined;
}

export type CompletionListener = (jid: number) => void;
/** A failed job that runs again: it reads queued, and is `requeue`d after `delayMs`. */
export type RetryListener = (jid: number, delayMs: number) => void;

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
  /** Whether a batch may carry followers (followers.ts): the local executors' workers run them. */
  readonly followers?: boolean;
  /** What one batch carries at most (batch-size.ts): the executor's messages' cost sets it. Default: DEFAULT_BATCH_BOUND. */
  readonly batchBound?: BatchBound;
}

export class Scheduler {
  readonly table: JobTable;
  readonly #queues: ReadyQueue[];
  readonly #batches: DispatchedBatches;
  readonly #durations = new JobDurations();
  readonly #units: UnitLedger;
  readonly #backfill = new Backfill();
  /** What ends jobs: reports, retries, completions (job-endings.ts). */
  readonly #endings: JobEndings;
  readonly #onPromoted: ((jid: number) => void) | undefined;

  readonly #costOf: Capacity['costOf'];
  /** What the cheapest job costs (one core of the cheapest type): with less free, nothing fits. */
  readonly #cheapest: number;
  readonly #maxRunning: (typeIndex: number) => number;
  readonly #followers: boolean;
  readonly #batchBound: BatchBound | undefined;

  /**
   * @param onRetry told of each failed job that will run again; by default it is requeued at once
   * @param onPromoted told of each follower whose dependency is done here: it moved from waiting to
   *   processing (and may have started already), its record changed
   */
  constructor(
    table: JobTable,
    { capacity, costOf, maxRunning, maxParked, followers, batchBound }: Capacity,
    onComplete: CompletionListener,
    onRetry?: RetryListener,
    onPromoted?: (jid: number) => void,
  ) {
    this.table = table;
    this.#batches = new DispatchedBatches(table);
    this.#units = new UnitLedger(capacity, maxParked);
    this.#costOf = costOf;
    this.#followers = followers ?? false;
    this.#batchBound = batchBound;
    this.#cheapest = Math.min(...RESOURCE_TYPES.map((type) => costOf(type, 1)));
    this.#maxRunning = maxRunning ? (typeIndex) => maxRunning(RESOURCE_TYPES[typeIndex]!) : () => Infinity;
    this.#onPromoted = onPromoted;
    this.#endings = new JobEndings({
      table,
      batches: this.#batches,
      units: this.#units,
      durations: this.#durations,
      onComplete,
      onRetry: onRetry ?? ((jid) => this.requeue(jid)),
      enqueueReady: (jid) => this.#enqueue(jid),
    });
    const isQueued = (jid: number) => table.status[jid] === Code.Queued;
    this.#queues = RESOURCE_TYPES.map(() => new ReadyQueue(isQueued));
  }

  /** Jobs accepted and not complete yet. */
  get incomplete(): number {
    return this.#endings.incomplete;
  }

  get capacity(): number {
    return this.#units.capacity;
  }

  /**
   * What the runtime offers from now on (workers joined or left). Batches running keep the units
   * they hold: the free units may go below zero, and then nothing starts until enough finish.
   * The caller dispatches (takeBatches) to start what fits a larger capacity.
   */
  setCapacity(capacity: number): void {
    this.#units.setCapacity(capacity);
  }

  /** True when some job is queued (ready to run, whether or not it fits now). */
  get hasQueued(): boolean {
    return this.#queues.some((queue) => queue.peek() !== undefined);
  }

  /** Batches parked now: each keeps a worker beyond the slots. */
  get parked(): number {
    return this.#units.parked;
  }

  /** Jobs dispatched and not accounted for yet (started or not). */
  get dispatched(): number {
    return this.#batches.jobs;
  }

  /**
   * Records the submission's jobs (one per argument list or item) from `first` on; each is queued, waiting or already stalled.
   * @param parent the running job that submits them, if a job does
   * @returns whether any of them is queued: if none is, nothing new can start (a chain submitted
   *   link by link need not look for work after each link)
   */
  accept(first: number, fn: ShippedFunction, argsList: Submission['argsList'], options: ResolvedJobOptions, now: number, parent?: number): boolean {
    const count = submittedCount(argsList);
    const end = first + count;
    this.table.record(first, fn, argsList, options, parent === undefined ? 0 : this.table.depth[parent]! + 1, now);
    this.#endings.accepted(count);
    if (options.dependsOn.length === 0) {
      // Nothing to wait for: all queued at once (from none: transitions.ts), one run in their queue.
      this.table.status.fill(Code.Queued, first, end);
      this.#queues[this.table.typeIndex[first]!]!.pushRun(first, end, this.table.priority[first]!, this.table.depth[first]);
      return end > first;
    }
    let queued = false;
    for (let jid = first; jid < end; jid++) {
      this.#linkDependencies(jid, options.dependsOn, now);
      queued ||= this.table.status[jid] === Code.Queued;
    }
    return queued;
  }

  /**
   * Takes every batch that fits the free compute units now, in queue order; when the next job
   * does not fit, the jobs that fit start past it as long as it has not reserved (backfill.ts).
   */
  takeBatches(now: number): Batch[] {
    const batches: Batch[] = [];
    for (let next = this.#bestQueue(false); next !== undefined; next = this.#bestQueue(false)) {
      const jid = next.peek()!;
      const computeUnits = this.#costOf(this.table.typeOf(jid), this.table.cores[jid]!);
      if (this.#units.fits(computeUnits)) {
        batches.push(this.#formBatch(next));
        continue;
      }
      if (this.#units.parkOneIfStuck()) continue;
      if (this.#mayPass(jid, computeUnits, now)) this.#startWhatFits(batches);
      break;
    }
    return batches;
  }

  /**
   * Starts every job that fits the free units, best first, past the next job, which does not.
   * That job stays next and does not fit meanwhile: the free units only shrink, and no job
   * comes before it. Below the cheapest job's cost nothing fits: no need to look.
   */
  #startWhatFits(batches: Batch[]): void {
    while (this.#units.fits(this.#cheapest)) {
      const queue = this.#bestQueue(true);
      if (queue === undefined) return;
      batches.push(this.#formBatch(queue));
    }
  }

  /**
   * The executor tells that a dispatched job started at `at` (epoch ms). True when that is news:
   * the job reads processing from now on, started at `at` (its outcome brings the exact time).
   */
  started(jid: number, at: number): boolean {
    const t = this.table;
    if (t.started[jid] !== 0) return false;
    // A follower its worker started before its dependency's outcome arrived here: it reads
    // processing once that outcome has (followers.ts).
    if (isHeldFollower(t, jid)) t.started[jid] = at;
    if (t.status[jid] !== Code.Processing) return false;
    t.started[jid] = at;
    return true;
  }

  /** An executor's report. A job completed meanwhile (killed, timed out) keeps its status. */
  finished(report: OutcomeReport): void {
    this.#endings.finished(report);
  }

  /** Ends a dispatched job 'error' from outside it (over maxRuntime, its worker died). */
  fail(jid: number, error: RemoteError, now: number): void {
    this.#endings.releaseFollower(jid);
    if (this.table.status[jid] !== Code.Processing || this.#endings.retryLater(jid, error, false)) return;
    this.table.error[jid] = error;
    this.#endings.complete(jid, Code.Error, now);
  }

  /** Kills a job that is not complete. Returns true when it was dispatched and must be stopped. */
  kill(jid: number, now: number): boolean {
    const code = this.table.status[jid]!;
    if (isCompleteCode(code)) return false;
    if (code === Code.Queued) this.#backfill.left([jid]);
    // A follower held by a worker must be stopped there too, or it would start.
    const held = isHeldFollower(this.table, jid);
    if (held) this.table.started[jid] = 0;
    this.#endings.complete(jid, Code.Killed, now);
    return code === Code.Processing || held;
  }

  /** True when `jid` waits here while a worker holds it as a follower (followers.ts). */
  isHeldFollower(jid: number): boolean {
    return isHeldFollower(this.table, jid);
  }

  /** Dispatched jobs that never reported (their batch was cut short): they run again. */
  returned(jids: readonly number[]): void {
    const t = this.table;
    for (const jid of jids) {
      if (t.status[jid] !== Code.Processing) {
        this.#endings.releaseFollower(jid);
        continue;
      }
      this.#batches.leave(jid, this.#units);
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
    return this.#units.runningBatches[typeIndex]! < this.#maxRunning(typeIndex) && this.#units.fits(this.#costOf(type, cores));
  }

  /** A job waiting to be retried goes back in its queue, unless it was killed meanwhile. */
  requeue(jid: number): void {
    const t = this.table;
    if (t.status[jid] === Code.Queued) this.#queues[t.typeIndex[jid]!]!.push(jid, t.priority[jid]!, t.depth[jid]);
  }

  /** A running job waits on other jobs: its batch parks (gives its compute units back) meanwhile, if it may. */
  block(jid: number): void {
    const batch = this.#batches.waitBegins(jid);
    if (batch) this.#units.blocked(batch);
  }

  /** The wait is over: the batch takes its compute units again, even past capacity for a moment. */
  unblock(jid: number): void {
    const batch = this.#batches.waitEnds(jid);
    if (batch) this.#units.unblocked(batch);
  }

  #linkDependencies(jid: number, dependsOn: readonly number[], now: number): void {
    const outcome = linkDependencies(this.table, jid, dependsOn);
    if (outcome === 'ready') return this.#enqueue(jid);
    move(this.table.status, jid, outcome === 'stalled' ? Code.Stalled : Code.Waiting);
    if (outcome === 'stalled') this.#endings.complete(jid, Code.Stalled, now, true);
  }

  #enqueue(jid: number): void {
    const t = this.table;
    // A follower whose dependency is done: its worker has it already, and starts it now.
    if (t.batch[jid] !== 0) {
      move(t.status, jid, Code.Processing);
      t.attempts[jid]!++;
      this.#onPromoted?.(jid);
      return;
    }
    move(t.status, jid, Code.Queued);
    this.#queues[t.typeIndex[jid]!]!.push(jid, t.priority[jid]!, t.depth[jid]);
  }

  /**
   * The queue whose next job comes first (queue-choice.ts), among the types not at their running
   * cap: a capped type waits without holding the others back.
   * @param fitting only among the queues whose next job fits the free compute units
   */
  #bestQueue(fitting: boolean): ReadyQueue | undefined {
    return firstQueue(this.table, this.#queues, fitting ? this.#underCapAndFits : this.#underCap);
  }

  readonly #underCap = (typeIndex: number): boolean => this.#units.runningBatches[typeIndex]! < this.#maxRunning(typeIndex);
  readonly #underCapAndFits = (typeIndex: number, jid: number): boolean =>
    this.#underCap(typeIndex) && this.#units.fits(this.#costOf(this.table.typeOf(jid), this.table.cores[jid]!));

  /** Whether jobs after `jid`, the next job, may start while it does not fit (backfill.ts). */
  #mayPass(jid: number, computeUnits: number, now: number): boolean {
    const expectedMs = this.#durations.meanOf(this.table.fnOf(jid)!.id);
    return this.#backfill.mayPass(jid, now, expectedMs, computeUnits <= this.#units.capacity);
  }

  /** Starts a batch from the next job of `queue`, which fits. */
  #formBatch(queue: ReadyQueue): Batch {
    const t = this.table;
    const first = queue.shift()!;
    const type = t.typeOf(first);
    const computeUnits = this.#costOf(type, t.cores[first]!);
    const fn = t.fnOf(first)!;
    const slots = Math.max(1, Math.floor(this.#units.capacity / computeUnits));
    const meanMs = this.#durations.meanOf(fn.id);
    const jids = takeCompanions(t, queue, first, batchSize(meanMs, queue.size + 1, slots, this.#batchBound));
    const followersFrom = this.#followers && !travelsAlone(t, first) ? addFollowers(t, jids, Math.max(jids.length + 1, followersBound(meanMs))) : undefined;
    const queued = followersFrom ?? jids.length;
    this.#batches.add(this.#units.hold(t.typeIndex[first]!, computeUnits, jids.length), jids);
    for (let i = 0; i < queued; i++) {
      const jid = jids[i]!;
      move(t.status, jid, Code.Processing);
      t.attempts[jid]!++;
    }
    this.#backfill.left(followersFrom === undefined ? jids : jids.slice(0, queued));
    return { type, cores: t.cores[first]!, jids, followersFrom };
  }
}
