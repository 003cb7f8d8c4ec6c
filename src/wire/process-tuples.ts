/**
 * The two messages every batch costs in process mode, the batch and its last outcomes, as tuples;
 * thread mode sends the same two (thread-protocol.ts). With 'advanced' serialization (and a
 * thread's structured clone alike) an object crosses with its property names, each written, read
 * back and looked up again on the other side: for a lone job's batch (four nested objects) and
 * report (nine columns) that cost more than the values. A tuple carries the values alone, in a
 * fixed order, and what is at its default (no error, no output, no env, a function the worker
 * has whole) travels as nothing. Both sides decode into the shapes the rest of nimbus knows
 * (WireBatch's fields, OutcomeReport), so only this file knows the order.
 */
import type { BatchArgs, BatchSpec, RunnableBatch } from '../types/executor.js';
import type { Numbers, OutcomeReport, Packed, Primitive, RemoteError } from '../types/job-outcome.js';
import type { WireFunction } from '../types/wire-function.js';
import { numberColumn } from './batch-args.js';

/**
 * A batch to a worker: its arrival tag; its function (only its id when that is all it carries);
 * its jids; its arguments as `arity` and the flat list, or -1 and each job's list; then, when
 * set, its env and where its followers begin.
 */
export type BatchTuple =
  | readonly [tag: number, fn: WireFunction | string, jids: Numbers, arity: number, args: BatchArgsList]
  | readonly [tag: number, fn: WireFunction | string, jids: Numbers, arity: number, args: BatchArgsList, env: Env | undefined, followersFrom?: number];

type BatchArgsList = readonly Primitive[] | Float64Array | readonly Packed[];
type Env = Readonly<Record<string, string>>;

/** An arity that says the arguments travel job by job (BatchArgs `each`). */
const EACH = -1;

/** `batch` as it travels, with its function as `fn` (what the worker lacks of it). */
export function batchTuple(tag: number, batch: BatchSpec, fn: WireFunction): BatchTuple {
  const { args, env, followersFrom } = batch;
  const fnOrId = fn.shape === undefined && fn.data === undefined ? fn.id : fn;
  const jids = numberColumn(batch.jids);
  const [arity, list] = 'each' in args ? [EACH, args.each] : [args.arity, args.flat];
  if (followersFrom !== undefined) return [tag, fnOrId, jids, arity, list, env, followersFrom];
  return env === undefined ? [tag, fnOrId, jids, arity, list] : [tag, fnOrId, jids, arity, list, env];
}

export function fromBatchTuple(tuple: BatchTuple): RunnableBatch {
  const [, fnOrId, jids, arity, list, env, followersFrom] = tuple;
  const fn = typeof fnOrId === 'string' ? { id: fnOrId, shape: undefined, data: undefined } : fnOrId;
  const args: BatchArgs = arity === EACH ? { each: list as readonly Packed[] } : { arity, flat: list as readonly Primitive[] | Float64Array };
  return { fn, jids, args, env, followersFrom };
}

/**
 * Outcomes from a worker: the worker's token (as every message it sends carries), whether they
 * close the batch, the job it is on now (its index, -1 for none, and since when), the report's
 * number and value columns, then, when any job has some, its errors, stdout and stderr columns.
 */
export type OutcomesTuple = readonly [
  token: string,
  last: boolean,
  runningIndex: number,
  runningAt: number,
  jids: Numbers,
  values: Packed[],
  started: Numbers,
  finished: Numbers,
  cputime: Numbers,
  memory: Numbers,
  errors?: (RemoteError | undefined)[],
  stdout?: (string | undefined)[],
  stderr?: (string | undefined)[],
];

/** What an OutcomesTuple says, decoded. */
export interface Outcomes {
  readonly report: OutcomeReport;
  readonly last: boolean;
  /** The job of the batch the worker is on now (its index), and since when; undefined: none. */
  readonly running: { readonly index: number; readonly at: number } | undefined;
}

export function outcomesTuple(token: string, report: OutcomeReport, last: boolean, running: Outcomes['running']): OutcomesTuple {
  const { errors, stdout, stderr } = report;
  const head = [
    token,
    last,
    running?.index ?? -1,
    running?.at ?? 0,
    report.jids,
    report.values,
    report.started,
    report.finished,
    report.cputime,
    report.memory,
  ] as const;
  if (errors.length === 0 && stdout.length === 0 && stderr.length === 0) return head;
  return [...head, errors.length === 0 ? undefined : errors, stdout.length === 0 ? undefined : stdout, stderr.length === 0 ? undefined : stderr];
}

/** The outcomes in `message` when it is an OutcomesTuple from the worker that holds `token`. */
export function fromOutcomesTuple(message: unknown, token: string): Outcomes | undefined {
  if (!Array.isArray(message) || message[0] !== token || message.length < 10) return undefined;
  const [, last, runningIndex, runningAt, jids, values, started, finished, cputime, memory, errors, stdout, stderr] = message as unknown as OutcomesTuple;
  return {
    report: { jids, values, errors: errors ?? [], started, finished, cputime, memory, stdout: stdout ?? [], stderr: stderr ?? [] },
    last,
    running: runningIndex < 0 ? undefined : { index: runningIndex, at: runningAt },
  };
}
