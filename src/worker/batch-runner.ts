/**
 * Runs a batch of jobs in order inside a worker (thread or process, or the simulator's thread),
 * telling the caller which job it is on and handing it each job's outcome. The batch's function
 * is rebuilt once; if it cannot be, every job of the batch ends 'error' saying why. Whatever
 * throws while one job's outcome is built ends that job 'error', and the batch goes on.
 *
 * Followers (BatchSpec.followersFrom, runtime/followers.ts): each job from that index on depends
 * on the job before it. It starts as soon as that one ended 'done', with no word from the host;
 * when that one did not (or did not run), it is not started either, and its outcome is
 * `skippedOutcome`, which the runtime reads as "never ran here" and then applies its own rules
 * for a failed dependency.
 */
import type { BatchSpec, RunnableBatch } from '../types/executor.js';
import type { JobOutcome, Packed } from '../types/job-outcome.js';
import { argsReader } from '../wire/batch-args.js';
import { executeJob, failedJob, type JobCallWatch, type OutcomeTarget } from './job-execution.js';
import { appendOutcome } from './outcome-report.js';
import { patchOutputStreams } from './output-capture.js';
import { interrupted, jobStarting } from './job-clock.js';
import type { JobFunction } from '../shipping/rebuild-function.js';
import type { YieldSink } from './job-yields.js';

/** Where a batch's function is rebuilt: a worker's cache (worker-functions.ts), or the simulator's. */
export interface FunctionSource<F> {
  rebuild(fn: F): Promise<JobFunction>;
  /** The function rebuilt here already, with no wait; undefined when it must be rebuilt (or awaited). */
  rebuiltNow?(fn: F): JobFunction | undefined;
  /** What watches each call of a function rebuilt here (a worker's escape guard), if anything. */
  readonly watch?: JobCallWatch;
}

export interface BatchObserver extends OutcomeTarget {
  /** Called as job `index` of the batch starts, at `at` (epoch ms, the job's own `started`). */
  starting(index: number, at: number): void;
  /** Called once job `jid`'s outcome is in the report `report()` gave as it ended. */
  finished(jid: number): void;
  /** Asked before each job: false skips it (it was stopped before it started). */
  shouldRun?(jid: number): boolean;
  /** Where generator jobs' yields go as they come (cloud.stream); without it, only into their results. */
  readonly yields?: YieldSink;
}

export async function runBatch<B extends BatchSpec | RunnableBatch>(functions: FunctionSource<B['fn']>, batch: B, observer: BatchObserver): Promise<void> {
  let fn: JobFunction;
  try {
    fn = await functions.rebuild(batch.fn);
  } catch (error) {
    for (const jid of batch.jids) record(observer, failedJob(jid, error));
    return;
  }
  await runRebuilt(fn, functions.watch, batch, observer);
}

/**
 * runBatch, with no promise when none is needed: when the batch's function was rebuilt here
 * already and every job ends with no await, the batch runs to its end now and this returns
 * undefined; otherwise the promise of its end. A lone synchronous job's trip then makes no
 * promise and takes no microtask turn in the worker (each promise also pays the job context's
 * promise hooks). Microtasks a job leaves run once the caller returns, as they would after the
 * batch's end.
 */
export function runBatchNow<B extends BatchSpec | RunnableBatch>(
  functions: FunctionSource<B['fn']>,
  batch: B,
  observer: BatchObserver,
): Promise<void> | undefined {
  const fn = functions.rebuiltNow?.(batch.fn);
  return fn === undefined ? runBatch(functions, batch, observer) : runRebuilt(fn, functions.watch, batch, observer);
}

/** A batch being run, with its function rebuilt: where it is, and what its jobs need. */
interface BatchRun {
  readonly fn: JobFunction;
  readonly watch: JobCallWatch | undefined;
  readonly batch: BatchSpec | RunnableBatch;
  readonly observer: BatchObserver;
  readonly argsAt: ReturnType<typeof argsReader>;
  readonly followersFrom: number;
  /** The index of the job to run next (or being awaited). */
  next: number;
  /** Whether the job before `next` ended 'done' (what a follower needs to start). */
  previousDone: boolean;
}

/** Runs the batch's jobs; undefined once all ended with no await, else the promise of the batch's end. */
function runRebuilt(fn: JobFunction, watch: JobCallWatch | undefined, batch: BatchSpec | RunnableBatch, observer: BatchObserver): Promise<void> | undefined {
  // What the jobs print goes to their outcomes (once per thread; checked once per batch, not per job).
  patchOutputStreams();
  // The batch arrived (and its function was rebuilt, maybe awaited): its first job reads the clock.
  interrupted();
  const followersFrom = batch.followersFrom ?? batch.jids.length;
  const run: BatchRun = { fn, watch, batch, observer, argsAt: argsReader(batch.args), followersFrom, next: 0, previousDone: false };
  const pending = runWhileSync(run);
  return pending && runAwaiting(run, pending);
}

/** Awaits the job at `run.next`, then runs on, awaiting each job that needs it, to the batch's end. */
async function runAwaiting(run: BatchRun, first: Promise<boolean>): Promise<void> {
  for (let pending: Promise<boolean> | undefined = first; pending !== undefined; pending = runWhileSync(run)) {
    run.previousDone = await pending;
    interrupted();
    run.observer.finished(run.batch.jids[run.next]!);
    run.next++;
  }
}

/**
 * Runs the jobs from `run.next` on while each ends with no await (a batch of them makes no
 * promise per job); the first one that must be awaited: its promise, `run.next` its index.
 * Undefined once every job ran.
 */
function runWhileSync(run: BatchRun): Promise<boolean> | undefined {
  const { batch, observer } = run;
  const yields = observer.yields;
  for (; run.next < batch.jids.length; run.next++) {
    const i = run.next;
    const jid = batch.jids[i]!;
    if (observer.shouldRun && !observer.shouldRun(jid)) {
      run.previousDone = false;
      continue;
    }
    if (i >= run.followersFrom && !run.previousDone) {
      record(observer, skippedOutcome(jid));
      continue;
    }
    // One clock read serves both the observer and the job's outcome (and, after a job that
    // ended synchronously, that job's end: job-clock.ts).
    const at = jobStarting();
    observer.starting(i, at);
    const done = startJob(run.fn, jid, run.argsAt(i), at, batch.env, yields, observer, run.watch);
    if (typeof done !== 'boolean') return done;
    run.previousDone = done;
    observer.finished(jid);
  }
  return undefined;
}

/** The message of a follower's outcome when it was not run (its dependency did not end done). */
export const SKIPPED_MESSAGE = 'nimbus: not run, the job it follows did not end done';

/**
 * The outcome of a follower not run: an error whose times are 0 (it never started). The runtime
 * never records it: the job is not processing there (it waits, or is stalled, or runs again).
 */
export function skippedOutcome(jid: number): JobOutcome {
  return {
    jid,
    status: 'error',
    error: { name: 'Error', message: SKIPPED_MESSAGE, stack: undefined },
    started: 0,
    finished: 0,
    cputime: undefined,
    memory: undefined,
    stdout: '',
    stderr: '',
  };
}

/** An outcome built whole (a job that did not run its function) into the observer's report. */
function record(observer: BatchObserver, outcome: JobOutcome): void {
  appendOutcome(observer.report(), outcome);
  observer.finished(outcome.jid);
}

/**
 * Runs job `jid` into the observer's report; whether it ended done, or a promise of that. Never
 * a rejection, so one job's strange value cannot end its batch.
 */
function startJob(
  fn: JobFunction,
  jid: number,
  args: Packed,
  started: number,
  env: Readonly<Record<string, string>> | undefined,
  yields: YieldSink | undefined,
  observer: BatchObserver,
  watch: JobCallWatch | undefined,
): boolean | Promise<boolean> {
  try {
    const done = executeJob(fn, jid, args, started, env, yields, observer, watch);
    return typeof done === 'boolean' ? done : done.catch((error: unknown) => failedInto(observer, jid, error));
  } catch (error) {
    return failedInto(observer, jid, error);
  }
}

/** A job whose run failed in nimbus's own code: its outcome says why. */
function failedInto(observer: BatchObserver, jid: number, error: unknown): false {
  interrupted();
  appendOutcome(observer.report(), failedJob(jid, error));
  return false;
}
