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
import type { OutcomeReport, RemoteError } from '../types/job-outcome.js';
import type { HostRuntime, JobRecord } from '../types/host-runtime.js';
import type { JobFilter, JobRequests, RuntimeLoad, Submission, WaitRequest, WaitVerdict } from '../types/job-service.js';
import type { JobStatus } from '../types/job-status.js';
import type { UnfinishedCount } from '../types/job-store.js';
import { Code, Flag, JobTable, isCompleteCode } from './job-table.js';
import { encodeBatchArgs } from '../wire/batch-args.js';
import { LoadTally } from './load-tally.js';
import { MaxRuntimeClocks } from './max-runtime-clocks.js';
import { jobInfoOf } from './job-info-view.js';
import { Scheduler } from './scheduler.js';
import { computeUnitsOf } from '../types/resource-profiles.js';
import { Waiters } from './waiters.js';

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
  /** Runs of a restartable job whose worker died, beyond the first. */
  maxRestarts: number;
  /** The memory limit a job of this profile is held to, in MB; undefined where none is. */
  memoryLimitOf: (type: ResourceType, cores: number) => number | undefined;
  createExecutor: (events: ExecutorEvents, service: JobRequests) => Executor;
}

/** After an executor's start failed: when it is tried again (its jobs stay queued meanwhile). */
const START_RETRY_MS = 1_000;
/**
 * With a store watching (a home), how often the executor is asked which jobs started while jobs
 * are dispatched, so that their records say processing too: no one may be reading statuses here.
 */
const START_SWEEP_MS = 100;

export class Runtime implements HostRuntime {
  #settings: RuntimeSettings;
  #table = new JobTable();
  #waiters = new Waiters(this.#table);
  #scheduler: Scheduler;
  readonly #clocks = new MaxRuntimeClocks((jid, maxRuntime) => {
    this.#learnStarts();
    this.#executor?.stop(jid);
    this.#scheduler.fail(jid, remoteErrors.maxRuntimeExceeded(maxRuntime), Date.now());
    this.#scheduleDispatch();
  });
  /** Made when the first job is queued; batches go to it only once its start resolved. */
  #executor: Executor | undefined;
  #started = false;
  #starting: Promise<void> | undefined;
  #startRetry: NodeJS.Timeout | undefined;
  /** Start failures already warned of: each message is said once. */
  readonly #startFailures = new Set<string>();
  #dispatchPending = false;
  #startSweep: NodeJS.Timeout | undefined;
  /** Told of every job whose record changed (a durable store writes it). */
  #onChanged: ((jid: number) => void) | undefined;
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
    return this.#executor !== undefined;
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
    const first = this.#table.allocate(argsList.length);
    onAllocated?.(first);
    const parentJob = parent !== undefined && this.#table.exists(parent) ? parent : undefined;
    this.#scheduler.accept(first, fn, argsList, options, Date.now(), parentJob);
    if (this.#onChanged) for (let i = 0; i < argsList.length; i++) this.#onChanged(first + i);
    this.#scheduleDispatch();
    return first;
  }

  async status(jids: number[]): Promise<JobStatus[]> {
    this.#assertKnown(jids);
    this.#learnStarts();
    return jids.map((jid) => this.#table.statusOf(jid));
  }

  async wait(request: WaitRequest): Promise<WaitVerdict> {
    this.#assertKnown(request.jids);
    const caller = request.caller;
    if (caller === undefined) return this.#waiters.wait(request);
    return this.whileParked(caller, this.#waiters.wait(request));
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

  async kill(jids: number[] | undefined): Promise<void> {
    if (jids) this.#assertKnown(jids);
    // A job killed as it runs keeps its start time.
    this.#learnStarts();
    const now = Date.now();
    for (const jid of jids ?? this.#unfinishedJids()) {
      if (this.#scheduler.kill(jid, now)) {
        this.#clocks.disarm(jid);
        this.#executor?.stop(jid);
      }
    }
    this.#scheduleDispatch();
  }

  async delete(jids: number[]): Promise<void> {
    this.#assertKnown(jids);
    for (const jid of jids) {
      if (!isCompleteCode(this.#table.status[jid]!)) throw errors.deleteUnfinished(jid);
    }
    for (const jid of jids) this.#table.erase(jid);
  }

  async info(jids: number[]): Promise<JobInfo[]> {
    this.#assertKnown(jids);
    this.#learnStarts();
    return jids.map((jid) => this.#infoOf(jid));
  }

  async list(filter: JobFilter): Promise<JobInfo[]> {
    const t = this.#table;
    this.#learnStarts();
    const wanted = filter.status;
    const found: JobInfo[] = [];
    const newest = filter.before === undefined ? t.lastJid : Math.min(t.lastJid, filter.before - 1);
    for (let jid = newest; jid > 0 && found.length < filter.limit; jid--) {
      if (t.status[jid] === Code.None || (wanted && !wanted.includes(t.statusOf(jid)))) continue;
      if (filter.label !== undefined && t.label[jid] !== filter.label) continue;
      found.push(this.#infoOf(jid));
    }
    return found;
  }

  async load(): Promise<RuntimeLoad> {
    const t = this.#table;
    this.#learnStarts();
    const tally = new LoadTally(this.#settings.computeUnits);
    for (let jid = 1; jid <= t.lastJid; jid++) {
      const code = t.status[jid]!;
      if (code !== Code.None && !isCompleteCode(code)) tally.add(t.statusOf(jid), t.typeOf(jid), t.cores[jid]!);
    }
    return tally.load;
  }

  loadOf(counts: readonly UnfinishedCount[]): RuntimeLoad {
    const tally = new LoadTally(this.#settings.computeUnits);
    for (const { status, type, cores, count } of counts) tally.add(status, type, cores, count);
    return tally.load;
  }

  /** Calls `listener` with each job whose record changed: accepted, dispatched, returned, complete. */
  watchChanges(listener: (jid: number) => void): void {
    this.#onChanged = listener;
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
      inputs: fn && { fn, args: t.args[jid] },
      restartable: (t.flags[jid]! & Flag.Restartable) !== 0,
    };
  }

  /** Kills what is unfinished and stops the executor, resolving once its workers are gone; the table stays readable. */
  async close(): Promise<boolean> {
    const executor = this.#executor;
    if (!executor) return false;
    await this.kill(undefined);
    this.#waiters.abandonAll();
    const starting = this.#starting;
    this.#executor = this.#starting = undefined;
    this.#started = false;
    clearTimeout(this.#startRetry);
    this.#startRetry = undefined;
    clearInterval(this.#startSweep);
    this.#startSweep = undefined;
    // A start in flight ends first: close is the last call an executor gets.
    await starting?.catch(() => {});
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
    this.#scheduler = this.#createScheduler();
  }

  /** Drives another executor from now on; only when no job is unfinished. */
  async reconfigure(settings: RuntimeSettings): Promise<void> {
    if (this.#scheduler.incomplete > 0) throw errors.switchWithJobs();
    await this.close();
    this.#settings = settings;
    this.#scheduler = this.#createScheduler();
  }

  #createScheduler(): Scheduler {
    return new Scheduler(this.#table, this.#settings, (jid) => {
      this.#waiters.completed(jid);
      this.#onChanged?.(jid);
    });
  }

  #assertKnown(jids: readonly number[]): void {
    // Indexed: a for-of over a million jids allocates an iterator result per jid until optimised.
    for (let i = 0; i < jids.length; i++) if (!this.#table.exists(jids[i]!)) throw errors.unknownJid(jids[i]!);
  }

  *#unfinishedJids(): Iterable<number> {
    const t = this.#table;
    for (let jid = 1; jid <= t.lastJid; jid++) {
      const code = t.status[jid]!;
      if (code !== Code.None && !isCompleteCode(code)) yield jid;
    }
  }

  /** Dispatch once per tick, however many events arrived in it. */
  #scheduleDispatch(): void {
    if (this.#dispatchPending) return;
    this.#dispatchPending = true;
    queueMicrotask(() => {
      this.#dispatchPending = false;
      this.#dispatch();
    });
  }

  #dispatch(): void {
    // Until the executor has started, batches wait in the queues; once it has, no await here.
    if (!this.#started) return this.#startExecutor();
    const executor = this.#executor!;
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
        args: encodeBatchArgs(batch.jids.map((jid) => t.args[jid])),
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
    if (this.#started && this.#scheduler.dispatched > 0) this.#executor!.startedJobs(this.#onStarted);
  }

  /** While jobs are dispatched, learns their starts every START_SWEEP_MS, for the store watching. */
  #sweepStarts(): void {
    if (this.#startSweep !== undefined) return;
    this.#startSweep = setInterval(() => {
      if (this.#started && this.#scheduler.dispatched > 0) return this.#learnStarts();
      clearInterval(this.#startSweep);
      this.#startSweep = undefined;
    }, START_SWEEP_MS);
    // The sweep alone must not keep a process alive.
    this.#startSweep.unref();
  }

  /**
   * Makes the executor when jobs are queued and none is there, and starts it (again, after a
   * failed start, when the retry timer says so); a start that resolves dispatches.
   */
  #startExecutor(): void {
    if (this.#starting !== undefined || this.#startRetry !== undefined || !this.#scheduler.hasQueued) return;
    const executor = (this.#executor ??= this.#settings.createExecutor(this.#events, this.#serviceForJobs));
    const starting = executor.start();
    this.#starting = starting;
    starting.then(
      () => {
        if (this.#starting !== starting) return;
        this.#starting = undefined;
        this.#started = true;
        this.#scheduleDispatch();
      },
      (error: unknown) => {
        if (this.#starting !== starting) return;
        this.#starting = undefined;
        this.#warnOnce(error);
        // The jobs stay queued (a wait may time out, a kill ends them); the start is tried again.
        this.#startRetry = setTimeout(() => {
          this.#startRetry = undefined;
          this.#scheduleDispatch();
        }, START_RETRY_MS);
      },
    );
  }

  #warnOnce(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.#startFailures.has(message)) return;
    this.#startFailures.add(message);
    process.emitWarning(`nimbus: the executor could not start, its jobs wait: ${message}`);
  }

  #infoOf(jid: number): JobInfo {
    return jobInfoOf(this.#table, jid, this.#settings.memoryLimitOf);
  }
}
