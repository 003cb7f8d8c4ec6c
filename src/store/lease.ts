/**
 * Owner liveness as a lease: each runtime that owns jobs in a home renews a row in `owners`
 * every HEARTBEAT, moving its expiry LEASE ahead; a runtime whose lease ran out is gone, whatever
 * its pid says (a zombie, a stopped process, a reused pid). On the same host a pid that no longer
 * exists is gone at once, so a crash is noticed without waiting for the lease.
 */
import { hostname } from 'node:os';

/** Default lease: an owner silent this long is gone. */
export const LEASE_MS = 10_000;
/** How often an owner renews its lease: several renewals fit in one lease. */
export const HEARTBEAT_FRACTION = 5;
/** The shortest renewal period, whatever the lease. */
const MIN_HEARTBEAT_MS = 20;

/**
 * Internal, not public API: NIMBUS_LEASE_MS shortens the lease (and with it the heartbeat), so
 * tests can see an owner expire in a moment. Read once per store.
 */
export function leaseSettings(env: NodeJS.ProcessEnv = process.env): { leaseMs: number; heartbeatMs: number } {
  const asked = Number(env.NIMBUS_LEASE_MS);
  const leaseMs = Number.isInteger(asked) && asked >= 100 ? asked : LEASE_MS;
  return { leaseMs, heartbeatMs: heartbeatOf(leaseMs) };
}

/** How often an owner renews a lease of `leaseMs`: several renewals fit in one lease. */
export function heartbeatOf(leaseMs: number): number {
  return Math.max(MIN_HEARTBEAT_MS, Math.floor(leaseMs / HEARTBEAT_FRACTION));
}

export interface Lease {
  owner: string;
  host: string;
  pid: number;
  expires: number;
}

export const THIS_HOST = hostname();

/** Whether the runtime holding `lease` is gone: its lease ran out, or its process no longer exists here. */
export function isGone(lease: Lease, now: number): boolean {
  if (lease.expires <= now) return true;
  return lease.host === THIS_HOST && lease.pid !== process.pid && !pidExists(lease.pid);
}

/** False only when no process has this pid (ESRCH); a zombie still has one, hence the lease. */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
