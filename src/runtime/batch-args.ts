/**
 * A batch's arguments as they travel. Most batches are a map over primitives: every job's
 * arguments are a list of numbers or strings of one length, which travel as one flat list (one
 * array to clone instead of a thousand); anything else travels job by job.
 */
import type { BatchArgs } from '../types/executor.js';
import type { Packed, Primitive } from '../types/job-outcome.js';

export function encodeBatchArgs(list: readonly Packed[]): BatchArgs {
  const first = list[0];
  if (!Array.isArray(first)) return { each: list };
  const arity = first.length;
  const flat: Primitive[] = new Array(list.length * arity);
  for (let i = 0; i < list.length; i++) {
    const args = list[i];
    if (!Array.isArray(args) || args.length !== arity) return { each: list };
    for (let k = 0; k < arity; k++) flat[i * arity + k] = (args as readonly Primitive[])[k];
  }
  return { arity, flat };
}

/** Job i's packed arguments. */
export function argsAt(args: BatchArgs, i: number): Packed {
  return 'each' in args ? args.each[i] : args.flat.slice(i * args.arity, (i + 1) * args.arity);
}
