/**
 * A wait that involves another process's jobs: their state is in the store only, so it reads the
 * store every REMOTE_POLL_MS until the request is met, the timeout passes or the signal aborts.
 * A job whose runtime is gone is recovered on the way (taken over, or ended), so the wait ends;
 * a reader that may not write reads such a job as stopped.
 */
import { errors, remoteErrors } from '../errors.js';
import type { JobInfo } from '../types/job-info.js';
import type { JobResult, WaitRequest, WaitVerdict } from '../types/job-service.js';
import { isComplete } from '../types/job-status.js';
import type { JobStore, StoredJob } from '../types/job-store.js';
import type { Packed } from '../types/job-outcome.js';
import { isBusy } from './store-errors.js';
import { verdictResults } from '../wire/verdict-results.js';

/** How often a wait on another process's jobs reads the store again. */
export const REMOTE_POLL_MS = 100;

export const RUNTIME_STOPPED = remoteErrors.runtimeStopped();

/** What the wait needs of the service it serves. */
export interface StoreWaitSource {
  readonly store: JobStore;
  /** This runtime's own id of a jid, undefined for another process's job. */
  toLocal(jid: number): number | undefined;
  /** A job of another process, from the store (an unknown jid throws). */
  stored(jid: number): Promise<StoredJob>;
  /** This runtime's own job: its info and value now. */
  own(local: number): { info: JobInfo; value: Packed } | Promise<{ info: JobInfo; value: Packed }>;
  /** Takes over or ends the unfinished jobs of runtimes that are gone. */
  recover(): Promise<void>;
}

export async function storeWait(source: StoreWaitSource, request: WaitRequest, signal: AbortSignal | undefined): Promise<WaitVerdict> {
  const deadline = request.timeout === undefined ? Infinity : Date.now() + request.timeout;
  for (;;) {
    if (signal?.aborted) return { kind: 'aborted' };
    const results = await resultsNow(source, request.jids);
    if (results !== undefined) {
      const failed = results.find((result) => result && !result.ok);
      if (failed && !failed.ok && !request.ignoreErrors && !request.any) return { kind: 'failed', failure: failed.failure };
      const complete = request.jids.filter((_, i) => results[i] !== undefined);
      if (request.any ? complete.length > 0 : complete.length === request.jids.length) {
        const chosen = request.any ? results.filter((result) => result !== undefined) : results;
        return { kind: 'complete', jids: complete, results: request.values || request.any ? verdictResults(chosen as JobResult[]) : undefined };
      }
    }
    if (Date.now() >= deadline) return { kind: 'timeout', after: request.timeout! };
    await new Promise((resolve) => setTimeout(resolve, Math.min(REMOTE_POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}

/** Each job's result if it is complete now; undefined for all while the store is locked elsewhere. */
async function resultsNow(source: StoreWaitSource, jids: number[]): Promise<(JobResult | undefined)[] | undefined> {
  const store = source.store;
  try {
    const results = await Promise.all(jids.map((jid) => resultNow(source, jid)));
    const orphaned = await Promise.all(
      // eslint-disable-next-line @typescript-eslint/await-thenable -- the store may answer with values or promises
      jids.map((jid, i) => results[i] === undefined && source.toLocal(jid) === undefined && store.isOrphaned(jid)),
    );
    const orphans = jids.filter((_, i) => orphaned[i]);
    if (orphans.length === 0) return results;
    if (store.readOnly) return results.map((result, i) => result ?? (orphans.includes(jids[i]!) ? stoppedResult(jids[i]!) : undefined));
    await source.recover();
    return undefined;
  } catch (error) {
    if (isBusy(error)) return undefined;
    throw error;
  }
}

/** A job's result if it is complete now, else undefined. */
async function resultNow(source: StoreWaitSource, jid: number): Promise<JobResult | undefined> {
  const local = source.toLocal(jid);
  const stored = local === undefined ? await source.stored(jid) : undefined;
  const { info, value } = stored ?? (await source.own(local!));
  if (!isComplete(info.status)) return undefined;
  if (info.status === 'done') {
    if (stored?.droppedBytes !== undefined) throw errors.resultNotKept(jid, stored.droppedBytes, source.store.maxResultBytes);
    return { ok: true, value };
  }
  return { ok: false, failure: { jid, status: info.status, error: info.exception } };
}

/** What a reader that may not write says of a job whose runtime is gone (a writer would record it so). */
function stoppedResult(jid: number): JobResult {
  return { ok: false, failure: { jid, status: 'error', error: RUNTIME_STOPPED } };
}
