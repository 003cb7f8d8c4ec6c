/** A function in a form that can cross a thread and be rebuilt there. */

export interface ShippedFunction {
  /** Unique across threads (nanoid), so a worker caches what it rebuilt once per function. */
  readonly id: string;
  /** The function's own name, '' when anonymous; shown by `info().fn`. */
  readonly name: string;
  /** A JavaScript expression that evaluates to the function. */
  readonly source: string;
}
