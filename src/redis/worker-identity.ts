/**
 * Who a `nimbus worker` is: a unique id for the records (claims, the registry); people read its
 * `host:pid` (workerName), what `info().worker` shows and error messages name.
 */
import { hostname } from 'node:os';
import { nanoid } from 'nanoid';
import type { WorkerIdentity } from './record-types.js';

export function newWorkerIdentity(): WorkerIdentity {
  const host = hostname();
  const pid = process.pid;
  // The random part tells apart two workers of one pid over time (a container that restarts).
  return { id: `${host}:${pid}:${nanoid(8)}`, host, pid };
}
