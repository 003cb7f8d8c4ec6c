/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same numbers, so that a
 * simulated workload is the same at every size it is run at and on every run.
 */

/** Returns a function giving numbers in [0, 1), determined by `seed` (an integer). */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
