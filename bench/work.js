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

/** `jobs` items of burn() of about `jobMs` each (`iterations` apiece), and a check that every result is burn()'s. */
export function burnWork(jobs, jobMs) {
  const iterations = iterationsFor(jobMs);
  const expected = burn(iterations);
  const work = new Array(jobs).fill(iterations);
  const check = (results) => {
    if (results.length !== jobs || results.some((result) => result !== expected)) throw new Error('a wrong burn() result');
  };
  return { work, iterations, check };
}

/** Throws unless `results` are addTwo of `xs`, item by item. */
export function checkAddTwo(runner, xs, results) {
  const wrong = xs.findIndex((x, i) => results[i] !== addTwo(x));
  if (results.length !== xs.length || wrong !== -1) throw new Error(`${runner} returned a wrong result at item ${wrong}`);
}

/** One timed nimbus map of addTwo over `xs`, results checked: its total and its map() time. */
export async function timeAddTwoMap(cloud, xs) {
  const start = performance.now();
  const jids = await cloud.map(addTwo, xs);
  const submitMs = performance.now() - start;
  const results = await cloud.result(jids);
  const ms = performance.now() - start;
  checkAddTwo('nimbus', xs, results);
  return { ms, submitMs };
}
