/** Which jobs one wait of `iresult` covers: a window of the jobs ahead, so a big map is read in few waits. */

/** How many jobs ahead one wait of iresult covers: enough to read a big map in few waits, few enough that each wait is cheap. */
const IRESULT_WINDOW = 4096; // jobs

/** The jobs from `next` on that are not known complete yet, at most IRESULT_WINDOW, each once. */
export function windowAhead(order: readonly number[], next: number, ready: ReadonlyMap<number, unknown>): number[] {
  const window = new Set<number>();
  for (let i = next; i < order.length && window.size < IRESULT_WINDOW; i++) {
    if (!ready.has(order[i]!)) window.add(order[i]!);
  }
  return [...window];
}
