/**
 * A batch's arguments and jids as they travel. Most batches are a map over primitives: every
 * job's arguments are a list of one length, which travel as one flat list, and when they are all
 * numbers, as one Float64Array: v8 clones a typed array as one block of bytes, but a plain array
 * number by number (about 80 ns each, more than a trivial job). Anything else travels job by job.
 */
import type { BatchArgs, BatchSpec, WireBatch } from '../types/executor.js';
import type { Packed, Primitive } from '../types/job-outcome.js';
import type { WireFunction } from '../types/wire-function.js';

export function encodeBatchArgs(list: readonly Packed[]): BatchArgs {
  const first = list[0];
  if (!Array.isArray(first)) return { each: list };
  const arity = first.length;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a value of the user's, whatever its type
  const flat: Primitive[] = new Array(list.length * arity);
  let numbers = true;
  for (let i = 0; i < list.length; i++) {
    const args = list[i];
    if (!Array.isArray(args) || args.length !== arity) return { each: list };
    for (let k = 0; k < arity; k++) {
      const value = (args as readonly Primitive[])[k];
      numbers &&= typeof value === 'number';
      flat[i * arity + k] = value;
    }
  }
  return { arity, flat: numbers ? Float64Array.from(flat as number[]) : flat };
}

/** Job i's packed arguments. */
export function argsAt(args: BatchArgs, i: number): Packed {
  if ('each' in args) return args.each[i];
  const { arity, flat } = args;
  return Array.from(flat.slice(i * arity, (i + 1) * arity) as ArrayLike<Primitive>);
}

/** The batch as a worker receives it, with its function as `fn` (what that worker lacks of it). */
export function toWire(batch: BatchSpec, fn: WireFunction): WireBatch {
  const wire = { fn, type: batch.type, cores: batch.cores, args: batch.args, jids: Float64Array.from(batch.jids) };
  return batch.env === undefined ? wire : { ...wire, env: batch.env };
}
