/**
 * The work every runner does, defined once so that nimbus, its peers and the main-thread loop
 * run the very same code. Each function is self-contained (no free variables), because nimbus
 * ships functions by their source and refuses those that read variables from outside.
 */

/** The trivial job: a message costs far more than the work, so only the overhead is measured. */
export const addTwo = (x) => x + 2;

/** `iterations` steps of integer arithmetic; each needs the one before, so no JIT can skip them. */
export function burn(iterations) {
  let x = 1;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1664525) + 1013904223) | 0;
  return x;
}

/** Iterations timed to calibrate burn(); about 10 ms, long enough for the timer's resolution. */
const CALIBRATION_ITERATIONS = 10_000_000;

/** Iterations of burn() that take about `ms` in this thread, once the JIT has compiled it. */
export function iterationsFor(ms) {
  burn(CALIBRATION_ITERATIONS);
  const start = performance.now();
  burn(CALIBRATION_ITERATIONS);
  return Math.round((CALIBRATION_ITERATIONS * ms) / (performance.now() - start));
}
