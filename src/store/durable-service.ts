/**
 * A runtime made durable: the JobService a Cloud with a home talks to. It wraps the local
 * runtime, gives its jobs jids from the shared store, writes every changed record there once per
 * tick, and answers for jobs of other processes (past or present) from the store. The runtime
 * underneath knows nothing of it: it only reports which of its jobs changed.
 */
import { deserialize, serialize } from 'node:v8';
import { CloudError, errors } from '../errors.js';
import type { Runtime } from '../runtime/runtime.js';
import type { JobInfo } from '../types/job-info.js';
import type { JobFailure, JobFilter, JobResult, JobService, RuntimeLoad, Submission, WaitRequest, WaitVerdict } from '../types/job-service.js';
import { isComplete, type JobStatus } from '../types/job-status.js';
import type { JobStore, StoredJob } from '../types/job-store.js';
import type { ShippedFunction } from '../types/shipped-function.js';
import type { Packed } from '../types/job-outcome.js';
import { LoadTally } from '../runtime/load-tally.js';
import { JidMap } from './jid-map.js';
import { MAX_STORED_RESULT_BYTES } from './sqlite-job-store.js';

/** How often a wait on another process's jobs reads the store again. */
const REMOTE_POLL_MS = 100;
/** How often this runtime looks for kill requests from other processes. */
const KILL_POLL_MS = 250;
/** How long `kill` waits for another process to kill its job before resolving anyway. */
const REMOTE_KILL_WAIT_MS = 5_000;

export const RUNTIME_STOPPED = { name: 'RuntimeStopped', message: 'runtime stopped before the job finished', stack: undefined };

export class DurableService implements JobService {
  readonly #runtime: Runtime;
  readonly #store: JobStore;
  readonly #jids = new JidMap();
  /** Local ids whose records changed since the last write. */
  #dirty = new Set<number>();
  #flushPending = false;
  readonly #killPoll: NodeJS.Timeout;

  /** @param store where the records go: the SQLite store of a home, or any other JobStore */
  constructor(runtime: Runtime, store: JobStore) {
    this.#runtime = runtime;
    this.#store = store;
    runtime.watchChanges((local) => this.#changed(local));
    runtime.exposeToJobs(this);
    this.#killPoll = setInterval(() => void this.#applyKillRequests(), KILL_POLL_MS);
    this.#killPoll.unref();
  }

  /** Ends, or takes over to run again, the unfinished jobs of runtimes that are gone. */
  async recover(): Promise<void> {
    for (const job of this.#store.recover(RUNTIME_STOPPED)) {
      const { fn, args } = deserialize(job.payload) as { fn: ShippedFunction; args: Packed };
      const { info } = job;
      await this.#runtime.submit({
        fn,
        argsList: [args],
        options: {
          type: info.type, cores: info.cores, priority: info.priority, label: info.label, dependsOn: [],
          dependsOnErrors: 'abort', maxRuntime: undefined, restartable: true,
        },
      }, (local) => this.#jids.add(local, job.jid, 1));
    }
  }

  async submit(submission: Submission): Promise<number> {
    const dependsOn = this.#localDependencies(submission.options.dependsOn, submission.options.dependsOnErrors);
    const count = submission.argsList.length;
    // The jids come first: the runtime reports the new jobs as changed, and they need their jids.
    const global = this.#store.reserve(count);
    await this.#runtime.submit(
      { ...submission, options: { ...submission.options, dependsOn } },
      (first) => this.#jids.add(first, global, count),
    );
    return global;
  }

  async status(jids: number[]): Promise<JobStatus[]> {
    return this.#answer(jids, (locals) => this.#runtime.status(locals), (job) => job.info.status);
  }

  async info(jids: number[]): Promise<JobInfo[]> {
    return this.#answer(jids, async (locals) => (await this.#runtime.info(locals)).map((info) => this.#globalInfo(info)), (job) => job.info);
  }

  /** Answers for many jids at once: this runtime's in one call to it, the others' from the store. */
  async #answer<T>(jids: number[], fromRuntime: (locals: number[]) => Promise<T[]>, fromStore: (job: StoredJob) => T): Promise<T[]> {
    const locals = jids.map((jid) => this.#jids.toLocal(jid));
    const own = await fromRuntime(locals.filter((local) => local !== undefined));
    let next = 0;
    return jids.map((jid, i) => (locals[i] !== undefined ? own[next++]! : fromStore(this.#stored(jid))));
  }

  async wait(request: WaitRequest): Promise<WaitVerdict> {
    const locals = request.jids.map((jid) => this.#jids.toLocal(jid));
    if (locals.every((local) => local !== undefined)) {
      return this.#globalVerdict(await this.#runtime.wait({ ...request, jids: locals as number[] }));
    }
    for (const [i, local] of locals.entries()) if (local === undefined) this.#stored(request.jids[i]!);
    return this.#pollWait(request);
  }

  async kill(jids: number[] | undefined): Promise<void> {
    if (jids === undefined) return this.#runtime.kill(undefined);
    const locals: number[] = [];
    const remote: number[] = [];
    for (const jid of jids) {
      const local = this.#jids.toLocal(jid);
      if (local !== undefined) locals.push(local);
      else if (!isComplete(this.#stored(jid).info.status)) remote.push(jid);
    }
    await this.#runtime.kill(locals);
    if (remote.length > 0) await this.#killRemote(remote);
  }

  /** Asks the owners to kill, then waits (a while) until they have, so the kill is seen done. */
  async #killRemote(jids: number[]): Promise<void> {
    this.#store.requestKill(jids);
    const deadline = Date.now() + REMOTE_KILL_WAIT_MS;
    while (Date.now() < deadline && jids.some((jid) => !isComplete(this.#stored(jid).info.status))) {
      await new Promise((resolve) => setTimeout(resolve, REMOTE_POLL_MS));
    }
  }

  async delete(jids: number[]): Promise<void> {
    const locals: number[] = [];
    for (const jid of jids) {
      const local = this.#jids.toLocal(jid);
      if (local !== undefined) locals.push(local);
      else if (!isComplete(this.#stored(jid).info.status)) throw errors.deleteUnfinished(jid);
    }
    await this.#runtime.delete(locals);
    for (const local of locals) this.#dirty.delete(local);
    this.#store.delete(jids);
  }

  async list(filter: JobFilter): Promise<JobInfo[]> {
    this.#flush();
    return this.#store.list(filter);
  }

  /** The load of every runtime using this home: what the store holds unfinished. */
  async load(): Promise<RuntimeLoad> {
    this.#flush();
    const tally = new LoadTally((await this.#runtime.load()).computeUnits.total);
    for (const { status, type, cores, count } of this.#store.unfinishedCounts()) tally.add(status, type, cores, count);
    return tally.load;
  }

  /** Writes what changed, then stops the runtime; the store stays open for the next start. */
  async close(): Promise<boolean> {
    const closed = await this.#runtime.close();
    this.#flush();
    return closed;
  }

  #changed(local: number): void {
    this.#dirty.add(local);
    if (this.#flushPending) return;
    this.#flushPending = true;
    queueMicrotask(() => this.#flush());
  }

  /** One transaction for every record that changed in this tick. */
  #flush(): void {
    this.#flushPending = false;
    if (this.#dirty.size === 0) return;
    const dirty = this.#dirty;
    this.#dirty = new Set();
    const jobs: StoredJob[] = [];
    for (const local of dirty) {
      const record = this.#runtime.recordOf(local);
      if (record.info.status === undefined) continue;
      const keepInputs = record.restartable && record.inputs !== undefined;
      jobs.push({
        info: this.#globalInfo(record.info),
        value: record.value,
        payload: keepInputs ? serialize(record.inputs) : undefined,
      });
    }
    this.#store.save(jobs);
  }

  /** A job of another process, from the store; unknown is an error. */
  #stored(jid: number): StoredJob {
    const job = this.#store.get(jid);
    if (!job) throw errors.unknownJid(jid);
    return job;
  }

  /** Dependencies must be this runtime's jobs, or finished ones (which then need no waiting). */
  #localDependencies(dependsOn: number[], onErrors: 'abort' | 'ignore'): number[] {
    const locals: number[] = [];
    for (const jid of dependsOn) {
      const local = this.#jids.toLocal(jid);
      if (local !== undefined) {
        locals.push(local);
        continue;
      }
      const { status } = this.#stored(jid).info;
      if (status === 'done' || (isComplete(status) && onErrors === 'ignore')) continue;
      throw new CloudError(`job ${jid} belongs to another process and is ${status}: a job can depend only on this runtime's jobs or on finished ones`);
    }
    return locals;
  }

  #globalInfo(info: JobInfo): JobInfo {
    return { ...info, jid: this.#jids.toGlobal(info.jid), dependsOn: info.dependsOn.map((jid) => this.#jids.toGlobal(jid)) };
  }

  #globalVerdict(verdict: WaitVerdict): WaitVerdict {
    const failure = (f: JobFailure): JobFailure => ({ ...f, jid: this.#jids.toGlobal(f.jid) });
    switch (verdict.kind) {
      case 'complete': return {
        kind: 'complete',
        jids: verdict.jids.map((jid) => this.#jids.toGlobal(jid)),
        results: verdict.results?.map((result) => (result.ok ? result : { ok: false, failure: failure(result.failure) })),
      };
      case 'failed': return { kind: 'failed', failure: failure(verdict.failure) };
      default: return verdict;
    }
  }

  /** A wait that involves another process's jobs: it reads the store until the request is met. */
  async #pollWait(request: WaitRequest): Promise<WaitVerdict> {
    const deadline = request.timeout === undefined ? Infinity : Date.now() + request.timeout;
    for (;;) {
      this.#flush();
      const results = await Promise.all(request.jids.map((jid) => this.#resultNow(jid)));
      const failed = results.find((result) => result && !result.ok);
      if (failed && !failed.ok && !request.ignoreErrors && !request.any) return { kind: 'failed', failure: failed.failure };
      const complete = request.jids.filter((_, i) => results[i] !== undefined);
      if (request.any ? complete.length > 0 : complete.length === request.jids.length) {
        const chosen = request.any ? results.filter((result) => result !== undefined) : results;
        return { kind: 'complete', jids: complete, results: request.values || request.any ? (chosen as JobResult[]) : undefined };
      }
      if (Date.now() >= deadline) return { kind: 'timeout', after: request.timeout! };
      await new Promise((resolve) => setTimeout(resolve, Math.min(REMOTE_POLL_MS, Math.max(0, deadline - Date.now()))));
    }
  }

  /** A job's result if it is complete now, else undefined. */
  async #resultNow(jid: number): Promise<JobResult | undefined> {
    const local = this.#jids.toLocal(jid);
    const stored = local === undefined ? this.#stored(jid) : undefined;
    const info = stored ? stored.info : (await this.info([jid]))[0]!;
    if (!isComplete(info.status)) return undefined;
    if (info.status === 'done') {
      if (stored?.droppedBytes !== undefined) throw errors.resultNotKept(jid, stored.droppedBytes, MAX_STORED_RESULT_BYTES);
      const value = stored ? stored.value : this.#runtime.recordOf(local!).value;
      return { ok: true, value };
    }
    return { ok: false, failure: { jid, status: info.status as JobFailure['status'], error: info.exception } };
  }

  async #applyKillRequests(): Promise<void> {
    const locals = this.#store.takeKillRequests().map((jid) => this.#jids.toLocal(jid)).filter((local) => local !== undefined);
    if (locals.length > 0) await this.#runtime.kill(locals);
  }
}
