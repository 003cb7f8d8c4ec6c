/**
 * How a job's function types the rest of the API: the value its jid stands for, a map's argument
 * columns, and the slots of a result (a CloudException where a failed job's slot may hold one).
 * Types only: nothing here runs.
 */
import type { CloudException } from './errors.js';
import type { ResultOf } from './types/jid.js';
import type { WaitOptions } from './types/job-options.js';

/** The value a job whose function returns `R` ends with: awaited, a generator's yields in an array. */
export type JobValue<R> = R extends Generator<infer Y, unknown, never> ? Y[] : R extends AsyncGenerator<infer Y, unknown, never> ? Y[] : Awaited<R>;

/** A result slot of `result(jids, { ignoreErrors: true })`: the value, or the job's CloudException. */
export type OrFailure<T> = { -readonly [K in keyof T]: ResultOf<T[K]> | CloudException };

/** Wait options under which a failed job rejects: ignoreErrors left out or false. */
export type Strict = WaitOptions & { ignoreErrors?: false };

/** `map`'s arguments: one iterable per parameter of the function. */
export type IterablesOf<A extends readonly unknown[]> = { [K in keyof A]: Iterable<A[K]> };
