/**
 * One runtime: the job table, the scheduler and the waiters, wired to an executor. It turns the
 * scheduler's "start these" into executor batches and the executor's reports into scheduler
 * events, and owns the clocks (maxRuntime). It trusts its inputs' types (the Cloud facade checked
 * them) and checks only what needs the table: that jids exist and that jobs can ever fit.
 * It is the HostRuntime a durable service wraps.
 */
import { errors, remoteErrors } from '../errors.js';
import type { BatchSpec, Executor, ExecutorEvents } from '../types/executor.js';
import type { JobInfo } from '../types/job-info.js';
import type { ResourceType } from '../types/job-options.js';
import type { OutcomeReport, Packed, RemoteError } from '../types/job-outcome.js';
import type { StreamChunk } from '../types/job-stream.js';
import type { HostRuntime, JobRecord } from '../types/host-runtime.js';
import type { JobFilter, JobRequests, RuntimeLoad, Submission, WaitRequest, WaitVerdict } from '../types/job-service.js';
import type { JobStatus } from '../types/job-status.js';
import type { UnfinishedCount } from '../types/job-store.js';
import { Flag, JobTable, isCompleteCode } from './job-table.js';
import { batchArguments } from './batch-arguments.js';
import { submittedCount } from '../wire/submitted-args.js';
import { ExecutorStart } from './executor-start.js';
import { LoadTally } from './load-tally.js';
import { listJobs, loadOfTable, unfinishedJids } from './table-queries.js';
import { MaxRuntimeClocks } from './max-runtime-clocks.js';
import { RetryTimers } from './retry-timers.js';
import { jobInfoOf } from './job-info-view.js';
import { JobStreams } from './job-streams.js';
import { Scheduler } from './scheduler.js';
import { JobTree } from './job-tree.js';
import { StatusFeed, changeListener } from './status-feed.js';
import type { StatusChange } from '../types/status-change.js';
import { computeUnitsOf } from '../types/resource-profiles.js';
import { Waiters } from './waiters.js';
import type { BatchBound } from './batch-size.js';

export interface RuntimeSettings {
  /** Compute units of the machine being run or simulated: a job needing more is refused. */
  computeUnits: number;
  /** Capacity in the units of `costOf`. */
  capacity: number;
  /** What one job of a type reserves. */
  costOf: (type: ResourceType, cores: number) => number;
  /** Batches of a type that may run at once, whatever the free capacity. */
  maxRunning?: (type: ResourceType) => number;
  /** Batches that may park (wait on other jobs with their compute units lent out) at once; see Capacity. */
  maxParked?: number;
  /** Whether batches may carry followers (followers.ts): workers that run batches with runBatch do. */
  followers?: boolean;
  /** What one batch carries at most (batch-size.ts), where the executor's messages cost more than a thread's. */
  batchBound?: BatchBound;
  /** Runs of a restartable job whose worker died, beyond the first. */
  maxRestarts: number;
  /** The memory limit a job of this profile is held to, in MB; undefined where none is. */
  memoryLimitOf: (type: ResourceType, cores: number) => number | undefined;
  createExecutor: (events: ExecutorEvents, service: JobRequests) => Executor;
}

/**
 * With a store watching (a home), how often the executor is asked which jobs started while jobs
 * are dispatched, so that their records say processing too: no one may be reading statuses here.
 */
const START_SWEEP_MS = 100;

export class Runtime implements HostRuntime {
  #settings: RuntimeSettings;
  #table = new JobTable();
  #waiters = new Waiters(this.#table);
  #streams = this.#createStreams();
  #scheduler: Scheduler;
  readonly #clocks = new MaxRuntimeClocks((jid, maxRuntime) => {
    this.#learnStarts();
    this.#start.executor?.stop(jid);
    this.#scheduler.fail(jid, remoteErrors.maxRuntimeExceeded(maxRuntime), Date.now());
    this.#scheduleDispatch();
  });
  readonly #retryTimers = new RetryTimers((jid) => {
    this.#scheduler.requeue(jid);
    this.#scheduleDispatch();
  });
  /** Made when the first job is queued; batches go to it only once its start resolved. */
  readonly #start = new ExecutorStart(
    () => this.#settings.createExecutor(this.#events, this.#serviceForJobs),
    () => this.#scheduleDispatch(),
  );
  #dispatchPending = false;
  #startSweep: NodeJS.Timeout | undefined;
  /** Told of every job whose record changed: the store's listener and the status feed's (changeListener). */
  #onChanged: ((jid: number) => void) | undefined;
  #onStoreChange: ((jid: number) => void) | undefined;
  readonly #feed = new StatusFeed();
  /** Which jobs each job started, for a recursive kill. */
  #tree = new JobTree();
  /** What jobs that start jobs talk to: this runtime, or a service wrapping it. */
  #serviceForJobs: JobRequests = this;

  /** A job the executor says started: it reads processing from now on, and its record changed. */
  readonly #onStarted = (jid: number, at: number): void => {
    if (this.#scheduler.started(jid, at)) this.#onChanged?.(jid);
  };

  readonly #events: ExecutorEvents = {
    finished: (report: OutcomeReport) => {
      if (this.#clocks.size > 0) for (const jid of report.jids) this.#clocks.disarm(jid);
      this.#scheduler.finished(report);
      this.#scheduleDispatch();
    },
    returned: (jids: readonly number[], alone?: boolean) => {
      if (alone) for (const jid of jids) this.#table.flags[jid]! |= Flag.RunAlone;
      this.#scheduler.returned(jids);
      if (this.#onChanged) for (const jid of jids) this.#onChanged(jid);
      this.#scheduleDispatch();
    },
    crashed: (jid: number, error: RemoteError, retryable: boolean) => {
      this.#clocks.disarm(jid);
      const t = this.#table;
      // A follower its worker held but had not started: not to blame; it runs alone from now on.
      if (this.#scheduler.isHeldFollower(jid)) {
        t.flags[jid]! |= Flag.RunAlone;
        this.#scheduler.returned([jid]);
        return this.#scheduleDispatch();
      }
      const restart = retryable && (t.flags[jid]! & Flag.Restartable) !== 0 && t.attempts[jid]! <= this.#settings.maxRestarts;
      if (restart) {
        this.#scheduler.returned([jid]);
        this.#onChanged?.(jid);
      } else {
        this.#scheduler.fail(jid, error, Date.now());
      }
      this.#scheduleDispatch();
    },
  };

  constructor(settings: RuntimeSettings) {
    this.#settings = settings;
    this.#scheduler = this.#createScheduler();
  }

  get running(): boolean {
    return this.#start.executor !== undefined;
  }

  /**
   * What the runtime offers from now on, in the units of `costOf` (workers joined or left). Jobs
   * running keep what they hold: below what is in use, nothing new starts until enough of them
   * finish; above it, queued jobs that now fit start at once. The bound that refuses a job too
   * big for any machine (`computeUnits`) stays as it is.
   */
  setCapacity(capacity: number): void {
    this.#scheduler.setCapacity(capacity);
    this.#settings = { ...this.#settings, capacity };
    this.#scheduleDispatch();
  }

  get unfinished(): number {
    return this.#scheduler.incomplete;
  }

  /** @param onAllocated told the jobs' first id before anything else hears of them */
  async submit(submission: Submission, onAllocated?: (first: number) => void): Promise<number> {
    const { options, fn, argsList, parent } = submission;
    const needed = computeUnitsOf(options.type, options.cores);
    if (needed > this.#settings.computeUnits) throw errors.neverFits(needed, this.#settings.computeUnits, options.type);
    this.#assertKnown(options.dependsOn);
    const count = submittedCount(argsList);
    const first = this.#table.allocate(count);
    onAllocated?.(first);
    const parentJob = parent !== undefined && this.#table.exists(parent) ? parent : undefined;
    if (parentJob !== undefined) this.#tree.add(parentJob, first, count);
    const queued = this.#scheduler.accept(first, fn, argsList, options, Date.now(), parentJob);
    if (this.#onChanged) for (let i = 0; i < count; i++) this.#onChanged(first + i);
    if (queued) this.#scheduleDispatch();
    return first;
  }

  async status(jids: number[]): Promise<JobStatus[]> {
    this.#assertKnown(jids);
    this.#learnStarts();
    return jids.map((jid) => this.#table.statusOf(jid));
  }

  /** Not an async function: one returning the waiters' promise would wait on it, a promise and turns more per `result`. */
  wait(request: WaitRequest, signal?: AbortSignal): Promise<WaitVerdict> {
    try {
      this.#assertKnown(request.jids);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a CloudError (an unknown jid), refused by rejecting as before
      return Promise.reject(error);
    }
    const caller = request.caller;
    if (caller === undefined) return this.#waiters.wait(request, signal);
    return this.whileParked(caller, this.#waiters.wait(request, signal));
  }

  /**
   * Resolves as `pending` does; meanwhile the running job `jid` waits on other jobs and gives its
   * compute units back, so parents never starve their children (a job not running, or unknown,
   * keeps nothing to give). What it waits on may be anywhere: this runtime's jobs, or another
   * machine's.
   */
  async whileParked<T>(jid: number, pending: Promise<T>): Promise<T> {
    if (!this.#table.exists(jid)) return pending;
    this.#scheduler.block(jid);
    this.#scheduleDispatch();
    try {
      return await pending;
    } finally {
      this.#scheduler.unblock(jid);
    }
  }

  /** True when some job waits in a queue (ready, not dispatched yet). */
  get hasQueued(): boolean {
    return this.#scheduler.hasQueued;
  }

  /**
   * True when a job of this profile would start at once: nothing waits in a queue and its compute
   * units are free. A host that takes work from elsewhere takes more only while this holds.
   */
  hasRoomFor(type: ResourceType, cores: number): boolean {
    return this.#scheduler.hasRoomFor(type, cores);
  }

  /** @param recursive also the jobs these started, transitively (default) */
  async kill(jids: number[] | undefined, recursive = true): Promise<void> {
    if (jids) this.#assertKnown(jids);
    // A job killed as it runs keeps its start time.
    this.#learnStarts();
    const now = Date.now();
    const killed = jids && recursive ? [...jids, ...this.#tree.descendants(jids)] : jids;
    for (const jid of killed ?? unfinishedJids(this.#table)) {
      this.#retryTimers.disarm(jid);
      if (this.#scheduler.kill(jid, now)) {
        this.#clocks.disarm(jid);
        this.#start.executor?.stop(jid);
      }
    }
    this.#scheduleDispatch();
  }

  async delete(jids: number[]): Promise<void> {
    this.#assertKnown(jids);
    for (const jid of jids) {
      if (!isCompleteCode(this.#table.status[jid]!)) throw errors.deleteUnfinished(jid);
    }
    for (const jid of jids) {
      this.#table.erase(jid);
      this.#streams.forget(jid);
      this.#tree.forget(jid);
    }
  }

  async yielded(jid: number, values: Packed[]): Promise<void> {
    if (this.#table.exists(jid)) this.#streams.yielded(jid, values);
  }

  async stream(jid: number, from: number, caller?: number): Promise<StreamChunk> {
    this.#assertKnown([jid]);
    const reading = this.#streams.read(jid, from);
    return caller === undefined ? reading : this.whileParked(caller, reading);
  }

  async info(jids: number[]): Promise<JobInfo[]> {
    this.#assertKnown(jids);
    this.#learnStarts();
    return jids.map((jid) => this.#infoOf(jid));
  }

  async list(filter: JobFilter): Promise<JobInfo[]> {
    this.#learnStarts();
    return listJobs(this.#table, filter, (jid) => this.#infoOf(jid));
  }

  async load(): Promise<RuntimeLoad> {
    this.#learnStarts();
    return loadOfTable(this.#table, this.#settings.computeUnits);
  }

  loadOf(counts: readonly UnfinishedCount[]): RuntimeLoad {
    const tally = new LoadTally(this.#settings.computeUnits);
    for (const { status, type, cores, count } of counts) tally.add(status, type, cores, count);
    return tally.load;
  }

  /** Calls `listener` with each job whose record changed: accepted, dispatched, returned, complete. */
  watchChanges(listener: (jid: number) => void): void {
    this.#onStoreChange = listener;
    this.#wireChanges();
  }

  /** Tells `listener` of each status change of this runtime's jobs, until the function returned is called. */
  watchStatuses(listener: (change: StatusChange) => void): () => void {
    const remove = this.#feed.add(listener);
    this.#wireChanges();
    return () => {
      remove();
      this.#wireChanges();
    };
  }

  #wireChanges(): void {
    const t = (): JobTable => this.#table;
    this.#onChanged = changeListener(this.#onStoreChange, this.#feed, (jid) => (t().exists(jid) ? [t().statusOf(jid), t().started[jid]! > 0] : undefined));
  }

  /** Jobs that start jobs reach `service` (a wrapper of this runtime) instead of this runtime. */
  exposeToJobs(service: JobRequests): void {
    this.#serviceForJobs = service;
  }

  /** A job's record as it is now, with its result and, while it may still run, its inputs. */
  recordOf(jid: number): JobRecord {
    const t = this.#table;
    const fn = t.fnOf(jid);
    return {
      info: this.#infoOf(jid),
      value: t.value[jid],
      inputs: fn && { fn, args: t.argsOf(jid) },
      restartable: (t.flags[jid]! & Flag.Restartable) !== 0,
    };
  }

  /** Kills what is unfinished and stops the executor, resolving once its workers are gone; the table stays readable. */
  async close(): Promise<boolean> {
    const executor = this.#start.executor;
    if (!executor) return false;
    await this.kill(undefined);
    this.#waiters.abandonAll();
    this.#retryTimers.cancelAll();
    clearInterval(this.#startSweep);
    this.#startSweep = undefined;
    await this.#start.detach();
    await executor.close();
    return true;
  }

  /** Ids handed out so far: what the table holds, finished jobs included, until `clear`. */
  get lastJid(): number {
    return this.#table.lastJid;
  }

  /**
   * Forgets every job, when none is unfinished: the table starts over (ids from 1 again), so that
   * a runtime fed jobs for months (a Redis worker's) keeps no trace of the ones it ran. The
   * executor and its workers stay as they are.
   */
  clear(): void {
    if (this.#scheduler.incomplete > 0) throw new Error('a runtime with unfinished jobs cannot be cleared');
    this.#table = new JobTable();
    this.#waiters = new Waiters(this.#table);
    this.#streams = this.#createStreams();
    this.#scheduler = this.#createScheduler();
    this.#tree = new JobTree();
    this.#feed.reset();
  }

  /** Drives another executor from now on; only when no job is unfinished. */
  async reconfigure(settings: RuntimeSettings): Promise<void> {
    if (this.#scheduler.incomplete > 0) throw errors.switchWithJobs();
    await this.close();
    this.#settings = settings;
    this.#scheduler = this.#createScheduler();
  }

  #createScheduler(): Scheduler {
    return new Scheduler(
      this.#table,
      this.#settings,
      (jid) => {
        this.#waiters.completed(jid);
        this.#streams.completed(jid);
        this.#onChanged?.(jid);
      },
      // A failed job that runs again (retry-policy.ts): it reads queued until its delay has passed.
      (jid, delayMs) => {
        this.#onChanged?.(jid);
        this.#retryTimers.arm(jid, delayMs);
      },
      // A follower whose dependency is done here: processing, or queued until it starts (followers.ts).
      (jid) => this.#onChanged?.(jid),
    );
  }

  #createStreams(): JobStreams {
    return new JobStreams(this.#table, (jid) => this.#waiters.resultOf(jid));
  }

  #assertKnown(jids: readonly number[]): void {
    // Indexed: a for-of over a million jids allocates an iterator result per jid until optimised.
    for (let i = 0; i < jids.length; i++) if (!this.#table.exists(jids[i]!)) throw errors.unknownJid(jids[i]!);
  }

  /** Dispatch once per tick, however many events arrived in it. */
  #scheduleDispatch(): void {
    if (this.#dispatchPending) return;
    this.#dispatchPending = true;
    queueMicrotask(this.#dispatchDue);
  }

  /** One function for every tick's dispatch: a lone job's round trip made a closure for each. */
  readonly #dispatchDue = (): void => {
    this.#dispatchPending = false;
    this.#dispatch();
  };

  #dispatch(): void {
    // Until the executor has started, batches wait in the queues; once it has, no await here.
    const executor = this.#start.ready;
    if (!executor) {
      if (this.#scheduler.hasQueued) this.#start.start();
      return;
    }
    const batches = this.#scheduler.takeBatches(Date.now());
    if (batches.length === 0) return;
    const t = this.#table;
    for (const batch of batches) {
      const first = batch.jids[0]!;
      const spec: BatchSpec = {
        fn: t.fnOf(first)!,
        type: batch.type,
        cores: batch.cores,
        jids: batch.jids,
        args: batchArguments(t, batch.jids),
        env: t.env[first],
        followersFrom: batch.followersFrom,
      };
      executor.run(spec);
      if (this.#onChanged) for (const jid of batch.jids) this.#onChanged(jid);
      if (t.maxRuntime[first]! > 0) this.#clocks.arm(first, t.maxRuntime[first]!);
    }
    if (this.#onChanged) this.#sweepStarts();
  }

  /**
   * Learns from the executor which dispatched jobs started: a job reads processing only once it
   * has (a job behind others in its batch has not). Asked when it matters, so a start costs
   * nothing on its way.
   */
  #learnStarts(): void {
    if (this.#scheduler.dispatched > 0) this.#start.ready?.startedJobs(this.#onStarted);
  }

  /** While jobs are dispatched, learns their starts every START_SWEEP_MS, for the store watching. */
  #sweepStarts(): void {
    if (this.#startSweep !== undefined) return;
    this.#startSweep = setInterval(() => {
      if (this.#start.ready && this.#scheduler.dispatched > 0) return this.#learnStarts();
      clearInterval(this.#startSweep);
      this.#startSweep = undefined;
    }, START_SWEEP_MS);
    // The sweep alone must not keep a process alive.
    this.#startSweep.unref();
  }

  #infoOf(jid: number): JobInfo {
    return jobInfoOf(this.#table, jid, this.#settings.memoryLimitOf);
  }
}
