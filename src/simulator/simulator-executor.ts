/**
 * The executor that runs jobs in the calling thread, in the order the scheduler gives them, one
 * at a time (the simulator's runtime offers a single slot, which a job waiting on others gives
 * back). Jobs go through the same shipping and packing as in a worker, so what fails to ship in
 * production fails here too; breakpoints and stack traces work. It cannot stop code that never
 * yields: a stopped job's outcome is dropped, and a batch skips stopped jobs not yet started.
 */
import type { Executor, ExecutorEvents, JobSpec } from '../types/executor.js';
import { executeJob } from '../runtime/job-execution.js';
import { FunctionCache } from '../runtime/shipping/rebuild-function.js';

export class SimulatorExecutor implements Executor {
  readonly traits = { stopsRunningCode: false, measuresMemory: false };
  readonly #events: ExecutorEvents;
  readonly #functions: FunctionCache;
  readonly #stopped = new Set<number>();
  #closed = false;

  /** @param cloud what `cloud` means inside a job: the simulating cloud itself */
  constructor(events: ExecutorEvents, cloud: unknown) {
    this.#events = events;
    this.#functions = new FunctionCache(cloud);
  }

  run(batch: readonly JobSpec[]): void {
    // Later, not now: `call` resolves with the jid before its job runs, as with workers.
    setImmediate(() => void this.#runBatch(batch));
  }

  stop(jid: number): void {
    this.#stopped.add(jid);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  async #runBatch(batch: readonly JobSpec[]): Promise<void> {
    for (const spec of batch) {
      if (this.#closed) return;
      if (this.#stopped.delete(spec.jid)) continue;
      const outcome = await executeJob(this.#functions, spec);
      if (!this.#stopped.delete(spec.jid) && !this.#closed) this.#events.finished(outcome);
    }
  }
}
