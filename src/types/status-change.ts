/** One status change of one job, as `cloud.events()` tells it (what a UI subscribes to). */
import type { Jid } from './jid.js';
import type { JobStatus } from './job-status.js';

export interface StatusChange {
  jid: Jid;
  status: JobStatus;
  /** Epoch milliseconds when the change was seen. */
  at: number;
}

/** Where a service's status changes can be heard: told of each, synchronously, until `stop` is called. */
export interface StatusFeedSource {
  watchStatuses(listener: (change: StatusChange) => void): () => void;
}
