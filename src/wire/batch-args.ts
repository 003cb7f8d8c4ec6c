/**
 * A batch's arguments and jids as they travel. Most batches are a map over primitives: every
 * job's arguments are a list of one length, which travel as one flat list, and when they are all
 * numbers, as one Float64Array: v8 clones a typed array as one block of bytes, but a plain array
 * number by number (about 80 ns each, more than a trivial job). Anything else travels job by job.
 */
import type { BatchArgs } from '../types/executor.js';
import type { Numbers, Packed, Primitive } from '../types/job-outcome.js';

/**
 * From this many numbers on, a column travels as a Float64Array; below, as a plain array. A typed
 * array is one host object to the clone on each side (in a process's serializer, a JavaScript
 * callback each way, and a backing store to allocate): for a lone job's batch and report, a dozen
 * of those cost more than the few numbers they hold, one by one.
 */
export const TYPED_FROM = 16;

/** A column of numbers as it travels (see TYPED_FROM). */
export function numberColumn(values: readonly number[]): Numbers {
  // The constructor copies an array as a block; `Float64Array.from` walks it through its iterator.
  return values.length >= TYPED_FROM ? new Float64Array(values) : values;
}

export function encodeBatchArgs(list: readonly Packed[]): BatchArgs {
  const first = list[0];
  if (!Array.isArray(first)) return { each: list };
  const arity = first.length;
  // One look first, so that the common case (all numbers) goes straight into its Float64Array.
  let numbers = true;
  for (const args of list) {
    if (!Array.isArray(args) || args.length !== arity) return { each: list };
    for (let k = 0; numbers && k < arity; k++) numbers = typeof (args as readonly Primitive[])[k] === 'number';
  }
  const size = list.length * arity;
  const flat: Primitive[] | Float64Array = numbers && size >= TYPED_FROM ? new Float64Array(size) : new Array<Primitive>(size);
  for (let i = 0; i < list.length; i++) {
    const args = list[i] as readonly Primitive[];
    for (let k = 0; k < arity; k++) flat[i * arity + k] = args[k];
  }
  return { arity, flat };
}

/** A batch whose jobs each take one primitive, `items[i]`: one column of arity 1. */
export function encodeOneEach(items: Primitive[]): BatchArgs {
  if (items.length < TYPED_FROM) return { arity: 1, flat: items };
  for (let i = 0; i < items.length; i++) if (typeof items[i] !== 'number') return { arity: 1, flat: items };
  return { arity: 1, flat: new Float64Array(items as number[]) };
}

/** Job i's packed arguments. */
export function argsAt(args: BatchArgs, i: number): Packed {
  if ('each' in args) return args.each[i];
  const { arity, flat } = args;
  // A loop, not Array.from(flat.slice()): a slice and an iteration cost more than a trivial job's call.
  const list = new Array<Primitive>(arity);
  for (let k = 0; k < arity; k++) list[k] = flat[i * arity + k];
  return list;
}

/**
 * Reads the batch's jobs' packed arguments for calls made at once, one job after another: a
 * column's list is one array per reader, refilled for each job, not one per job (a call spreads
 * it into the function's own arguments, and nothing else keeps it). A list read from it is valid
 * until the next read.
 */
export function argsReader(args: BatchArgs): (i: number) => Packed {
  if ('each' in args) return (i) => args.each[i];
  const { arity, flat } = args;
  const list = new Array<Primitive>(arity);
  for (let k = 0; k < arity; k++) list[k] = flat[k];
  return (i) => {
    for (let k = 0; k < arity; k++) list[k] = flat[i * arity + k];
    return list;
  };
}
