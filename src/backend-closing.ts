/**
 * The close of a backend that a cloud and its `with` views share: of closes called at once, one
 * closes (and answers true), the others answer false once it is over; the dashboards any of them
 * serves stop first.
 */
import type { CloudBackend } from './cloud.js';
import type { Dashboard } from './dashboard/server.js';
import type { CloseOptions } from './types/job-options.js';

/** The close in progress of each backend: a second close while one runs answers false, once it is over. */
const closing = new WeakMap<CloudBackend, Promise<boolean>>();
/** The dashboards a cloud (or any of its views) serves: its close stops them. */
const dashboards = new WeakMap<CloudBackend, Set<Dashboard>>();

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
  if (pending)
    return pending.then(
      () => false,
      () => false,
    );
  const served = [...(dashboards.get(backend) ?? [])];
  dashboards.delete(backend);
  const closed = Promise.all(served.map((dashboard) => dashboard.close()))
    .then(() => backend.close(options))
    .finally(() => closing.delete(backend));
  closing.set(backend, closed);
  return closed;
}
