/**
 * Wall-clock timing from a monotonic clock, in milliseconds. This machine may be shared: a burst
 * of load elsewhere slows whatever runs during it, so runs that are compared take turns.
 */

/** Runs `work` and resolves with how long it took and what it returned. */
export async function timed(work) {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/**
 * Times each of `runs` `rounds` times, taking turns (a, b, c, a, b, c, ...), so that load from
 * elsewhere falls on all of them alike. Resolves with each run's times, in the order of `runs`.
 */
export async function timeInTurns(rounds, runs) {
  const times = runs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, run] of runs.entries()) times[i].push((await timed(run)).ms);
  }
  return times;
}
