/**
 * The status changes of a runtime's jobs, for whoever listens (`cloud.events()`). The runtime says
 * which jobs may have changed (as it tells a durable store); the feed reads each one's status and
 * tells the listeners only what differs from what it told last, so each status of a job is told
 * once. What it told is one byte per job id, kept while anyone listens.
 */
import type { StatusChange } from '../types/status-change.js';
import type { JobStatus } from '../types/job-status.js';
import { JOB_STATUSES, isComplete } from '../types/job-status.js';

const codeOf = (status: JobStatus): number => JOB_STATUSES.indexOf(status) + 1;

export class StatusFeed {
  readonly #listeners = new Set<(change: StatusChange) => void>();
  /** Per job id, 1 + the index in JOB_STATUSES of the status last told; 0 when none was. */
  #told = new Uint8Array(0);

  get active(): boolean {
    return this.#listeners.size > 0;
  }

  /** Adds a listener; the function returned removes it. */
  add(listener: (change: StatusChange) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.reset();
    };
  }

  /**
   * Job `jid` may have changed; its status is now `status`. A job that ran and is complete before
   * its start was seen (a quick job learns its start with its outcome) is told processing first.
   */
  changed(jid: number, status: JobStatus, ran: boolean): void {
    if (jid >= this.#told.length) this.#grow(jid);
    const told = this.#told[jid]!;
    if (told === codeOf(status)) return;
    if (ran && isComplete(status) && told !== codeOf('processing')) this.#tell(jid, 'processing');
    this.#tell(jid, status);
  }

  /** Forgets what was told: the ids start over (a runtime cleared), or no one listens. */
  reset(): void {
    this.#told = new Uint8Array(0);
  }

  #tell(jid: number, status: JobStatus): void {
    this.#told[jid] = codeOf(status);
    const change: StatusChange = { jid, status, at: Date.now() };
    for (const listener of this.#listeners) listener(change);
  }

  #grow(jid: number): void {
    const grown = new Uint8Array(Math.max(1024, 2 * (jid + 1)));
    grown.set(this.#told);
    this.#told = grown;
  }
}

/**
 * The one change listener a runtime calls: the store's (when a home watches), then the feed's
 * while anyone listens; undefined when neither does, so that no change costs a call.
 */
export function changeListener(
  store: ((jid: number) => void) | undefined,
  feed: StatusFeed,
  stateOf: (jid: number) => [status: JobStatus, ran: boolean] | undefined,
): ((jid: number) => void) | undefined {
  if (!feed.active) return store;
  return (jid) => {
    store?.(jid);
    const state = stateOf(jid);
    if (state) feed.changed(jid, ...state);
  };
}
