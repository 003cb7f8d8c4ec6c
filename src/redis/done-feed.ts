/**
 * `cloud.events()` on Redis: what the `done` channel tells, as status changes. Redis publishes
 * completions only (no message says a job was queued or started, and the workers would pay for
 * one per job), so this feed tells each job's complete status: `done` as the message names it,
 * the others (error, killed, stalled) read from their records. It tells the jobs of every client
 * of the queue, as the channel does. A message missed while the subscriber reconnected is missed.
 */
import type { JobStatus } from '../types/job-status.js';
import type { StatusChange } from '../types/status-change.js';
import { parseJidList } from './redis-keys.js';

export class DoneFeed {
  readonly #listeners = new Set<(change: StatusChange) => void>();
  readonly #statusOf: (jids: number[]) => Promise<(JobStatus | undefined)[]>;
  readonly #report: (error: unknown) => void;

  /**
   * @param statusOf reads records (undefined for a job deleted since)
   * @param report where a failed read goes (no listener can receive it)
   */
  constructor(statusOf: (jids: number[]) => Promise<(JobStatus | undefined)[]>, report: (error: unknown) => void) {
    this.#statusOf = statusOf;
    this.#report = report;
  }

  get active(): boolean {
    return this.#listeners.size > 0;
  }

  add(listener: (change: StatusChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A message of the `done` channel: jids complete otherwise than 'done', then after a '|' those 'done'. */
  heard(message: string): void {
    if (!this.active) return;
    const at = Date.now();
    const bar = message.indexOf('|');
    const other = parseJidList(bar < 0 ? message : message.slice(0, bar));
    if (bar >= 0) for (const jid of parseJidList(message.slice(bar + 1))) this.#tell({ jid, status: 'done', at });
    if (other.length === 0) return;
    this.#statusOf(other).then((statuses) => {
      for (const [i, status] of statuses.entries()) if (status !== undefined) this.#tell({ jid: other[i]!, status, at });
    }, this.#report);
  }

  #tell(change: StatusChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
