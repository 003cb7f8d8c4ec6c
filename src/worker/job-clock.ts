/**
 * The clock a thread's jobs read their `started` and `finished` from, and the reading a job's
 * meter shares. Where reading the time is a system call (a sandbox, as on the bench machine:
 * Date.now and performance.now 0.1-0.3 us each), a read costs more than a trivial job. So:
 * - a job that starts right as the one before it ended synchronously (no await, no batch
 *   boundary between: only the runner's bookkeeping) starts at that one's `finished` reading;
 * - a job's end is one `performance.now` read: its epoch `finished` is derived from it (by the
 *   epoch reading taken at the last start that read the clock), and a meter needing sub-
 *   millisecond time (job-meter.ts's ProcessMeter) takes the same reading, not its own.
 * So a batch of synchronous jobs reads one clock once per job. Anything that lets other code run
 * in between (an await) calls `interrupted`.
 *
 * Invariant: a derived epoch time is never later than `Date.now()` would have said then, nor
 * earlier than the epoch reading it derives from (the two clocks tick together; the epoch one is
 * read first and truncated to the millisecond, and the result is truncated too): so `finished`
 * stays between the batch's arrival and what the host reads after it, as with `Date.now`.
 */

/** Past this many ms since the last epoch reading, a job's end reads the epoch clock again (the wall clock may be slewed). */
const RESYNC_AFTER_MS = 1000;

/** Epoch ms minus the monotonic clock at the last epoch reading, and that monotonic reading. */
let base = 0;
let baseAt = -Infinity;
/** The last reading: epoch ms (as Date.now gives), and the monotonic clock (performance.now). */
let endedAt = 0;
let monotonic = 0;
/** Whether the last job to end here ended synchronously and nothing has run since. */
let fresh = false;

/** A job ends now: its `finished`, which the next job may start at. */
export function jobEnded(): number {
  fresh = true;
  const now = performance.now();
  if (now - baseAt > RESYNC_AFTER_MS) return readBoth();
  monotonic = now;
  endedAt = Math.floor(base + now);
  return endedAt;
}

/** A job starts now: its `started`. */
export function jobStarting(): number {
  if (!fresh) return readBoth();
  fresh = false;
  return endedAt;
}

/** Other code may have run since the last job ended: the next start reads the clock. */
export function interrupted(): void {
  fresh = false;
}

/**
 * The monotonic time (performance.now) of the last start or end: right after `jobStarting`, the
 * job's start; right after `jobEnded`, its end. A meter reads it instead of the clock.
 */
export function lastReading(): number {
  return monotonic;
}

/** Reads both clocks (the epoch one first, so the base errs early): the epoch reading is exact. */
function readBoth(): number {
  const epoch = Date.now();
  monotonic = performance.now();
  base = epoch - monotonic;
  baseAt = monotonic;
  endedAt = epoch;
  return epoch;
}
