/**
 * Runs a batch of jobs in order inside a worker (thread or process), telling the caller which
 * job it is on and what each one ended with. Shared by both kinds of worker.
 */
import type { JobSpec } from '../types/executor.js';
import type { JobOutcome } from '../types/job-outcome.js';
import { executeJob } from './job-execution.js';
import type { FunctionCache } from './shipping/rebuild-function.js';

export interface BatchObserver {
  /** Called before job `index` of the batch starts. */
  starting(index: number): void;
  finished(outcome: JobOutcome): void;
}

export async function runBatch(functions: FunctionCache, jobs: readonly JobSpec[], observer: BatchObserver): Promise<void> {
  for (let i = 0; i < jobs.length; i++) {
    observer.starting(i);
    observer.finished(await executeJob(functions, jobs[i]!));
  }
}
