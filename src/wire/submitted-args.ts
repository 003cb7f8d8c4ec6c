/**
 * A submission's arguments (`Submission.argsList`) read the same way whatever their form: a packed
 * list per job, or a map's items when each job takes one primitive (`{ items }`, no list per job).
 */
import type { Packed, Primitive } from '../types/job-outcome.js';
import type { OneArgumentEach } from '../types/job-service.js';

type SubmittedArgs = readonly Packed[] | OneArgumentEach;

export function isOneArgumentEach(args: SubmittedArgs): args is OneArgumentEach {
  return !Array.isArray(args);
}

/** How many jobs the submission makes. */
export function submittedCount(args: SubmittedArgs): number {
  return isOneArgumentEach(args) ? args.items.length : args.length;
}

/** A packed argument list per job: for services that store one per job (Redis, a home's restarts). */
export function argumentLists(args: SubmittedArgs): readonly Packed[] {
  if (!isOneArgumentEach(args)) return args;
  const { items } = args;
  const lists = new Array<Packed>(items.length);
  for (let i = 0; i < items.length; i++) lists[i] = [items[i]];
  return lists;
}

/** The items as `{ items }` when every one is a primitive (their own copy: later changes to `values` are not seen), else undefined. */
export function oneArgumentEach(values: readonly unknown[], copy: boolean): OneArgumentEach | undefined {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const type = typeof value;
    if (!(value === null || type === 'number' || type === 'string' || type === 'boolean' || type === 'undefined' || type === 'bigint')) return undefined;
  }
  return { items: copy ? (values.slice() as Primitive[]) : (values as readonly Primitive[]) };
}
