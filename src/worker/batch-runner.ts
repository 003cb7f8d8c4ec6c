/**
 * Runs a batch of jobs in order inside a worker (thread or process, or the simulator's thread),
 * telling the caller which job it is on and handing it each job's outcome. The batch's function
 * is rebuilt once; if it cannot be, every job of the batch ends 'error' saying why. Whatever
 * throws while one job's outcome is built ends that job 'error', and the batch goes on.
 */
import type { BatchSpec, WireBatch } from '../types/executor.js';
import type { JobOutcome } from '../types/job-outcome.js';
import { argsAt } from '../wire/batch-args.js';
import { executeJob, failedJob } from './job-execution.js';
import type { JobFunction } from '../shipping/rebuild-function.js';
import type { YieldSink } from './job-yields.js';

/** Where a batch's function is rebuilt: a worker's cache (worker-functions.ts), or the simulator's. */
export interface FunctionSource<F> {
  rebuild(fn: F): Promise<JobFunction>;
}

export interface BatchObserver {
  /** Called as job `index` of the batch starts, at `at` (epoch ms, the job's own `started`). */
  starting(index: number, at: number): void;
  finished(outcome: JobOutcome): void;
  /** Asked before each job: false skips it (it was stopped before it started). */
  shouldRun?(jid: number): boolean;
  /** Where generator jobs' yields go as they come (cloud.stream); without it, only into their results. */
  readonly yields?: YieldSink;
}

export async function runBatch<B extends BatchSpec | WireBatch>(functions: FunctionSource<B['fn']>, batch: B, observer: BatchObserver): Promise<void> {
  let fn: JobFunction;
  try {
    fn = await functions.rebuild(batch.fn);
  } catch (error) {
    for (const jid of batch.jids) observer.finished(failedJob(jid, error));
    return;
  }
  const yields = observer.yields;
  for (let i = 0; i < batch.jids.length; i++) {
    const jid = batch.jids[i]!;
    if (observer.shouldRun && !observer.shouldRun(jid)) continue;
    // One clock read serves both the observer and the job's outcome.
    const at = Date.now();
    observer.starting(i, at);
    observer.finished(await settleJob(fn, jid, batch, i, at, yields));
  }
}

/** Job `index`'s outcome: never a rejection, so one job's strange value cannot end its batch. */
async function settleJob(
  fn: JobFunction,
  jid: number,
  batch: BatchSpec | WireBatch,
  index: number,
  started: number,
  yields: YieldSink | undefined,
): Promise<JobOutcome> {
  try {
    return await executeJob(fn, jid, argsAt(batch.args, index), started, batch.env, yields);
  } catch (error) {
    return failedJob(jid, error);
  }
}
