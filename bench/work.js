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
