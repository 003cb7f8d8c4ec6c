/**
 * A runtime made durable: the JobService a Cloud with a home talks to. It wraps a host runtime
 * (the HostRuntime contract, not the class), gives its jobs jids from the shared store, has a RecordWriter write their records
 * there in bounded slices, keeps this runtime's lease alive, and answers for jobs of other
 * processes (past or present) from the store, taking over the jobs of a runtime that is gone
 * when it waits on one. The runtime underneath knows nothing of it: it only reports which of its
 * jobs changed. It knows the store by its contract only (JobStore: asynchronous, so it may live
 * across a network). No timer here lets an error escape: a locked or failing store is tried again.
 */
import { deserialize, serialize } from 'node:v8';
import { errors } from '../errors.js';
import type { HostRuntime } from '../types/host-runtime.js';
import type { JobInfo } from '../types/job-info.js';
import type { JobFailure, JobFilter, JobService, ResolvedJobOptions, RuntimeLoad, Submission, WaitRequest, WaitVerdict } from '../types/job-service.js';
import { submittedCount } from '../wire/submitted-args.js';
import { resultAt, withFailureJids } from '../wire/verdict-results.js';
import { isComplete, type JobStatus } from '../types/job-status.js';
import type { JobStore, StoredJob } from '../types/job-store.js';
import type { ShippedFunction } from '../types/shipped-function.js';
import type { Packed } from '../types/job-outcome.js';
import type { StreamChunk } from '../types/job-stream.js';
import type { StatusChange } from '../types/status-change.js';
import { JidMap } from './jid-map.js';
import { RecordWriter } from './record-writer.js';
import { isBusy } from './store-errors.js';
import { REMOTE_POLL_MS, RUNTIME_STOPPED, storeWait, type StoreWaitSource } from './store-wait.js';

/** How often this runtime looks for kill requests from other processes. */
const KILL_POLL_MS = 250;
/** Jobs of a submission recorded before it returns; the rest of a larger map follows in slices. */
const ADD_AT_ONCE = 1_024;
/** How long `kill` waits for another process to kill its job before resolving anyway. */
const REMOTE_KILL_WAIT_MS = 5_000;

export interface DurableSettings {
  /** Runs of a restartable job beyond the first, counted across the runtimes that ran it. */
  maxRestarts: number;
  /** Internal: how often the lease is renewed (default: the store's heartbeatMs). */
  heartbeatMs?: number;
}

/** What a restartable job keeps to run again in another runtime: its inputs and the options info does not show. */
interface RestartPayload {
  fn: ShippedFunction;
  args: Packed;
  maxRuntime: number | undefined;
  dependsOnErrors: ResolvedJobOptions['dependsOnErrors'];
  retry?: ResolvedJobOptions['retry'];
  env?: ResolvedJobOptions['env'];
}

export class DurableService implements JobService {
  readonly #runtime: HostRuntime;
  readonly #store: JobStore;
  readonly #settings: DurableSettings;
  readonly #jids = new JidMap();
  readonly #writer: RecordWriter;
  /** Runs a recovered job had in the runtimes before this one, by local id. */
  readonly #priorAttempts = new Map<number, number>();
  /** While the runtime accepts new jobs: the writer adds them as a range, not one change each. */
  #accepting = false;
  #recovering: Promise<void> | undefined;
  #killPoll: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  /** Store failures already reported from a timer: each message is said once. */
  readonly #reported = new Set<string>();
  /** What a wait on other processes' jobs reads (store-wait.ts). */
  readonly #waitSource: StoreWaitSource;

  /** @param store where the records go: the SQLite store of a home, or any other JobStore */
  constructor(runtime: HostRuntime, store: JobStore, settings: DurableSettings = { maxRestarts: 0 }) {
    this.#runtime = runtime;
    this.#store = store;
    this.#settings = settings;
    this.#waitSource = {
      store,
      toLocal: (jid) => this.#jids.toLocal(jid),
      stored: (jid) => this.#stored(jid),
      own: (local) => this.#runtime.recordOf(local),
      recover: () => this.recover(),
    };
    this.#writer = new RecordWriter(
      store,
      (local) => this.#record(local),
      (jid) => this.#jids.toLocal(jid),
      (error) => this.#report(error),
    );
    runtime.watchChanges((local) => {
      if (!this.#accepting) this.#writer.changed(local);
    });
    runtime.exposeToJobs(this);
    this.#startTimers();
  }

  /** Ends, or takes over to run again, the unfinished jobs of runtimes that are gone. */
  recover(): Promise<void> {
    if (this.#store.readOnly) return Promise.resolve();
    this.#recovering ??= this.#recover().finally(() => (this.#recovering = undefined));
    return this.#recovering;
  }

  async #recover(): Promise<void> {
    for (const job of await this.#store.recover(RUNTIME_STOPPED, this.#settings.maxRestarts)) {
      const { fn, args, maxRuntime, dependsOnErrors, retry, env } = deserialize(job.payload) as RestartPayload;
      const { info } = job;
      // Its dependencies were done when it first ran, so it runs again at once, as it was submitted.
      await this.#runtime.submit(
        {
          fn,
          argsList: [args],
          options: {
            type: info.type,
            cores: info.cores,
            priority: info.priority,
            label: info.label,
            dependsOn: [],
            dependsOnErrors,
            maxRuntime,
            restartable: true,
            retry,
            env,
          },
        },
        (local) => {
          this.#jids.add(local, job.jid, 1);
          this.#priorAttempts.set(local, info.attempts);
        },
      );
    }
  }

  async submit(submission: Submission): Promise<number> {
    const dependsOn = await this.#localDependencies(submission.options.dependsOn, submission.options.dependsOnErrors);
    const count = submittedCount(submission.argsList);
    // The jids come first: the runtime reports the new jobs as changed, and they need their jids.
    const global = await this.#store.reserve(count);
    this.#startTimers();
    let first = 0;
    this.#accepting = true;
    let accepted: Promise<number>;
    try {
      accepted = this.#runtime.submit({ ...submission, options: { ...submission.options, dependsOn } }, (local) => {
        first = local;
        this.#jids.add(local, global, count);
      });
    } finally {
      this.#accepting = false;
    }
    await accepted;
    await this.#addNew(first, global, count, submission.options);
    return global;
  }

  /**
   * Records the jobs just accepted as one range of queued records (with payloads when
   * restartable): at once when few, so that other processes know their jids when `call`
   * returns; a large map's rest through the writer, in slices.
   */
  async #addNew(first: number, global: number, count: number, options: ResolvedJobOptions): Promise<void> {
    const record = this.#runtime.recordOf(first);
    const info = this.#globalInfo(record.info);
    // What info does not keep of the options travels with the inputs, so that a rerun keeps them.
    const { maxRuntime, dependsOnErrors, retry, env } = options;
    const payloads = options.restartable
      ? Array.from({ length: count }, (_, i) =>
          serialize({ ...this.#runtime.recordOf(first + i).inputs!, maxRuntime, dependsOnErrors, retry, env } satisfies RestartPayload),
        )
      : undefined;
    const now = Math.min(count, ADD_AT_ONCE);
    await this.#store.add({ first: global, count: now, info, payloads: payloads?.slice(0, now) });
    if (count > now) this.#writer.add({ first: global + now, count: count - now, info, payloads: payloads?.slice(now) });
    // Jobs that did not stay queued (stalled at once on a failed dependency) are written as they are.
    if (record.info.status !== 'queued') for (let i = 0; i < count; i++) this.#writer.changed(first + i);
  }

  async status(jids: number[]): Promise<JobStatus[]> {
    return this.#answer(
      jids,
      (locals) => this.#runtime.status(locals),
      (job) => job.info.status,
    );
  }

  async info(jids: number[]): Promise<JobInfo[]> {
    return this.#answer(
      jids,
      async (locals) => (await this.#runtime.info(locals)).map((info) => this.#globalInfo(info)),
      (job) => job.info,
    );
  }

  /** Answers for many jids at once: this runtime's in one call to it, the others' from the store. */
  async #answer<T>(jids: number[], fromRuntime: (locals: number[]) => Promise<T[]>, fromStore: (job: StoredJob) => T): Promise<T[]> {
    const locals = jids.map((jid) => this.#jids.toLocal(jid));
    const own = await fromRuntime(locals.filter((local) => local !== undefined));
    // eslint-disable-next-line @typescript-eslint/await-thenable -- the store may answer with values or promises
    const stored = await Promise.all(jids.map((jid, i) => (locals[i] === undefined ? this.#stored(jid) : undefined)));
    let next = 0;
    return jids.map((_, i) => (locals[i] !== undefined ? own[next++]! : fromStore(stored[i]!)));
  }

  async wait(request: WaitRequest, signal?: AbortSignal): Promise<WaitVerdict> {
    const locals = request.jids.map((jid) => this.#jids.toLocal(jid));
    if (locals.every((local) => local !== undefined)) {
      const verdict = await this.#runtime.wait({ ...request, jids: locals }, signal);
      // What a wait saw complete is in the store before the caller sees it: a crash next loses none of it.
      await this.#writer.drain();
      return this.#globalVerdict(verdict);
    }
    for (const [i, local] of locals.entries()) if (local === undefined) await this.#stored(request.jids[i]!);
    return storeWait(this.#waitSource, request, signal);
  }

  /** From a running job, which names itself by the runtime's own id. */
  async yielded(jid: number, values: Packed[]): Promise<void> {
    await this.#runtime.yielded?.(jid, values);
  }

  /**
   * This runtime's job streams as it yields; another process's is read once complete, as a job
   * whose generator is not known (its result's items, when it is an array).
   */
  async stream(jid: number, from: number, caller?: number): Promise<StreamChunk> {
    const local = this.#jids.toLocal(jid);
    if (local === undefined) {
      const verdict = await this.wait({ jids: [jid], timeout: undefined, ignoreErrors: true, values: true, any: false, caller });
      if (verdict.kind !== 'complete') throw errors.closedDuringWait();
      return { values: [], end: { result: resultAt(verdict.results!, 0), generator: undefined, rest: true } };
    }
    const chunk = await this.#runtime.stream!(local, from, caller);
    const result = chunk.end?.result;
    if (result === undefined || result.ok) return chunk;
    return { values: chunk.values, end: { ...chunk.end!, result: { ok: false, failure: { ...result.failure, jid } } } };
  }

  /** Another process's jobs are asked to die; their owner kills what they started too. */
  async kill(jids: number[] | undefined, recursive = true): Promise<void> {
    if (jids === undefined) return this.#runtime.kill(undefined);
    const locals: number[] = [];
    const remote: number[] = [];
    for (const jid of jids) {
      const local = this.#jids.toLocal(jid);
      if (local !== undefined) locals.push(local);
      else if (!isComplete((await this.#stored(jid)).info.status)) remote.push(jid);
    }
    await this.#runtime.kill(locals, recursive);
    if (remote.length > 0) await this.#killRemote(remote);
  }

  /** Asks the owners to kill, then waits (a while) until they have, so the kill is seen done. */
  async #killRemote(jids: number[]): Promise<void> {
    await this.#store.requestKill(jids);
    const deadline = Date.now() + REMOTE_KILL_WAIT_MS;
    while (Date.now() < deadline && !(await this.#allComplete(jids))) {
      await new Promise((resolve) => setTimeout(resolve, REMOTE_POLL_MS));
    }
  }

  async #allComplete(jids: number[]): Promise<boolean> {
    const jobs = await Promise.all(jids.map((jid) => this.#stored(jid)));
    return jobs.every((job) => isComplete(job.info.status));
  }

  async delete(jids: number[]): Promise<void> {
    const locals: number[] = [];
    for (const jid of jids) {
      const local = this.#jids.toLocal(jid);
      if (local !== undefined) locals.push(local);
      else if (!isComplete((await this.#stored(jid)).info.status)) throw errors.deleteUnfinished(jid);
    }
    await this.#runtime.delete(locals);
    // Their rows may not be written yet: written first, then deleted, none is left behind.
    await this.#writer.drain();
    for (const local of locals) this.#writer.forget(local);
    await this.#store.delete(jids);
  }

  async list(filter: JobFilter): Promise<JobInfo[]> {
    await this.#writer.drain();
    return await this.#store.list(filter);
  }

  /** The load of every runtime using this home: what the store holds unfinished. */
  async load(): Promise<RuntimeLoad> {
    await this.#writer.drain();
    return this.#runtime.loadOf(await this.#store.unfinishedCounts());
  }

  /** The status changes of this runtime's jobs, with their jids in the home. */
  watchStatuses(listener: (change: StatusChange) => void): () => void {
    return this.#runtime.watchStatuses((change) => listener({ ...change, jid: this.#jids.toGlobal(change.jid) }));
  }

  /** Stops the runtime, writes what changed, and gives the lease up; the store stays open for the next start. */
  async close(): Promise<boolean> {
    const closed = await this.#runtime.close();
    this.#stopTimers();
    await this.#writer.drain();
    if (!this.#store.readOnly) await this.#store.releaseLease().catch((error: unknown) => this.#report(error));
    return closed;
  }

  /** The lease and the kill-request poll, while this runtime may own jobs (a read-only one never does). */
  #startTimers(): void {
    if (this.#store.readOnly || this.#heartbeat !== undefined) return;
    // A lease taken now (an add takes it too, whatever happens to this first renewal).
    this.#inTimer(() => this.#store.renewLease());
    const heartbeatMs = this.#settings.heartbeatMs ?? this.#store.heartbeatMs;
    this.#heartbeat = setInterval(() => this.#inTimer(() => this.#store.renewLease()), heartbeatMs);
    // The lease alone must not keep a process alive; a busy runtime's workers and writer do.
    this.#heartbeat.unref();
    this.#killPoll = setInterval(() => this.#inTimer(() => this.#applyKillRequests()), KILL_POLL_MS);
    this.#killPoll.unref();
  }

  #stopTimers(): void {
    clearInterval(this.#heartbeat);
    clearInterval(this.#killPoll);
    this.#heartbeat = this.#killPoll = undefined;
  }

  /** Runs a timer's work: a lock held by another client is waited out on the next tick of the timer. */
  #inTimer(work: () => Promise<unknown>): void {
    work().catch((error: unknown) => this.#report(error));
  }

  /** A failure no caller can receive: said once as a process warning; a lock held elsewhere is not one. */
  #report(error: unknown): void {
    if (isBusy(error)) return;
    const message = error instanceof Error ? error.message : String(error);
    if (this.#reported.has(message)) return;
    this.#reported.add(message);
    process.emitWarning(`nimbus: ${message}`);
  }

  /** A job's record for the store, or undefined when the job is gone (deleted). */
  #record(local: number): StoredJob | undefined {
    const record = this.#runtime.recordOf(local);
    if (record.info.status === undefined) return undefined;
    return { info: this.#globalInfo(record.info), value: record.value, payload: undefined };
  }

  /** A job of another process, from the store; unknown is an error. */
  async #stored(jid: number): Promise<StoredJob> {
    const job = await this.#store.get(jid);
    if (!job) throw errors.unknownJid(jid);
    return job;
  }

  /** Dependencies must be this runtime's jobs, or finished ones (which then need no waiting). */
  async #localDependencies(dependsOn: number[], onErrors: 'abort' | 'ignore'): Promise<number[]> {
    const locals: number[] = [];
    for (const jid of dependsOn) {
      const local = this.#jids.toLocal(jid);
      if (local !== undefined) {
        locals.push(local);
        continue;
      }
      const { status } = (await this.#stored(jid)).info;
      if (status === 'done' || (isComplete(status) && onErrors === 'ignore')) continue;
      throw errors.foreignDependency(jid, status);
    }
    return locals;
  }

  #globalInfo(info: JobInfo): JobInfo {
    const prior = this.#priorAttempts.size > 0 ? (this.#priorAttempts.get(info.jid) ?? 0) : 0;
    return {
      ...info,
      jid: this.#jids.toGlobal(info.jid),
      dependsOn: info.dependsOn.map((jid) => this.#jids.toGlobal(jid)),
      attempts: info.attempts + prior,
    };
  }

  #globalVerdict(verdict: WaitVerdict): WaitVerdict {
    const failure = (f: JobFailure): JobFailure => ({ ...f, jid: this.#jids.toGlobal(f.jid) });
    switch (verdict.kind) {
      case 'complete':
        return {
          kind: 'complete',
          jids: verdict.jids.map((jid) => this.#jids.toGlobal(jid)),
          results: verdict.results && withFailureJids(verdict.results, (jid) => this.#jids.toGlobal(jid)),
        };
      case 'failed':
        return { kind: 'failed', failure: failure(verdict.failure) };
      default:
        return verdict;
    }
  }

  async #applyKillRequests(): Promise<void> {
    const jids = await this.#store.takeKillRequests();
    const locals = jids.map((jid) => this.#jids.toLocal(jid)).filter((local) => local !== undefined);
    if (locals.length > 0) await this.#runtime.kill(locals);
  }
}
