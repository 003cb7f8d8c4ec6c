/**
 * What the latency scenarios share: sequential round trips, each answer checked, and the median
 * of a set of figures.
 */
import { addTwo } from './work.js';

/** `count` round trips of x => x + 2, each awaited before the next. */
export async function roundTrips(roundTrip, count) {
  for (let x = 0; x < count; x++) {
    const answer = await roundTrip(x);
    if (answer !== addTwo(x)) throw new Error(`round trip ${x} answered ${answer}`);
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
