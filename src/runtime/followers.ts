/**
 * Followers: a dependent handed to the worker that runs its dependency, ahead of time, so that it
 * starts there as soon as its dependency succeeds, without a round trip through the host. A
 * chain of trivial jobs then costs a worker's loop per link, not an IPC ping-pong.
 *
 * The rule. When the scheduler forms a batch, the batch's last job may take one follower, that
 * follower one of its own, and so on (a chain), as long as each:
 * - waits on that job alone (every other dependency of it is done);
 * - would travel in the same batch anyway: same function, type, cores and env; no maxRuntime
 *   (its clock starts at dispatch) and not marked to run alone (a crash blamed no one yet);
 * - does not run past its dependency's failure (`dependsOnErrors: 'ignore'` jobs wait as before);
 * - is not held by another batch already.
 * A batch with followers carries up to FOLLOWERS_MS of expected work (by its function's mean
 * duration), more than the TARGET_BATCH_MS a batch of independent jobs carries: followers could
 * not run side by side anyway, so a longer batch takes no slot's share from another, and their
 * outcomes reach the host as they end (a process's flushes, a thread's early reports), so statuses
 * stay timely. What bounds it is the queue: a chain's next link past the bound competes for a
 * worker like any job. Whatever the mean (or before one is known), the last job may take one
 * follower: a chain of long jobs then needs a round trip every other link, not every link.
 *
 * What the host sees. A follower stays `waiting` in the table while its worker holds it (the
 * table's `batch` names its batch: it counts in the batch's compute units); when its dependency's
 * outcome arrives 'done', it moves straight to processing (it reads `queued` until its worker says
 * it started, like any dispatched job), without entering a queue. A start its worker reports
 * while it still waits here (a thread's progress can run ahead of its outcomes) is kept, so it
 * reads processing the moment its dependency is done. When its dependency did not end done, the
 * worker does not start it and reports `skippedOutcome` (worker/batch-runner.ts); a follower that
 * is not processing here is simply released from its batch, and today's rules for a failed
 * dependency apply (stalled, or waiting again while its dependency is retried). Killing a held
 * follower stops its batch (Executor.stop): it never runs, and the batch's other jobs run again,
 * as for any job stopped in a batch. A worker that dies releases the followers it held.
 *
 * Priorities: a follower takes its dependency's worker before any queued job, since it was
 * promised that worker at dispatch; a chain of followers is bounded by the batch size.
 */
import { MAX_BATCH } from './batch-size.js';
import { mayRideWith } from './batch-companions.js';
import { Code, Flag, type JobTable } from './job-table.js';

/** Expected work one batch with followers carries, at most. */
export const FOLLOWERS_MS = 20;

/**
 * How many jobs a batch with followers may hold, followers included, by its function's mean
 * duration; at least room for one follower (see above).
 */
export function followersBound(meanMs: number | undefined): number {
  if (meanMs === undefined) return 2;
  return Math.max(2, Math.min(MAX_BATCH, Math.floor(FOLLOWERS_MS / Math.max(meanMs, 0.001))));
}

/**
 * Appends to `jids` the chain of followers of its last job, while it has fewer than `max` jobs.
 * @returns the index of the first follower, or undefined when there is none
 */
export function addFollowers(t: JobTable, jids: number[], max: number): number | undefined {
  const from = jids.length;
  const first = jids[0]!;
  for (let last = jids[from - 1]!; jids.length < max;) {
    const follower = followerOf(t, last, first);
    if (follower === undefined) break;
    jids.push(follower);
    last = follower;
  }
  return jids.length > from ? from : undefined;
}

/** True when `jid` is a follower held by a dispatched batch: it waits here, and its worker has it. */
export function isHeldFollower(t: JobTable, jid: number): boolean {
  return t.status[jid] === Code.Waiting && t.batch[jid] !== 0;
}

/** The dependent of `jid` that may follow it in the batch whose first job is `first`, if one may. */
function followerOf(t: JobTable, jid: number, first: number): number | undefined {
  const dependents = t.dependents[jid];
  if (dependents === undefined) return undefined;
  for (const dependent of dependents) if (mayFollow(t, dependent, first)) return dependent;
  return undefined;
}

function mayFollow(t: JobTable, jid: number, first: number): boolean {
  return (
    t.status[jid] === Code.Waiting &&
    // The job it is a dependent of is its only unfinished dependency.
    t.pendingDependencies[jid] === 1 &&
    t.batch[jid] === 0 &&
    (t.flags[jid]! & Flag.IgnoreDependencyErrors) === 0 &&
    mayRideWith(t, jid, first)
  );
}
