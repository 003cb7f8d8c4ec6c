/**
 * The public `Cloud`: checks every argument where it enters, ships functions and packs
 * arguments, then hands plain requests to a JobService (JobRequests). It decides nothing about scheduling and
 * holds no job state, so the same class serves the main thread, the simulator and a running job.
 */
import { CloudException, errors } from './errors.js';
import type { Dashboard, DashboardOptions } from './dashboard/server.js';
import type { CloudFiles } from './files/cloud-files.js';
import { showProgress } from './progress/progress-wait.js';
import { resultRunsInOrder, type InOrderWait } from './in-order-results.js';
import { createLocalBackend } from './local/local-backend.js';
import { createRedisBackend } from './redis/redis-backend.js';
import { readStream, type StreamItem } from './job-stream.js';
import { completeOrThrow, valueOrThrowAt, valuesOf } from './wait-outcomes.js';
import type { IterablesOf, JobValue, OrFailure, Strict } from './result-types.js';
import {
  checkCloseOptions,
  checkConfig,
  checkInfoFields,
  checkJid,
  checkJids,
  checkKillOptions,
  checkListFilter,
  checkJobOptions,
  checkReadyOptions,
  checkWaitOptions,
  resolveJobOptions,
} from './options.js';
import { abortable } from './abortable-wait.js';
import { closeOnce, endedByClose, servedUntilClose } from './backend-closing.js';
import { statusEvents, statusSourceOf } from './cloud-events.js';
import { readySplit, type ReadySplit } from './ready-split.js';
import { followJobs, followsJobs, refuseIfAborted, type ViewOptions } from './view-hooks.js';
import { currentJob } from './worker/job-context.js';
import { isUnshippable, packArguments } from './wire/payload.js';
import { submittedCount } from './wire/submitted-args.js';
import { mapArguments } from './map-arguments.js';
import { shipFunction } from './shipping/ship-function.js';
import type { Jid, ResultOf } from './types/jid.js';
import type { JobInfo, JobInfoField } from './types/job-info.js';
import type { CloseOptions, CloudConfig, JobOptions, KillOptions, ListFilter, ReadyOptions, WaitOptions } from './types/job-options.js';
import type { ShippedFunction } from './types/shipped-function.js';
import type { JobRequests, RuntimeLoad, Submission, WaitRequest, WaitVerdict } from './types/job-service.js';
import type { JobStatus } from './types/job-status.js';
import type { StatusChange } from './types/status-change.js';

/** Where a Cloud sends its requests, and how it starts and stops them. */
export interface CloudBackend {
  /** The service; the first request may start it (load the runtime, open the home). */
  service(): JobRequests | Promise<JobRequests>;
  readonly files: CloudFiles;
  readonly isSimulator: boolean;
  startSimulator(): Promise<void>;
  /** With `wait`, the jobs in flight finish first (where the backend owns them). */
  close(options?: CloseOptions): Promise<boolean>;
}

interface View {
  backend: CloudBackend;
  options: JobOptions & ViewOptions;
}

/** What nimbus's own machinery reaches of a cloud: its service (a job's yields travel there). */
let serviceOfCloud: (cloud: Cloud) => Promise<JobRequests>;

export function cloudService(cloud: Cloud): Promise<JobRequests> {
  return serviceOfCloud(cloud);
}

export class Cloud {
  static {
    serviceOfCloud = async (cloud) => cloud.#service();
  }
  /** The view `with` is making: set just before its `new Cloud()`, taken by that constructor. */
  static #nextView: View | undefined;
  readonly #backend: CloudBackend;
  readonly #options: JobOptions & ViewOptions;

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
    return servedUntilClose(this.#backend, await startDashboard(this, options, { holdsProcess: false }));
  }

  /** True when jobs run in this thread (the simulator). */
  get isSimulator(): boolean {
    return this.#backend.isSimulator;
  }

  /**
   * A view of this cloud whose jobs carry `options` (merged over this view's own), and which
   * follows them for its `signal`, `onDone` and `onError` (see view-hooks.ts).
   */
  with(options: JobOptions & ViewOptions): Cloud {
    const checked = checkJobOptions(options);
    Cloud.#nextView = { backend: this.#backend, options: { ...this.#options, ...checked } };
    return new Cloud();
  }

  /** Starts one job running `fn(...args)`; resolves with its jid once the job is accepted. */
  call<A extends unknown[], R>(fn: (...args: A) => R, ...args: NoInfer<A>): Promise<Jid<JobValue<R>>> {
    // Not an async function: every lone round trip starts here, and an async layer is a promise
    // and its turns more. What it refuses, it refuses by rejecting, as an async function would.
    try {
      const shipped = shipFunction(checkFunction(fn));
      refuseIfAborted(this.#options);
      const packed = packArguments(args);
      if (isUnshippable(packed)) throw errors.unshippableArgument('an argument of call', packed.unshippable);
      return this.#submit(shipped, [packed]);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a CloudError, or the view signal's reason as the user gave it
      return Promise.reject(error);
    }
  }

  /**
   * One job per index i running `fn(a[i], b[i], ...)`; shorter iterables are padded with
   * undefined to the longest. Resolves with the jids, in order.
   */
  async map<A extends unknown[], R>(fn: (...args: A) => R, ...iterables: IterablesOf<A>): Promise<Jid<JobValue<R>>[]> {
    const shipped = shipFunction(checkFunction(fn));
    refuseIfAborted(this.#options);
    const { count, argsList } = mapArguments(iterables);
    if (count === 0) return [];
    const first = await this.#submit(shipped, argsList);
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
    if (checked.progress) await this.#progress(asked.jids, checked);
    completeOrThrow(await this.#wait(asked.jids, checked, false, false));
  }

  /**
   * Joins, then returns the values (with ignoreErrors, a failed job's slot holds its CloudException:
   * typed so whenever ignoreErrors may be true, a boolean as well as the literal).
   */
  result<R>(jid: Jid<R>, options?: Strict): Promise<R>;
  result<R>(jid: Jid<R>, options: WaitOptions): Promise<R | CloudException>;
  /** A list or tuple of jids of different result types gives a tuple of those types. */
  result<const J extends readonly Jid[]>(jids: J, options?: Strict): Promise<{ -readonly [K in keyof J]: ResultOf<J[K]> }>;
  result<const J extends readonly Jid[]>(jids: J, options: WaitOptions): Promise<OrFailure<J>>;
  result<J extends Jid>(jids: Iterable<J>, options?: Strict): Promise<ResultOf<J>[]>;
  result<J extends Jid>(jids: Iterable<J>, options: WaitOptions): Promise<(ResultOf<J> | CloudException)[]>;
  async result<R>(jids: Jid<R> | Iterable<Jid<R>>, options?: WaitOptions): Promise<R | R[]> {
    const asked = checkJids(jids, 'result jid');
    const checked = checkWaitOptions(options);
    if (checked.progress) await this.#progress(asked.jids, checked);
    const verdict = completeOrThrow(await this.#wait(asked.jids, checked, true, false));
    const values = valuesOf(verdict.results!) as R[];
    return asked.single ? values[0]! : values;
  }

  /**
   * Yields results in the order of `jids`, each as soon as it and those before it are ready. One
   * wait answers with every job complete from the next one on (in-order-results.ts): a big map is
   * read in a wait per arrival of results, not one per job. `timeout` bounds the wait for each
   * next result.
   */
  iresult<J extends Jid>(jids: Iterable<J>, options?: Strict): AsyncGenerator<ResultOf<J>, void, undefined>;
  iresult<J extends Jid>(jids: Iterable<J>, options: WaitOptions): AsyncGenerator<ResultOf<J> | CloudException, void, undefined>;
  async *iresult<R>(jids: Iterable<Jid<R>>, options?: WaitOptions): AsyncGenerator<R, void, undefined> {
    const order = checkJids(jids, 'iresult jid').jids;
    const checked = checkWaitOptions(options);
    const wait: InOrderWait = async (window, timeout) =>
      completeOrThrow(await this.#wait(window, { timeout, ignoreErrors: true, signal: checked.signal }, true, true, true));
    for await (const run of resultRunsInOrder(order, wait, checked.timeout)) {
      for (let i = 0; i < run.values.length; i++) yield valueOrThrowAt(run, i, checked.ignoreErrors) as R;
    }
  }

  /**
   * The values a generator job yields, as it yields them, from its first (README: Streaming a
   * generator's values). Ends when the job is done; throws its CloudException if it fails or is
   * killed, and ERR_NOT_GENERATOR once a job that is not a generator is complete.
   */
  async *stream<R>(jid: Jid<R>): AsyncGenerator<StreamItem<R>, void, undefined> {
    const checked = checkJid(jid, 'stream jid');
    yield* readStream(await this.#service(), checked, currentJob()?.jid) as AsyncGenerator<StreamItem<R>, void, undefined>;
  }

  /** Yields `[jid, result]` as each job finishes, whatever the order (Ray and Dask's as_completed). */
  iresultUnordered<J extends Jid>(jids: Iterable<J>, options?: Strict): AsyncGenerator<[J, ResultOf<J>], void, undefined>;
  iresultUnordered<J extends Jid>(jids: Iterable<J>, options: WaitOptions): AsyncGenerator<[J, ResultOf<J> | CloudException], void, undefined>;
  async *iresultUnordered<R>(jids: Iterable<Jid<R>>, options?: WaitOptions): AsyncGenerator<[Jid<R>, R], void, undefined> {
    let remaining = checkJids(jids, 'iresultUnordered jid').jids;
    const checked = checkWaitOptions(options);
    while (remaining.length > 0) {
      const verdict = completeOrThrow(await this.#wait(remaining, checked, true, true));
      const done = new Set(verdict.jids);
      remaining = remaining.filter((jid) => !done.has(jid));
      for (let i = 0; i < verdict.jids.length; i++) {
        yield [verdict.jids[i] as Jid<R>, valueOrThrowAt(verdict.results!, i, checked.ignoreErrors) as R];
      }
    }
  }

  /**
   * Resolves `{ done, pending }` once at least `count` of these jobs (default: all) are complete,
   * whatever their ending, or the timeout has passed; never rejects for a job's failure.
   */
  async wait<J extends Jid>(jids: Iterable<J>, options?: ReadyOptions): Promise<ReadySplit<J>> {
    const distinct = [...new Set(checkJids(jids, 'wait jid').jids)] as J[];
    const { count = distinct.length, timeout, signal } = checkReadyOptions(options, distinct.length);
    return readySplit(distinct, count, timeout, (remaining, left) => this.#wait(remaining, { timeout: left, ignoreErrors: true, signal }, false, true));
  }

  /**
   * Kills these jobs and, unless `recursive` is false, the unfinished jobs they started,
   * transitively; every unfinished job when called without jids.
   */
  async kill(jids?: Jid | Iterable<Jid>, options?: KillOptions): Promise<void> {
    const asked = jids === undefined ? undefined : checkJids(jids, 'kill jid').jids;
    const { recursive = true } = checkKillOptions(options);
    await (await this.#service()).kill(asked, recursive);
  }

  /** Forgets complete jobs: their records, results and output. They are unknown afterwards. */
  async delete(jids: Jid | Iterable<Jid>): Promise<void> {
    await (await this.#service()).delete(checkJids(jids, 'delete jid').jids);
  }

  info(jid: Jid): Promise<JobInfo>;
  info<const F extends JobInfoField>(jid: Jid, fields: readonly F[]): Promise<Pick<JobInfo, F>>;
  info(jids: Iterable<Jid>): Promise<JobInfo[]>;
  info<const F extends JobInfoField>(jids: Iterable<Jid>, fields: readonly F[]): Promise<Pick<JobInfo, F>[]>;
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

  /**
   * Every status change of this cloud's jobs (all its views'), from this call on, as `{ jid,
   * status, at }`; leaving the loop stops the feed. On Redis, the completions only. Not inside a job.
   */
  events(): AsyncGenerator<StatusChange, void, undefined> {
    return statusEvents(
      statusSourceOf(currentJob() !== undefined, () => this.#service()),
      (end) => endedByClose(this.#backend, end),
    );
  }

  /** Runs this cloud's jobs in the calling thread from now on (see the simulator's limits). */
  async startSimulator(): Promise<void> {
    await this.#backend.startSimulator();
  }

  /**
   * Stops the workers, killing unfinished jobs (with `wait`, once they have finished); false if
   * already closed. The next call starts again. Of closes called at once (on this cloud or its
   * views), one answers true.
   */
  close(options?: CloseOptions): Promise<boolean> {
    let checked: CloseOptions;
    try {
      checked = checkCloseOptions(options);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a CloudError, refused as every call refuses a bad option: by rejecting
      return Promise.reject(error);
    }
    return closeOnce(this.#backend, checked);
  }

  /** `await using cloud = new Cloud()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The service, as it is once started: no promise to wait on for every call after the first. */
  #service(): JobRequests | Promise<JobRequests> {
    return this.#backend.service();
  }

  /** Submits jobs through this view, and follows them for its signal and callbacks. */
  #submit(fn: ShippedFunction, argsList: Submission['argsList']): Promise<number> {
    const started = this.#service();
    // Once started, the service is there: no promise and turn to reach it.
    if (started instanceof Promise) return started.then((service) => this.#submitTo(service, fn, argsList));
    return this.#submitTo(started, fn, argsList);
  }

  #submitTo(service: JobRequests, fn: ShippedFunction, argsList: Submission['argsList']): Promise<number> {
    const submitted = service.submit({ fn, argsList, options: resolveJobOptions(this.#options), parent: currentJob()?.jid });
    // A view that follows nothing (no signal, no callbacks) hands on the service's own promise.
    if (!followsJobs(this.#options)) return submitted;
    return submitted.then((first) => {
      followJobs(this.#options, service, first, submittedCount(argsList));
      return first;
    });
  }

  /** @param options checked already: a user's options are read once, where they enter */
  #wait(jids: number[], options: WaitOptions, values: boolean, any: boolean, inOrder = false): Promise<WaitVerdict> {
    const request: WaitRequest = {
      jids,
      values,
      any,
      inOrder,
      timeout: options.timeout,
      ignoreErrors: options.ignoreErrors ?? false,
      caller: currentJob()?.jid,
    };
    // A job's service is across a channel, which a signal cannot cross: there only this caller stops waiting.
    const leaving = request.caller === undefined ? options.signal : undefined;
    const started = this.#service();
    // Not an async function: a lone job's result would wait on one more promise, and its turns.
    if (started instanceof Promise) return started.then((service) => abortable(service.wait(request, leaving), options.signal));
    return abortable(started.wait(request, leaving), options.signal);
  }

  /** With `progress`, draws the bar until the jobs are complete (or one failed); the wait that follows answers at once. */
  async #progress(jids: number[], checked: WaitOptions): Promise<void> {
    const waitAny = async (remaining: number[], timeout: number | undefined) =>
      completeOrThrow(await this.#wait(remaining, { timeout, ignoreErrors: true, signal: checked.signal }, false, true)).jids;
    await showProgress(jids, checked, waitAny, async (complete) => (await this.#service()).status(complete));
  }
}

function checkFunction<F>(fn: F): F {
  if (typeof fn !== 'function') throw errors.notFunction(fn);
  return fn;
}

/** @param fields known field names (checkInfoFields) */
function pick(info: JobInfo, fields: readonly JobInfoField[] | undefined): Partial<JobInfo> {
  if (!fields) return info;
  const picked: Partial<Record<JobInfoField, unknown>> = {};
  for (const field of fields) picked[field] = info[field];
  return picked as Partial<JobInfo>;
}
