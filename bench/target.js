/**
 * A target from the performance issue: a measured figure, the bound it must meet, and whether it
 * does. Plain data, so it prints in the summary and serialises into the results file as it is.
 */

/** The figure must be at least `bound`; `show` formats both. */
export function atLeast(what, value, bound, show) {
  return { what, value, bound, measured: show(value), goal: `>= ${show(bound)}`, met: value >= bound };
}

/** The figure must be at most `bound`. */
export function atMost(what, value, bound, show) {
  return { what, value, bound, measured: show(value), goal: `<= ${show(bound)}`, met: value <= bound };
}
