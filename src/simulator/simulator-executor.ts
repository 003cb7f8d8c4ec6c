/**
 * The executor that runs jobs in the calling thread, in the order the scheduler gives them, one
 * at a time (the simulator's runtime offers a single slot, which a job waiting on others gives
 * back). Jobs go through the same shipping and packing as in a worker, so what fails to ship in
 * production fails here too; breakpoints and stack traces work. It cannot stop code that never
 * yields: stopping the running job drops its outcome and hands the rest of its batch back.
 */
import type { Executor, ExecutorEvents, JobSpec } from '../types/executor.js';
import { executeJob } from '../runtime/job-execution.js';
import { FunctionCache } from '../runtime/shipping/rebuild-function.js';

/** A batch being run: `next` is the index of the first job not started yet. */
interface BatchRun {
  readonly jobs: readonly JobSpec[];
  next: number;
  /** Set when the running job was stopped: nothing more of this batch runs or reports. */
  abandoned: boolean;
}

export class SimulatorExecutor implements Executor {
  readonly traits = { stopsRunningCode: false, measuresMemory: false };
  readonly #events: ExecutorEvents;
  readonly #functions: FunctionCache;
  readonly #runs = new Map<number, BatchRun>();
  #closed = false;

  /** @param cloud what `cloud` means inside a job: the simulating cloud itself */
  constructor(events: ExecutorEvents, cloud: unknown) {
    this.#events = events;
    this.#functions = new FunctionCache(cloud);
  }

  run(jobs: readonly JobSpec[]): void {
    const run: BatchRun = { jobs, next: 0, abandoned: false };
    for (const job of jobs) this.#runs.set(job.jid, run);
    // Later, not now: `call` resolves with the jid before its job runs, as with workers.
    setImmediate(() => void this.#runBatch(run));
  }

  stop(jid: number): void {
    const run = this.#runs.get(jid);
    if (!run) return;
    const index = run.jobs.findIndex((job) => job.jid === jid);
    if (index >= run.next) {
      // Not started: it is simply skipped.
      this.#runs.delete(jid);
      return;
    }
    run.abandoned = true;
    const rest = run.jobs.slice(run.next).map((job) => job.jid).filter((other) => this.#runs.delete(other));
    this.#runs.delete(jid);
    if (rest.length > 0) this.#events.returned(rest);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#runs.clear();
  }

  async #runBatch(run: BatchRun): Promise<void> {
    while (run.next < run.jobs.length && !run.abandoned && !this.#closed) {
      const spec = run.jobs[run.next++]!;
      if (!this.#runs.has(spec.jid)) continue;
      const outcome = await executeJob(this.#functions, spec);
      if (run.abandoned || this.#closed || !this.#runs.delete(spec.jid)) continue;
      this.#events.finished(outcome);
    }
  }
}
