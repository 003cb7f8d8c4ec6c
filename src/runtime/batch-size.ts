/**
 * How many jobs of one function go to a worker in one message. A message costs about as much as
 * a few trivial jobs, so short jobs travel together; long ones travel alone, so that every slot
 * gets its share and a kill or crash returns little work to the queue. What a message costs
 * depends on the executor, so each may bound its batches its own way (BatchBound).
 */

/** Work one message should carry, by default (a worker thread's message). */
export const TARGET_BATCH_MS = 2;
/** Upper bound of jobs per message, whatever their duration, by default. */
export const MAX_BATCH = 1024;

/** What one message to a worker should carry: about `targetMs` of work, `max` jobs at most. */
export interface BatchBound {
  readonly targetMs: number;
  readonly max: number;
}

/** The bound of an executor that sets none: a thread's message costs a few microseconds. */
export const DEFAULT_BATCH_BOUND: BatchBound = { targetMs: TARGET_BATCH_MS, max: MAX_BATCH };

/**
 * @param meanMs mean duration of this function's jobs so far; undefined before the first ends,
 *   so the first batch of a new function is a single job that measures it.
 * @param queued jobs of this kind waiting now, the batch's first included
 * @param slots jobs of this kind that can run at once
 */
export function batchSize(meanMs: number | undefined, queued: number, slots: number, bound: BatchBound = DEFAULT_BATCH_BOUND): number {
  if (meanMs === undefined) return 1;
  const byDuration = Math.floor(bound.targetMs / Math.max(meanMs, 0.001));
  const fairShare = Math.ceil(queued / slots);
  return Math.max(1, Math.min(bound.max, byDuration, fairShare));
}
