/**
 * What escapes a job inside a worker (process or thread): an error thrown by a timer, a rejection
 * nobody handled, a call to process.exit. The job context of the code that escaped names the job
 * it came from. A job that is still running ends 'error' with what escaped; a job already ended
 * is never reported again, and its neighbours are never blamed. Either way the worker is tainted:
 * it runs no job after the one running now, and is retired. Nothing that escapes ends the worker,
 * except process.exit called by the running job itself, which ends it as before (the job is
 * blamed for the worker's exit).
 */
import { remoteErrors } from '../errors.js';
import { currentJob, enteredJob } from './job-context.js';
import type { JobCallWatch } from './job-execution.js';
import type { LazyJobCloud } from './job-cloud.js';
import { WorkerFunctions, type FetchFunction } from './worker-functions.js';

/** Thrown by process.exit when called from code whose job has ended: it unwinds that code. */
class ExitOutsideJob extends Error {
  override name = 'ExitOutsideJob';
}

export class EscapeGuard implements JobCallWatch {
  /** The job running now, and how to end it from outside its own promise. */
  #running: number | undefined;
  #failRunning: ((error: unknown) => void) | undefined;
  #tainted = false;
  readonly #onTaint: () => void;
  readonly #exit: (code?: number) => never;

  /** Takes over the escape routes of this thread; `onTaint` is called once, at the first escape. */
  constructor(onTaint: () => void) {
    this.#onTaint = onTaint;
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion states what the value is
    this.#exit = process.exit.bind(process) as (code?: number) => never;
    process.on('uncaughtException', (error) => this.#escaped(error));
    process.on('unhandledRejection', (reason) => this.#escaped(reason));
    process.exit = (code?: number | string | null) => this.#exitCalled(code);
  }

  /** Something escaped a job here: this worker must run no job after the one running now. */
  get tainted(): boolean {
    return this.#tainted;
  }

  /** Ends this process or thread for nimbus's own reasons (no job asked for it). */
  exit(code: number): never {
    return this.#exit(code);
  }

  /**
   * Called right before a job's function is called (job-execution.ts's callJob, inside runInJob:
   * the entered job is the one called).
   */
  calling(): void {
    this.#running = enteredJob()?.jid;
  }

  /**
   * What the job's function returned, as the job's value: a job still running when something of
   * its own escapes ends with that error, though its own promise may never settle.
   */
  returned(value: unknown): unknown {
    // The promise is made apart: a closure here would make every call allocate its scope.
    return isThenable(value) ? this.#endable(value) : value;
  }

  /** The thenable `value` as a promise that #escaped can end with what escaped. */
  #endable(value: PromiseLike<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#failRunning = reject;
      value.then(resolve, reject);
    });
  }

  /** The running job has ended (reported or not): what escapes from now on is not its to carry. */
  jobEnded(): void {
    this.#running = undefined;
    this.#failRunning = undefined;
  }

  #escaped(error: unknown): void {
    if (error instanceof ExitOutsideJob) return;
    this.#taint();
    const owner = currentJob()?.jid;
    if (owner !== undefined && owner === this.#running) this.#failRunning?.(error);
  }

  #exitCalled(code: number | string | null | undefined): never {
    const owner = currentJob()?.jid;
    if (owner !== undefined && owner === this.#running) return this.#exit(code as number);
    this.#taint();
    throw new ExitOutsideJob(remoteErrors.exitOutsideJob(code));
  }

  #taint(): void {
    if (this.#tainted) return;
    this.#tainted = true;
    this.#onTaint();
  }
}

/**
 * The functions a worker runs, their calls watched by the worker's EscapeGuard (batch-runner.ts
 * hands `watch` to each job's execution): no wrapper per function, so none of its cost per call.
 */
export class GuardedFunctions extends WorkerFunctions {
  readonly watch: EscapeGuard;

  constructor(cloud: LazyJobCloud, fetch: FetchFunction, guard: EscapeGuard) {
    super(cloud, fetch);
    this.watch = guard;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
