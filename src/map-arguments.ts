/**
 * `cloud.map`'s iterables read into what is submitted: one job per index i taking `(a[i], b[i], ...)`,
 * shorter iterables padded with undefined to the longest. The common map, over one iterable of
 * primitives, travels as that column (a copy: the snapshot is taken now), not as a list per job.
 */
import { errors } from './errors.js';
import type { Packed } from './types/job-outcome.js';
import type { Submission } from './types/job-service.js';
import { isUnshippable, packArguments } from './wire/payload.js';
import { oneArgumentEach } from './wire/submitted-args.js';

/** The jobs' count and arguments; refuses (a CloudError) an empty list of iterables, a value that is not one, an unshippable argument. */
export function mapArguments(iterables: readonly unknown[]): { count: number; argsList: Submission['argsList'] } {
  if (iterables.length === 0) throw errors.noIterable();
  const columns = iterables.map((iterable, i) => {
    if (typeof iterable !== 'object' || iterable === null || !(Symbol.iterator in iterable)) throw errors.notIterable(i, iterable);
    return Array.isArray(iterable) ? (iterable as unknown[]) : [...(iterable as Iterable<unknown>)];
  });
  const count = Math.max(...columns.map((column) => column.length));
  const items = columns.length === 1 ? oneArgumentEach(columns[0]!, columns[0] === iterables[0]) : undefined;
  return { count, argsList: items ?? packedLists(columns, count) };
}

/** Each map item's arguments, packed: one from each column (undefined past a shorter one's end). */
function packedLists(columns: readonly (readonly unknown[])[], count: number): Packed[] {
  const argsList = new Array<Packed>(count);
  for (let i = 0; i < count; i++) {
    const args = argumentsAt(columns, i);
    const packed = packArguments(args);
    // A list of primitives travels as it is: only another answer can be a refusal.
    if (packed !== args && isUnshippable(packed)) throw errors.unshippableArgument(`map item ${i}`, packed.unshippable);
    argsList[i] = packed;
  }
  return argsList;
}

/** Map item i's arguments, one from each column (undefined past a shorter one's end). */
function argumentsAt(columns: readonly (readonly unknown[])[], i: number): unknown[] {
  // The common map over one iterable makes its argument list without a closure per item.
  if (columns.length === 1) return [columns[0]![i]];
  return columns.map((column) => column[i]);
}
