/**
 * `cloud.wait`: the ready/not-ready split of Ray's `wait` and Dask's `wait`. It waits until at
 * least `count` of the jobs are complete (done, error, killed or stalled alike: a job's failure is
 * an answer, never a rejection) or the timeout passes, with the `any` waits iresultUnordered makes,
 * and tells which jobs are complete and which are not.
 */
import { errors } from './errors.js';
import type { Jid } from './types/jid.js';
import type { WaitVerdict } from './types/job-service.js';

export interface ReadySplit<J extends Jid = Jid> {
  /** The jobs complete when the wait ended, in the order asked. */
  done: J[];
  /** The others, in the order asked. */
  pending: J[];
}

/**
 * @param jids distinct jids
 * @param count at most jids.length (checked)
 * @param waitAny waits until at least one of `remaining` is complete or `timeout` passes (ignoring errors)
 */
export async function readySplit<J extends Jid>(
  jids: readonly J[],
  count: number,
  timeout: number | undefined,
  waitAny: (remaining: number[], timeout: number | undefined) => Promise<WaitVerdict>,
): Promise<ReadySplit<J>> {
  const complete = new Set<number>();
  const deadline = timeout === undefined ? undefined : Date.now() + timeout;
  let remaining: number[] = [...jids];
  while (complete.size < count) {
    const left = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
    const verdict = await waitAny(remaining, left);
    if (verdict.kind === 'timeout') break;
    if (verdict.kind === 'closed') throw errors.closedDuringWait();
    // 'failed' cannot come: the waits ignore errors.
    if (verdict.kind !== 'complete') break;
    for (const jid of verdict.jids) complete.add(jid);
    remaining = remaining.filter((jid) => !complete.has(jid));
  }
  return { done: jids.filter((jid) => complete.has(jid)), pending: jids.filter((jid) => !complete.has(jid)) };
}
