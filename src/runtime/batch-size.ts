/**
 * How many jobs of one function go to a worker in one message. A message costs about as much as
 * a trivial job, so short jobs travel together; long ones travel alone, so that every slot gets
 * its share and a kill or crash returns little work to the queue.
 */

/** Work one message should carry. */
export const TARGET_BATCH_MS = 2;
/** Upper bound of jobs per message, whatever their duration. */
export const MAX_BATCH = 1024;

/**
 * @param meanMs mean duration of this function's jobs so far; undefined before the first ends,
 *   so the first batch of a new function is a single job that measures it.
 * @param queued jobs of this kind waiting now, the batch's first included
 * @param slots jobs of this kind that can run at once
 */
export function batchSize(meanMs: number | undefined, queued: number, slots: number): number {
  if (meanMs === undefined) return 1;
  const byDuration = Math.floor(TARGET_BATCH_MS / Math.max(meanMs, 0.001));
  const fairShare = Math.ceil(queued / slots);
  return Math.max(1, Math.min(MAX_BATCH, byDuration, fairShare));
}
