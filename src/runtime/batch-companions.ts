/**
 * Which queued jobs ride in one batch with its first job: the ones right behind it in its queue
 * that run the same function with the same cores and env, up to the batch's size (batch-size.ts).
 * A job with a maxRuntime, or one marked to run alone (it was in a batch whose worker died),
 * travels alone: its limit or its blame must be its own.
 */
import { Flag, type JobTable } from './job-table.js';
import type { ReadyQueue } from './ready-queue.js';

export function travelsAlone(t: JobTable, jid: number): boolean {
  return t.maxRuntime[jid] !== 0 || (t.flags[jid]! & Flag.RunAlone) !== 0;
}

/**
 * Whether `jid` may run in a batch whose first job is `first`: same function, type, cores and
 * env, and it does not travel alone (followers.ts asks the same of a follower).
 */
export function mayRideWith(t: JobTable, jid: number, first: number): boolean {
  return (
    (t.fnIndex[jid] === t.fnIndex[first] || t.fnOf(jid) === t.fnOf(first)) &&
    t.typeIndex[jid] === t.typeIndex[first] &&
    t.cores[jid] === t.cores[first] &&
    t.env[jid] === t.env[first] &&
    !travelsAlone(t, jid)
  );
}

/**
 * The batch's jids: `first` (already taken from `queue`), then up to `size - 1` companions taken
 * from the front of `queue`.
 */
export function takeCompanions(t: JobTable, queue: ReadyQueue, first: number, size: number): number[] {
  if (size <= 1 || travelsAlone(t, first)) return [first];
  // Sized once and trimmed: pushing a thousand jids would copy the list each time it grows.
  const jids = new Array<number>(size);
  jids[0] = first;
  jids.length = queue.shiftWhile(jids, 1, size, (next) => mayRideWith(t, next, first));
  return jids;
}
