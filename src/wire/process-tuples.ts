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
import { TYPED_FROM, numberColumn } from './batch-args.js';

/**
 * A batch to a worker: its arrival tag; its function (only its id when that is all it carries);
 * its jids; its arguments as `arity` and the flat list, or -1 and each job's list; then, when
 * set, its env and where its followers begin. A long batch whose arguments are all numbers sends
 * its jids and its arguments in one Float64Array, the jids first, with `args` undefined: a typed
 * array is a host object to the process serializer, a JavaScript callback each way, and one of
 * them costs as much as copying a thousand numbers.
 */
export type BatchTuple =
  | LoneBatchTuple
  | readonly [tag: number, fn: WireFunction | string, jids: Numbers, arity: number, args: BatchArgsList | undefined]
  | readonly [
      tag: number,
      fn: WireFunction | string,
      jids: Numbers,
      arity: number,
      args: BatchArgsList | undefined,
      env: Env | undefined,
      followersFrom?: number,
    ];

type BatchArgsList = readonly Primitive[] | Float64Array | readonly Packed[];

/**
 * A lone job's batch (one job, its arguments a flat list, no env, no followers): its jid and its
 * arguments inline, a list with no list inside. A thread's structured clone writes and reads each
 * list as an object of its own: the nested form cost a lone thread trip 0.5-1.6 us more
 * (bench/README.md, "Eighth pass"; no difference on processes, whose frames carry lists
 * cheaply). Its outcomes travel as a LoneOutcomesTuple alike.
 */
type LoneBatchTuple = readonly [tag: number, fn: WireFunction | string, jid: number, arity: number, ...args: Primitive[]];
type Env = Readonly<Record<string, string>>;

/** An arity that says the arguments travel job by job (BatchArgs `each`). */
const EACH = -1;

/**
 * `list` as an array with no holes in its elements kind. v8's serializer (a thread's postMessage,
 * a process's 'advanced' channel) writes a packed array densely, its values in a row; an array
 * made by `new Array(n)` and filled by index stays "holey" for v8 whatever it holds, and is
 * written as a sparse object, each element with its index, enumerated through the slow path of
 * its keys, and read back property by property (a lone job's trip paid this on both sides, each
 * way). A copy made by `push` is packed.
 */
function packedList<T>(list: readonly T[], length = list.length): T[] {
  const copy: T[] = [];
  for (let i = 0; i < length; i++) copy.push(list[i]!);
  return copy;
}

/** A short column of numbers packed (the scheduler sizes a batch's jids once: holey); a long one is typed already. */
function packedNumbers(numbers: Numbers): Numbers {
  return numbers instanceof Float64Array ? numbers : packedList(numbers);
}

/** `batch` as it travels, with its function as `fn` (what the worker lacks of it). */
export function batchTuple(tag: number, batch: BatchSpec, fn: WireFunction): BatchTuple {
  const { args, env, followersFrom } = batch;
  const fnOrId = fn.shape === undefined && fn.data === undefined ? fn.id : fn;
  const [arity, list] = 'each' in args ? [EACH, args.each] : [args.arity, args.flat];
  if (batch.jids.length === 1 && env === undefined && followersFrom === undefined && arity !== EACH && !(list instanceof Float64Array)) {
    return [tag, fnOrId, batch.jids[0]!, arity, ...(list as readonly Primitive[])];
  }
  const [jids, rest] =
    list instanceof Float64Array && batch.jids.length >= TYPED_FROM
      ? [jidsThen(batch.jids, list), undefined]
      : [packedNumbers(numberColumn(batch.jids)), list instanceof Float64Array ? list : packedList(list)];
  if (followersFrom !== undefined) return [tag, fnOrId, jids, arity, rest, env, followersFrom];
  return env === undefined ? [tag, fnOrId, jids, arity, rest] : [tag, fnOrId, jids, arity, rest, env];
}

/** The jids, then the flat numbers after them, in one Float64Array. */
function jidsThen(jids: readonly number[], flat: Float64Array): Float64Array {
  const block = new Float64Array(jids.length + flat.length);
  // `set` copies a plain array as a block (as the constructor does); an indexed loop took 18 ns per jid.
  block.set(jids);
  block.set(flat, jids.length);
  return block;
}

export function fromBatchTuple(tuple: BatchTuple): RunnableBatch {
  const fnOrId = tuple[1];
  const fn = typeof fnOrId === 'string' ? { id: fnOrId, shape: undefined, data: undefined } : fnOrId;
  if (typeof tuple[2] === 'number') return { fn, jids: [tuple[2]], args: { arity: tuple[3], flat: tuple.slice(4) as Primitive[] } };
  const [, , numbers, arity, list, env, followersFrom] = tuple as Exclude<BatchTuple, LoneBatchTuple>;
  if (list === undefined) {
    // The jids and the numbers of their arguments in one block: arity numbers after each jid.
    const block = numbers as Float64Array;
    const count = block.length / (1 + arity);
    return { fn, jids: block.subarray(0, count), args: { arity, flat: block.subarray(count) }, env, followersFrom };
  }
  const args: BatchArgs = arity === EACH ? { each: list as readonly Packed[] } : { arity, flat: list as readonly Primitive[] | Float64Array };
  return { fn, jids: numbers, args, env, followersFrom };
}

/**
 * Outcomes from a worker: the worker's token (as every message it sends carries), whether they
 * close the batch, the job it is on now (its index, -1 for none, and since when), the report's
 * number columns, then its values, then, when any job has some, its errors, stdout and stderr
 * columns.
 *
 * The number columns travel end to end in one list (jids, started, finished, cputime, memory:
 * NUMBER_COLUMNS runs of the report's length), a Float64Array once the report is long
 * (TYPED_FROM): one host object for the process serializer where five cost five callbacks each
 * way. When every value of a long report is a number, the values are a sixth run of it and
 * `values` is undefined: v8 writes and reads a plain array element by element (about 50 ns per
 * number read back, more than the rest of a trivial job's outcome), a typed array as one block.
 */
export type OutcomesTuple = LoneOutcomesTuple | ManyOutcomesTuple;

/**
 * A one-job report with no error and no output, every lone trip's: its numbers and its value
 * inline (as LoneBatchTuple).
 */
type LoneOutcomesTuple = readonly [
  token: string,
  last: boolean,
  runningIndex: number,
  runningAt: number,
  jid: number,
  started: number,
  finished: number,
  cputime: number,
  memory: number,
  value: Packed,
];

type ManyOutcomesTuple = readonly [
  token: string,
  last: boolean,
  runningIndex: number,
  runningAt: number,
  numbers: Numbers,
  values: Packed[] | undefined,
  errors?: (RemoteError | undefined)[],
  stdout?: (string | undefined)[],
  stderr?: (string | undefined)[],
];

/** The runs of number columns an OutcomesTuple always carries: jids, started, finished, cputime, memory. */
const NUMBER_COLUMNS = 5;

/** What an OutcomesTuple says, decoded. */
export interface Outcomes {
  readonly report: OutcomeReport;
  readonly last: boolean;
  /** The job of the batch the worker is on now (its index), and since when; undefined: none. */
  readonly running: { readonly index: number; readonly at: number } | undefined;
}

/**
 * @param report its jids say how many jobs it holds; its other dense columns may be longer (a
 *   worker's report made for its whole batch): only their first jids.length entries travel.
 */
export function outcomesTuple(token: string, report: OutcomeReport, last: boolean, running: Outcomes['running']): OutcomesTuple {
  const { errors, stdout, stderr } = report;
  const length = report.jids.length;
  if (length === 1) return loneOutcomes(token, report, last, running);
  const typed = length >= TYPED_FROM;
  const valuesAsNumbers = typed && allNumbers(report.values, length);
  const numbers = typed ? new Float64Array((NUMBER_COLUMNS + (valuesAsNumbers ? 1 : 0)) * length) : ([] as number[]);
  copyInto(numbers, 0, report.jids, length);
  copyInto(numbers, length, report.started, length);
  copyInto(numbers, 2 * length, report.finished, length);
  copyInto(numbers, 3 * length, report.cputime, length);
  copyInto(numbers, 4 * length, report.memory, length);
  if (valuesAsNumbers) copyInto(numbers, NUMBER_COLUMNS * length, report.values as number[], length);
  // A worker's report columns are made for their batch by `new Array(n)` (outcome-report.ts): packed copies travel.
  const values = valuesAsNumbers ? undefined : packedList(report.values, length);
  const head = [token, last, running?.index ?? -1, running?.at ?? 0, numbers, values] as const;
  return withTextColumns(head, errors, stdout, stderr);
}

type OutcomesHead = readonly [string, boolean, number, number, Numbers, Packed[] | undefined];

/**
 * A one-job report's tuple (every lone trip's): inline when it has no error or output; else its
 * lists made whole as literals, packed and of their exact length, where pushes into empty arrays
 * allocate for 17 elements.
 */
function loneOutcomes(token: string, report: OutcomeReport, last: boolean, running: Outcomes['running']): OutcomesTuple {
  const { jids, started, finished, cputime, memory, values, errors, stdout, stderr } = report;
  if (errors.length === 0 && stdout.length === 0 && stderr.length === 0) {
    return [token, last, running?.index ?? -1, running?.at ?? 0, jids[0]!, started[0]!, finished[0]!, cputime[0]!, memory[0]!, values[0]!];
  }
  const numbers = [jids[0]!, started[0]!, finished[0]!, cputime[0]!, memory[0]!];
  return withTextColumns([token, last, running?.index ?? -1, running?.at ?? 0, numbers, [values[0]!]], errors, stdout, stderr);
}

/** The tuple: its head, then the error and output columns when any job has some. */
function withTextColumns(head: OutcomesHead, errors: OutcomeReport['errors'], stdout: OutcomeReport['stdout'], stderr: OutcomeReport['stderr']): OutcomesTuple {
  if (errors.length === 0 && stdout.length === 0 && stderr.length === 0) return head;
  return [...head, errors.length === 0 ? undefined : errors, stdout.length === 0 ? undefined : stdout, stderr.length === 0 ? undefined : stderr];
}

function allNumbers(values: readonly Packed[], length: number): boolean {
  for (let i = 0; i < length; i++) if (typeof values[i] !== 'number') return false;
  return true;
}

/**
 * Writes `length` numbers of `column` into `into` from `offset` on. A plain array is filled in
 * order, from its end, by `push` (so that it stays packed: see packedList).
 */
function copyInto(into: number[] | Float64Array, offset: number, column: Numbers, length: number): void {
  // `set` copies a plain array of numbers as a block: several times an indexed loop's speed.
  if (into instanceof Float64Array) {
    if (column.length === length) return into.set(column, offset);
    for (let i = 0; i < length; i++) into[offset + i] = column[i]!;
    return;
  }
  for (let i = 0; i < length; i++) into.push(column[i]!);
}

/** A plain array of `numbers`: a loop, where Array.from walks an iterator. */
function toList(numbers: Numbers): number[] {
  const list = new Array<number>(numbers.length);
  for (let i = 0; i < numbers.length; i++) list[i] = numbers[i]!;
  return list;
}

/** The outcomes in `message` when it is an OutcomesTuple from the worker that holds `token`. */
export function fromOutcomesTuple(message: unknown, token: string): Outcomes | undefined {
  if (!Array.isArray(message) || message[0] !== token || message.length < 6) return undefined;
  if (typeof message[4] === 'number') return fromLoneOutcomes(message as unknown as LoneOutcomesTuple);
  const [, last, runningIndex, runningAt, numbers, values, errors, stdout, stderr] = message as unknown as ManyOutcomesTuple;
  const length = values === undefined ? numbers.length / (NUMBER_COLUMNS + 1) : numbers.length / NUMBER_COLUMNS;
  const column = (k: number): Numbers =>
    numbers instanceof Float64Array ? numbers.subarray(k * length, (k + 1) * length) : numbers.slice(k * length, (k + 1) * length);
  return {
    report: {
      jids: column(0),
      values: values ?? toList(column(NUMBER_COLUMNS)),
      errors: errors ?? [],
      started: column(1),
      finished: column(2),
      cputime: column(3),
      memory: column(4),
      stdout: stdout ?? [],
      stderr: stderr ?? [],
    },
    last,
    running: runningOf(runningIndex, runningAt),
  };
}

function fromLoneOutcomes([, last, runningIndex, runningAt, jid, started, finished, cputime, memory, value]: LoneOutcomesTuple): Outcomes {
  return {
    report: {
      jids: [jid],
      values: [value],
      errors: [],
      started: [started],
      finished: [finished],
      cputime: [cputime],
      memory: [memory],
      stdout: [],
      stderr: [],
    },
    last,
    running: runningOf(runningIndex, runningAt),
  };
}

/** The job a worker said it is on, from a tuple's two numbers (-1: none). */
function runningOf(index: number, at: number): Outcomes['running'] {
  return index < 0 ? undefined : { index, at };
}
