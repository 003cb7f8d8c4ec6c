/**
 * How `iresult` reads a map: one in-order wait at a time over a window of the jobs ahead, each
 * answering with the run of jobs complete from the next one on (all that a worker's report
 * completed), yielded as they are. No waiter, promise or map entry per job: a big map is read in
 * as many waits as there are arrivals of results, and each wait costs the same however long the
 * window.
 */
import type { JobResult, VerdictResults, WaitVerdict } from './types/job-service.js';
import { firstResults, resultAt, verdictResults } from './wire/verdict-results.js';

/** How many jobs ahead one wait covers: a complete map is read in (its length / this) waits. */
const WINDOW = 4096; // jobs

/** An in-order wait (WaitRequest.inOrder) on `jids`, with the timeout left for the next result. */
export type InOrderWait = (jids: number[], timeout: number | undefined) => Promise<Extract<WaitVerdict, { kind: 'complete' }>>;

/**
 * The results of `order`, in that order, in runs (columns, VerdictResults): each run as soon as
 * its jobs and those before them are complete (a run per wait, not a promise per job). `timeout`
 * bounds the wait for each next result.
 */
export async function* resultRunsInOrder(
  order: readonly number[],
  wait: InOrderWait,
  timeout: number | undefined,
): AsyncGenerator<VerdictResults, void, undefined> {
  // Results that came ahead of their turn: only from a service that answers an in-order wait as
  // a plain `any` (the complete jobs of the window, wherever they are in it).
  const ahead = new Map<number, JobResult>();
  let next = 0;
  // The deadline of the next result: set when its turn comes, kept over the waits it takes.
  let deadline: number | undefined;
  let deadlineOf = -1;
  while (next < order.length) {
    if (ahead.size > 0 && ahead.has(order[next]!)) {
      const run: JobResult[] = [];
      for (let early = ahead.get(order[next]!); early !== undefined && next < order.length; early = ahead.get(order[next]!)) {
        ahead.delete(order[next]!);
        run.push(early);
        next++;
      }
      yield verdictResults(run);
      continue;
    }
    if (timeout !== undefined && deadlineOf !== next) {
      deadline = Date.now() + timeout;
      deadlineOf = next;
    }
    const verdict = await wait(order.slice(next, next + WINDOW), deadline === undefined ? undefined : Math.max(0, deadline - Date.now()));
    const { jids } = verdict;
    const results = verdict.results!;
    // The verdict's jobs that follow `order` from `next` on are this turn's; the others wait for theirs.
    let inTurn = 0;
    while (inTurn < jids.length && jids[inTurn] === order[next + inTurn]) inTurn++;
    for (let i = inTurn; i < jids.length; i++) ahead.set(jids[i]!, resultAt(results, i));
    if (inTurn === 0) continue;
    if (ahead.size > 0) for (let i = 0; i < inTurn; i++) ahead.delete(jids[i]!);
    next += inTurn;
    yield firstResults(results, inTurn);
  }
}
