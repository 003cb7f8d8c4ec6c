/**
 * Who a `nimbus worker` is: a unique id for the records (claims, the registry), and the name
 * people read (`host:pid`, what `info().worker` shows and error messages name).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { nanoid } from 'nanoid';
import type { WorkerIdentity } from './record-types.js';

export function newWorkerIdentity(): WorkerIdentity {
  const host = hostname();
  const pid = process.pid;
  // The random part tells apart two workers of one pid over time (a container that restarts).
  return { id: `${host}:${pid}:${nanoid(8)}`, host, pid };
}

/** `host:pid`, as info().worker shows it. */
export function workerName(worker: Pick<WorkerIdentity, 'host' | 'pid'>): string {
  return `${worker.host}:${worker.pid}`;
}

/** The nimbus version of this worker (package.json), which a refusal of another version's chunk names. */
export function nimbusVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}
