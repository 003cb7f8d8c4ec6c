/**
 * The epoch clock a thread's jobs read their `started` and `finished` from. Where reading the
 * time is a system call (a sandbox, as on the bench machine: Date.now 0.13 us, performance.now
 * 0.2 us), two reads cost more than a trivial job. So a job that starts right as the one before
 * it ended synchronously (no await, no batch boundary between: only the runner's bookkeeping)
 * starts at that one's `finished` reading, and a batch of synchronous jobs reads the epoch clock
 * once per job. Anything that lets other code run in between (an await) calls `interrupted`.
 */
let endedAt = 0;
/** Whether the last job to end here ended synchronously and nothing has run since. */
let fresh = false;
/** Whether the job starting now took the end reading of the job before it (see followsDirectly). */
let follows = false;

/** A job ends now: its `finished`, which the next job may start at. */
export function jobEnded(): number {
  endedAt = Date.now();
  fresh = true;
  return endedAt;
}

/** A job starts now: its `started`. */
export function jobStarting(): number {
  follows = fresh;
  fresh = false;
  return follows ? endedAt : Date.now();
}

/** Other code may have run since the last job ended: the next start reads the clock. */
export function interrupted(): void {
  fresh = false;
}

/**
 * Whether the job that started last took the end reading of the one before it: then the time
 * between them is the runner's alone, and a meter may take its own end reading as this start.
 */
export function followsDirectly(): boolean {
  return follows;
}
