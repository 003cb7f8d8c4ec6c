/**
 * The close of a backend that a cloud and its `with` views share: of closes called at once, one
 * closes (and answers true), the others answer false once it is over; the dashboards any of them
 * serves stop first, and the `events()` feeds of any of them end last (after the statuses the close made).
 */
import type { CloudBackend } from './cloud.js';
import type { Dashboard } from './dashboard/server.js';
import type { CloseOptions } from './types/job-options.js';

/** The close in progress of each backend (and whether it waits for the jobs): a second close answers false, once it is over. */
const closing = new WeakMap<CloudBackend, { closed: Promise<boolean>; wait: boolean }>();
/** The dashboards a cloud (or any of its views) serves: its close stops them. */
const dashboards = new WeakMap<CloudBackend, Set<Dashboard>>();

/** The ends of the `events()` feeds open on a backend: its close calls them. */
const feeds = new WeakMap<CloudBackend, Set<() => void>>();

/** Calls `end` when the backend closes; the function returned forgets it (a feed left before). */
export function endedByClose(backend: CloudBackend, end: () => void): () => void {
  const open = feeds.get(backend) ?? new Set<() => void>();
  feeds.set(backend, open.add(end));
  return () => open.delete(end);
}

/** Ends the feeds open on `backend` when it closed. */
function endFeeds(backend: CloudBackend): void {
  const open = feeds.get(backend);
  feeds.delete(backend);
  for (const end of open ?? []) end();
}

/** `served`, stopped by the backend's close (or by its own close, which then forgets it). */
export function servedUntilClose(backend: CloudBackend, served: Dashboard): Dashboard {
  const open = dashboards.get(backend) ?? new Set<Dashboard>();
  dashboards.set(backend, open.add(served));
  return {
    url: served.url,
    close: async () => {
      open.delete(served);
      await served.close();
    },
  };
}

/** @param options checked already */
export function closeOnce(backend: CloudBackend, options: CloseOptions): Promise<boolean> {
  const pending = closing.get(backend);
  if (pending) return pending.wait && !options.wait ? hurried(backend, pending.closed) : pending.closed.then(falsely, falsely);
  const served = [...(dashboards.get(backend) ?? [])];
  dashboards.delete(backend);
  const closed = Promise.all(served.map((dashboard) => dashboard.close()))
    .then(() => backend.close(options))
    .finally(() => {
      closing.delete(backend);
      endFeeds(backend);
    });
  closing.set(backend, { closed, wait: options.wait ?? false });
  return closed;
}

const falsely = (): boolean => false;

/**
 * A close without wait during a close that waits for the jobs (which may never end): the backend
 * closes now, killing them, and the waiting close then ends too. Resolves once both are over.
 */
async function hurried(backend: CloudBackend, waiting: Promise<boolean>): Promise<boolean> {
  const [now] = await Promise.all([backend.close({ wait: false }).catch(falsely), waiting.catch(falsely)]);
  return now;
}
