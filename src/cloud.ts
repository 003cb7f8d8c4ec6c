/**
 * The public `Cloud`: checks every argument where it enters, ships functions and packs
 * arguments, then hands plain requests to a JobService (JobRequests). It decides nothing about scheduling and
 * holds no job state, so the same class serves the main thread, the simulator and a running job.
 */
import { CloudException, CloudTimeoutError, errors } from './errors.js';
import type { Dashboard, DashboardOptions } from './dashboard/server.js';
import type { CloudFiles } from './files/cloud-files.js';
import { ProgressBar, type ProgressCounts } from './progress/progress-bar.js';
import { createLocalBackend } from './local/local-backend.js';
import { createRedisBackend } from './redis/redis-backend.js';
import { checkConfig, checkInfoFields, checkJids, checkListFilter, checkJobOptions, checkWaitOptions, resolveJobOptions } from './options.js';
import { currentJob } from './worker/job-context.js';
import { isUnshippable, packArguments, unpack } from './wire/payload.js';
import { shipFunction } from './shipping/ship-function.js';
import type { Jid } from './types/jid.js';
import type { JobInfo, JobInfoField } from './types/job-info.js';
import type { CloudConfig, JobOptions, ListFilter, WaitOptions } from './types/job-options.js';
import type { Packed } from './types/job-outcome.js';
import type { JobRequests, JobResult, RuntimeLoad, WaitRequest, WaitVerdict } from './types/job-service.js';
import type { JobStatus } from './types/job-status.js';

/** Where a Cloud sends its requests, and how it starts and stops them. */
export interface CloudBackend {
  /** The service; the first request may start it (load the runtime, open the home). */
  service(): JobRequests | Promise<JobRequests>;
  readonly files: CloudFiles;
  readonly isSimulator: boolean;
  startSimulator(): Promise<void>;
  close(): Promise<boolean>;
}

/** The value a job whose function returns `R` ends with: awaited, a generator's yields in an array. */
export type JobValue<R> = R extends Generator<infer Y, unknown, never> ? Y[] : R extends AsyncGenerator<infer Y, unknown, never> ? Y[] : Awaited<R>;

interface View {
  backend: CloudBackend;
  options: JobOptions;
}

/** The close in progress of each backend: a second close while one runs answers false, once it is over. */
const closing = new WeakMap<CloudBackend, Promise<boolean>>();
/** The dashboards a cloud (or any of its views) serves: its close stops them. */
const dashboards = new WeakMap<CloudBackend, Set<Dashboard>>();

export class Cloud {
  /** The view `with` is making: set just before its `new Cloud()`, taken by that constructor. */
  static #nextView: View | undefined;
  readonly #backend: CloudBackend;
  readonly #options: JobOptions;

  /**
   * @param config how this instance runs jobs; see CloudConfig
   */
  constructor(config?: CloudConfig);
  /** @internal */
  constructor(config: CloudConfig | undefined, createBackend?: (cloud: Cloud, config: CloudConfig) => CloudBackend);
  constructor(config?: CloudConfig, createBackend?: (cloud: Cloud, config: CloudConfig) => CloudBackend) {
    const view = Cloud.#nextView;
    Cloud.#nextView = undefined;
    if (view) {
      this.#backend = view.backend;
      this.#options = view.options;
      return;
    }
    const checked = checkConfig(config);
    this.#backend = (createBackend ?? (checked.redis === undefined ? createLocalBackend : createRedisBackend))(this, checked);
    this.#options = {};
  }

  /** The file store shared by this cloud and its jobs (see the README's cloud.files). */
  get files(): CloudFiles {
    return this.#backend.files;
  }

  /**
   * Serves the web dashboard of this cloud's jobs, files and load (127.0.0.1 unless told
   * otherwise). It never keeps the process alive by itself: a script ends when its own work does
   * (`nimbus dashboard` serves a home for as long as you like); `close()` of the cloud stops it.
   */
  async dashboard(options?: DashboardOptions): Promise<Dashboard> {
    // Loaded when asked for: a Cloud that serves no dashboard (a worker's, for one) never loads node:http.
    const { startDashboard } = await import('./dashboard/server.js');
    const served = await startDashboard(this, options, { holdsProcess: false });
    const open = dashboards.get(this.#backend) ?? new Set<Dashboard>();
    dashboards.set(this.#backend, open.add(served));
    return {
      url: served.url,
      close: async () => {
        open.delete(served);
        await served.close();
      },
    };
  }

  /** True when jobs run in this thread (the simulator). */
  get isSimulator(): boolean {
    return this.#backend.isSimulator;
  }

  /** A view of this cloud whose jobs carry `options` (merged over this view's own). */
  with(options: JobOptions): Cloud {
    const checked = checkJobOptions(options);
    Cloud.#nextView = { backend: this.#backend, options: { ...this.#options, ...checked } };
    return new Cloud();
  }

  /** Starts one job running `fn(...args)`; resolves with its jid once the job is accepted. */
  async call<A extends unknown[], R>(fn: (...args: A) => R, ...args: NoInfer<A>): Promise<Jid<JobValue<R>>> {
    const shipped = shipFunction(checkFunction(fn));
    const packed = packArguments(args);
    if (isUnshippable(packed)) throw errors.unshippableArgument('an argument of call', packed.unshippable);
    const first = await (
      await this.#service()
    ).submit({ fn: shipped, argsList: [packed], options: resolveJobOptions(this.#options), parent: currentJob()?.jid });
    return first;
  }

  /**
   * One job per index i running `fn(a[i], b[i], ...)`; shorter iterables are padded with
   * undefined to the longest. Resolves with the jids, in order.
   */
  async map<A extends unknown[], R>(fn: (...args: A) => R, ...iterables: IterablesOf<A>): Promise<Jid<JobValue<R>>[]> {
    const shipped = shipFunction(checkFunction(fn));
    if (iterables.length === 0) throw errors.noIterable();
    const columns = iterables.map((iterable, i) => {
      if (typeof iterable !== 'object' || iterable === null || !(Symbol.iterator in iterable)) throw errors.notIterable(i, iterable);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion, @typescript-eslint/no-unsafe-return -- a value of the user's, whatever its type; the assertion states what the value is
      return Array.isArray(iterable) ? iterable : [...(iterable as Iterable<unknown>)];
    });
    const count = Math.max(...columns.map((column) => column.length));
    if (count === 0) return [];
    const argsList = new Array<Packed>(count);
    for (let i = 0; i < count; i++) {
      const args = argumentsAt(columns, i);
      const packed = packArguments(args);
      // A list of primitives travels as it is: only another answer can be a refusal.
      if (packed !== args && isUnshippable(packed)) throw errors.unshippableArgument(`map item ${i}`, packed.unshippable);
      argsList[i] = packed;
    }
    const first = await (await this.#service()).submit({ fn: shipped, argsList, options: resolveJobOptions(this.#options), parent: currentJob()?.jid });
    const jids = new Array<Jid<JobValue<R>>>(count);
    for (let i = 0; i < count; i++) jids[i] = first + i;
    return jids;
  }

  status(jid: Jid): Promise<JobStatus>;
  status(jids: Iterable<Jid>): Promise<JobStatus[]>;
  async status(jids: Jid | Iterable<Jid>): Promise<JobStatus | JobStatus[]> {
    const asked = checkJids(jids, 'status jid');
    const statuses = await (await this.#service()).status(asked.jids);
    return asked.single ? statuses[0]! : statuses;
  }

  /** Waits until every job is complete; rejects with CloudException as soon as one is not done. */
  async join(jids: Jid | Iterable<Jid>, options?: WaitOptions): Promise<void> {
    const asked = checkJids(jids, 'join jid');
    const checked = checkWaitOptions(options);
    await this.#showProgress(asked.jids, checked);
    this.#verdictOrThrow(await this.#wait(asked.jids, checked, false, false));
  }

  /** Joins, then returns the values (with ignoreErrors, a failed job's slot holds its CloudException). */
  result<R>(jid: Jid<R>, options?: WaitOptions): Promise<R>;
  result<R>(jids: Iterable<Jid<R>>, options?: WaitOptions): Promise<R[]>;
  async result<R>(jids: Jid<R> | Iterable<Jid<R>>, options?: WaitOptions): Promise<R | R[]> {
    const asked = checkJids(jids, 'result jid');
    const checked = checkWaitOptions(options);
    await this.#showProgress(asked.jids, checked);
    const verdict = this.#verdictOrThrow(await this.#wait(asked.jids, checked, true, false));
    const values = verdict.results!.map((result) => valueOf(result) as R);
    return asked.single ? values[0]! : values;
  }

  /**
   * Yields results in the order of `jids`, each as soon as it and those before it are ready. One
   * wait covers a window of the jobs ahead, and returns every one complete by then: a map of a
   * hundred thousand jobs is read in a few dozen waits, not one per job. `timeout` bounds the wait
   * for each next result.
   */
  async *iresult<R>(jids: Iterable<Jid<R>>, options?: WaitOptions): AsyncGenerator<R, void, undefined> {
    const order = checkJids(jids, 'iresult jid').jids;
    const checked = checkWaitOptions(options);
    const ready = new Map<number, JobResult>();
    for (let next = 0; next < order.length; next++) {
      const jid = order[next]!;
      const deadline = checked.timeout === undefined ? undefined : Date.now() + checked.timeout;
      while (!ready.has(jid)) {
        const timeout = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
        const window = windowAhead(order, next, ready);
        const verdict = this.#verdictOrThrow(await this.#wait(window, { timeout, ignoreErrors: true }, true, true));
        for (let i = 0; i < verdict.jids.length; i++) ready.set(verdict.jids[i]!, verdict.results![i]!);
      }
      const result = ready.get(jid)!;
      ready.delete(jid);
      yield this.#valueOrThrow(result, checked) as R;
    }
  }

  /** Yields `[jid, result]` as each job finishes, whatever the order (Ray and Dask's as_completed). */
  async *iresultUnordered<R>(jids: Iterable<Jid<R>>, options?: WaitOptions): AsyncGenerator<[Jid<R>, R], void, undefined> {
    let remaining = checkJids(jids, 'iresultUnordered jid').jids;
    const checked = checkWaitOptions(options);
    while (remaining.length > 0) {
      const verdict = this.#verdictOrThrow(await this.#wait(remaining, checked, true, true));
      const done = new Set(verdict.jids);
      remaining = remaining.filter((jid) => !done.has(jid));
      for (let i = 0; i < verdict.jids.length; i++) {
        yield [verdict.jids[i] as Jid<R>, this.#valueOrThrow(verdict.results![i]!, checked) as R];
      }
    }
  }

  /** Kills these jobs, or every unfinished one when called without jids. */
  async kill(jids?: Jid | Iterable<Jid>): Promise<void> {
    const asked = jids === undefined ? undefined : checkJids(jids, 'kill jid').jids;
    await (await this.#service()).kill(asked);
  }

  /** Forgets complete jobs: their records, results and output. They are unknown afterwards. */
  async delete(jids: Jid | Iterable<Jid>): Promise<void> {
    await (await this.#service()).delete(checkJids(jids, 'delete jid').jids);
  }

  info(jid: Jid, fields?: readonly JobInfoField[]): Promise<Partial<JobInfo>>;
  info(jids: Iterable<Jid>, fields?: readonly JobInfoField[]): Promise<Partial<JobInfo>[]>;
  async info(jids: Jid | Iterable<Jid>, fields?: readonly JobInfoField[]): Promise<Partial<JobInfo> | Partial<JobInfo>[]> {
    const asked = checkJids(jids, 'info jid');
    const picked = checkInfoFields(fields);
    const infos = (await (await this.#service()).info(asked.jids)).map((info) => pick(info, picked));
    return asked.single ? infos[0]! : infos;
  }

  /** The jobs matching a filter, newest first (default: the last 100; `before` pages on). */
  async list(filter?: ListFilter): Promise<JobInfo[]> {
    return (await this.#service()).list(checkListFilter(filter));
  }

  /** What the runtime is doing now: compute units in use, running jobs per type, queue lengths. */
  async load(): Promise<RuntimeLoad> {
    return (await this.#service()).load();
  }

  /** Runs this cloud's jobs in the calling thread from now on (see the simulator's limits). */
  async startSimulator(): Promise<void> {
    await this.#backend.startSimulator();
  }

  /**
   * Stops the workers, killing unfinished jobs; false if already closed. The next call starts again.
   * Of closes called at once (on this cloud or its views), one answers true.
   */
  close(): Promise<boolean> {
    const backend = this.#backend;
    const pending = closing.get(backend);
    if (pending)
      return pending.then(
        () => false,
        () => false,
      );
    const served = [...(dashboards.get(backend) ?? [])];
    dashboards.delete(backend);
    const closed = Promise.all(served.map((dashboard) => dashboard.close()))
      .then(() => backend.close())
      .finally(() => closing.delete(backend));
    closing.set(backend, closed);
    return closed;
  }

  async #service(): Promise<JobRequests> {
    return this.#backend.service();
  }

  /** @param options checked already: a user's options are read once, where they enter */
  async #wait(jids: number[], options: WaitOptions, values: boolean, any: boolean): Promise<WaitVerdict> {
    const request: WaitRequest = {
      jids,
      values,
      any,
      timeout: options.timeout,
      ignoreErrors: options.ignoreErrors ?? false,
      caller: currentJob()?.jid,
    };
    return (await this.#service()).wait(request);
  }

  /**
   * With `progress`, follows the jobs as they complete and draws the bar, until all are complete
   * or one fails (unless ignored); the wait that follows then answers at once.
   */
  async #showProgress(jids: number[], checked: WaitOptions): Promise<void> {
    if (!checked.progress) return;
    const bar = new ProgressBar(process.stderr);
    const counts: ProgressCounts = { total: jids.length, done: 0, error: 0, killed: 0, stalled: 0 };
    const deadline = checked.timeout === undefined ? undefined : Date.now() + checked.timeout;
    let remaining = jids;
    try {
      while (remaining.length > 0) {
        const timeout = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
        const verdict = this.#verdictOrThrow(await this.#wait(remaining, { timeout, ignoreErrors: true }, false, true));
        const statuses = await (await this.#service()).status(verdict.jids);
        for (const status of statuses) counts[status as keyof Omit<ProgressCounts, 'total'>]++;
        bar.update(counts);
        if (!checked.ignoreErrors && statuses.some((status) => status !== 'done')) return;
        const complete = new Set(verdict.jids);
        remaining = remaining.filter((jid) => !complete.has(jid));
      }
    } finally {
      bar.finish();
    }
  }

  #verdictOrThrow(verdict: WaitVerdict): Extract<WaitVerdict, { kind: 'complete' }> {
    switch (verdict.kind) {
      case 'complete':
        return verdict;
      case 'failed':
        throw new CloudException(verdict.failure);
      case 'timeout':
        throw new CloudTimeoutError(verdict.after);
      case 'closed':
        throw errors.closedDuringWait();
    }
  }

  #valueOrThrow(result: JobResult, options: WaitOptions): unknown {
    const value = valueOf(result);
    if (value instanceof CloudException && !options.ignoreErrors) throw value;
    return value;
  }
}

type IterablesOf<A extends readonly unknown[]> = { [K in keyof A]: Iterable<A[K]> };

function checkFunction<F>(fn: F): F {
  if (typeof fn !== 'function') throw errors.notFunction(fn);
  return fn;
}

function valueOf(result: JobResult): unknown {
  return result.ok ? unpack(result.value) : new CloudException(result.failure);
}

/** @param fields known field names (checkInfoFields) */
function pick(info: JobInfo, fields: readonly JobInfoField[] | undefined): Partial<JobInfo> {
  if (!fields) return info;
  const picked: Partial<Record<JobInfoField, unknown>> = {};
  for (const field of fields) picked[field] = info[field];
  return picked as Partial<JobInfo>;
}

/** How many jobs ahead one wait of iresult covers: enough to read a big map in few waits, few enough that each wait is cheap. */
const IRESULT_WINDOW = 4096; // jobs

/** The jobs from `next` on that are not known complete yet, at most IRESULT_WINDOW, each once. */
function windowAhead(order: readonly number[], next: number, ready: ReadonlyMap<number, unknown>): number[] {
  const window = new Set<number>();
  for (let i = next; i < order.length && window.size < IRESULT_WINDOW; i++) {
    if (!ready.has(order[i]!)) window.add(order[i]!);
  }
  return [...window];
}

/** Map item i's arguments, one from each column (undefined past a shorter one's end). */
function argumentsAt(columns: readonly (readonly unknown[])[], i: number): unknown[] {
  // The common map over one iterable makes its argument list without a closure per item.
  if (columns.length === 1) return [columns[0]![i]];
  return columns.map((column) => column[i]);
}
