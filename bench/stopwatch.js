/** Wall-clock timing of one awaited piece of work, in milliseconds from a monotonic clock. */

/** Runs `work` and resolves with how long it took and what it returned. */
export async function timed(work) {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}
