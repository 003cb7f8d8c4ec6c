/**
 * Every job's record, stored column by column and indexed by jid: typed arrays for the numbers,
 * plain arrays for what is not a number. A million jobs cost a few columns, not a million
 * objects. The table only stores: what a status may become is decided in transitions.ts.
 */
import type { ResourceType } from '../types/job-options.js';
import { RESOURCE_TYPES } from '../types/job-options.js';
import type { Packed, Primitive, RemoteError } from '../types/job-outcome.js';
import type { JobStatus } from '../types/job-status.js';
import type { ResolvedJobOptions, RetryPolicy, Submission } from '../types/job-service.js';
import { isOneArgumentEach, submittedCount } from '../wire/submitted-args.js';
import type { ShippedFunction } from '../types/shipped-function.js';

/** Status codes as stored; 0 marks a jid that does not exist (never created, or deleted). */
export const Code = {
  None: 0,
  Queued: 1,
  Processing: 2,
  Waiting: 3,
  Done: 4,
  Error: 5,
  Killed: 6,
  Stalled: 7,
} as const;
export type Code = (typeof Code)[keyof typeof Code];

export const STATUS_OF_CODE: readonly (JobStatus | undefined)[] = [undefined, 'queued', 'processing', 'waiting', 'done', 'error', 'killed', 'stalled'];

export function isCompleteCode(code: number): boolean {
  return code >= Code.Done;
}

const INITIAL_CAPACITY = 1024; // jobs

/** Bits of the `flags` column. */
export const Flag = {
  IgnoreDependencyErrors: 1,
  Restartable: 2,
  /** Travels in a batch of its own: it was in a batch that died without telling which job killed it. */
  RunAlone: 4,
  /** Its function returned a generator: its stream is its yields (job-streams.ts). */
  Generator: 8,
  /** Its function and arguments were dropped (it completed): what it held of its function is given back. */
  InputsReleased: 16,
  /** Its `args` entry is its one argument, not a list (a map over primitives: no list per job). */
  OneArgument: 32,
} as const;

/**
 * A function the jobs of a submission share. Jobs name it by index (`fnIndex`), so a map of a
 * million jobs writes one number per job where it wrote two references; the function itself is
 * dropped once no job may still run it (`holders` at 0), its name is kept for `info`.
 */
interface FunctionEntry {
  fn: ShippedFunction | undefined;
  readonly name: string;
  /** Jobs that may still run it: accepted, not yet released. */
  holders: number;
}

export class JobTable {
  /** The last jid handed out; jids start at 1 and only increase. */
  lastJid = 0;
  capacity = INITIAL_CAPACITY;

  // Numeric columns. They are replaced when the table grows: read them through the table,
  // never keep a reference across a call that may add jobs.
  status = new Uint8Array(INITIAL_CAPACITY);
  typeIndex = new Uint8Array(INITIAL_CAPACITY);
  flags = new Uint8Array(INITIAL_CAPACITY);
  /** Times the job was dispatched to a worker; 32 bits, so that any maxRestarts a job can reach is counted, never wrapped. */
  attempts = new Uint32Array(INITIAL_CAPACITY);
  /** How many jobs started this one's chain of parents: 0 for the user's own, capped at 255. */
  depth = new Uint8Array(INITIAL_CAPACITY);
  cores = new Uint32Array(INITIAL_CAPACITY);
  /** Dependencies that must still complete before the job may run. */
  pendingDependencies = new Int32Array(INITIAL_CAPACITY);
  /** The scheduler's id of the dispatched batch that holds the job; 0 while it holds none. */
  batch = new Uint32Array(INITIAL_CAPACITY);
  priority = new Float64Array(INITIAL_CAPACITY);
  maxRuntime = new Float64Array(INITIAL_CAPACITY); // ms, 0 = none
  created = new Float64Array(INITIAL_CAPACITY); // epoch ms
  started = new Float64Array(INITIAL_CAPACITY); // epoch ms, 0 = not yet
  finished = new Float64Array(INITIAL_CAPACITY); // epoch ms, 0 = not yet
  cputime = new Float64Array(INITIAL_CAPACITY); // ms, NaN = unknown
  memory = new Float64Array(INITIAL_CAPACITY); // bytes, NaN = unknown
  /** Times the job ran again after an error (its retry policy's count); restarts are not counted. */
  retried = new Uint32Array(INITIAL_CAPACITY);
  /** The job's entry in #functions; 0 = none. */
  fnIndex = new Uint32Array(INITIAL_CAPACITY);

  /** Functions by index; index 0 is no function. */
  readonly #functions: (FunctionEntry | undefined)[] = [undefined];

  // Columns of references. Every job has arguments and a value: those two are sized with the
  // table (writing by index into a sized array costs a fraction of growing it one job at a time).
  // The others mostly stay holes: only jobs that have one get an entry.
  args: Packed[] = sizedColumn(INITIAL_CAPACITY);
  value: Packed[] = sizedColumn(INITIAL_CAPACITY);
  error: (RemoteError | undefined)[] = [];
  stdout: (string | undefined)[] = [];
  stderr: (string | undefined)[] = [];
  label: (string | undefined)[] = [];
  dependsOn: (number[] | undefined)[] = [];
  dependents: (number[] | undefined)[] = [];
  /** Shared by the jobs of one submission: the same object, so batches compare them by reference. */
  retry: (RetryPolicy | undefined)[] = [];
  env: (Readonly<Record<string, string>> | undefined)[] = [];

  /** Reserves `count` new jids and returns the first. */
  allocate(count: number): number {
    const first = this.lastJid + 1;
    this.lastJid += count;
    if (this.lastJid >= this.capacity) this.#grow(this.lastJid + 1);
    return first;
  }

  exists(jid: number): boolean {
    return Number.isInteger(jid) && jid > 0 && jid <= this.lastJid && this.status[jid] !== Code.None;
  }

  /**
   * The status a user reads. A dispatched job is `Processing` in the table (it holds its batch's
   * compute units) but reads queued until it has started (`started` is set): processing means
   * running, as it did for PiCloud.
   */
  statusOf(jid: number): JobStatus {
    const code = this.status[jid]!;
    return code === Code.Processing && this.started[jid] === 0 ? 'queued' : STATUS_OF_CODE[code]!;
  }

  /**
   * Records a submission's jobs, `first` on (new jids, just allocated), one per entry of `argsList`, with what they share.
   * @param depth how deeply nested they are (0 when the user's code submitted them; capped at 255)
   */
  record(first: number, fn: ShippedFunction, argsList: Submission['argsList'], options: ResolvedJobOptions, depth: number, now: number): void {
    const end = first + submittedCount(argsList);
    const oneEach = isOneArgumentEach(argsList);
    const flags =
      (options.dependsOnErrors === 'ignore' ? Flag.IgnoreDependencyErrors : 0) |
      (options.restartable ? Flag.Restartable : 0) |
      (oneEach ? Flag.OneArgument : 0);
    // What every job of the submission shares fills its columns at once: a map of a million
    // jobs costs a few fills, not a million writes to each column.
    put(this.depth, Math.min(255, depth), first, end);
    put(this.typeIndex, RESOURCE_TYPES.indexOf(options.type), first, end);
    put(this.flags, flags, first, end);
    put(this.cores, options.cores, first, end);
    put(this.priority, options.priority, first, end);
    put(this.maxRuntime, options.maxRuntime ?? 0, first, end);
    put(this.created, now, first, end);
    put(this.cputime, NaN, first, end);
    put(this.memory, NaN, first, end);
    this.setFunction(first, end, fn);
    const args = this.args;
    const given: readonly Packed[] = oneEach ? argsList.items : argsList;
    for (let i = 0; i < given.length; i++) args[first + i] = given[i];
    if (options.label !== undefined) for (let jid = first; jid < end; jid++) this.label[jid] = options.label;
    if (options.retry !== undefined) for (let jid = first; jid < end; jid++) this.retry[jid] = options.retry;
    if (options.env !== undefined) for (let jid = first; jid < end; jid++) this.env[jid] = options.env;
  }

  /** Gives the jobs `first` to `end - 1` the function `fn`. */
  setFunction(first: number, end: number, fn: ShippedFunction): void {
    // Jobs submitted one by one (call in a loop) share one entry while it is live.
    let index = this.#functions.length - 1;
    if (this.#functions[index]?.fn !== fn) index = this.#functions.push({ fn, name: fn.name, holders: 0 }) - 1;
    this.#functions[index]!.holders += end - first;
    this.fnIndex.fill(index, first, end);
  }

  /** The job's function, until it completed. */
  fnOf(jid: number): ShippedFunction | undefined {
    return (this.flags[jid]! & Flag.InputsReleased) === 0 ? this.#functions[this.fnIndex[jid]!]?.fn : undefined;
  }

  /** The name of the job's function, as long as the job is known. */
  fnNameOf(jid: number): string | undefined {
    return this.#functions[this.fnIndex[jid]!]?.name;
  }

  /** The job's packed argument list, until it completed. */
  argsOf(jid: number): Packed {
    return (this.flags[jid]! & Flag.OneArgument) !== 0 ? [this.args[jid] as Primitive] : this.args[jid];
  }

  typeOf(jid: number): ResourceType {
    return RESOURCE_TYPES[this.typeIndex[jid]!]!;
  }

  /** Drops what a complete job no longer needs to run. */
  releaseInputs(jid: number): void {
    this.args[jid] = undefined;
    // Only where the job has one: a write to a hole of these sparse columns makes an entry, and a
    // million of them turn the column into a hash table (64 bytes and a lookup per job).
    clearEntry(this.retry, jid);
    clearEntry(this.env, jid);
    if ((this.flags[jid]! & Flag.InputsReleased) !== 0) return;
    this.flags[jid]! |= Flag.InputsReleased;
    const entry = this.#functions[this.fnIndex[jid]!];
    if (entry && --entry.holders === 0) entry.fn = undefined;
  }

  /** Forgets a job: afterwards it is unknown. */
  erase(jid: number): void {
    this.status[jid] = Code.None;
    this.releaseInputs(jid);
    this.value[jid] = undefined;
    clearEntry(this.error, jid);
    clearEntry(this.stdout, jid);
    clearEntry(this.stderr, jid);
    clearEntry(this.label, jid);
    this.fnIndex[jid] = 0;
    clearEntry(this.dependsOn, jid);
    clearEntry(this.dependents, jid);
  }

  #grow(needed: number): void {
    let capacity = this.capacity;
    while (capacity <= needed) capacity *= 2;
    this.capacity = capacity;
    this.status = grown(this.status, capacity);
    this.typeIndex = grown(this.typeIndex, capacity);
    this.flags = grown(this.flags, capacity);
    this.attempts = grown(this.attempts, capacity);
    this.depth = grown(this.depth, capacity);
    this.cores = grown(this.cores, capacity);
    this.pendingDependencies = grown(this.pendingDependencies, capacity);
    this.batch = grown(this.batch, capacity);
    this.priority = grown(this.priority, capacity);
    this.maxRuntime = grown(this.maxRuntime, capacity);
    this.created = grown(this.created, capacity);
    this.started = grown(this.started, capacity);
    this.finished = grown(this.finished, capacity);
    this.cputime = grown(this.cputime, capacity);
    this.memory = grown(this.memory, capacity);
    this.retried = grown(this.retried, capacity);
    this.fnIndex = grown(this.fnIndex, capacity);
    this.args.length = capacity;
    this.value.length = capacity;
  }
}

/** Clears a job's entry of a sparse column, only if it has one: writing into a hole would make one. */
function clearEntry(column: unknown[], jid: number): void {
  if (column[jid] !== undefined) column[jid] = undefined;
}

/** A column of references with room for `capacity` jobs, every slot a hole. */
function sizedColumn(capacity: number): Packed[] {
  const column: Packed[] = [];
  column.length = capacity;
  return column;
}

type TypedArray = Uint8Array | Uint32Array | Int32Array | Float64Array;

function grown<T extends TypedArray>(column: T, capacity: number): T {
  const next = new (column.constructor as new (length: number) => T)(capacity);
  next.set(column);
  return next;
}

/**
 * A column's value for the new jobs `first` to `end - 1`: one job (a `call`) by a plain write,
 * where a fill costs a call. A zero is there already: a jid is handed out once, and the rows a
 * column grows by are zeros (a map's fill of zeros would touch megabytes for nothing).
 */
function put(column: { [jid: number]: number; fill(value: number, start: number, end: number): unknown }, value: number, first: number, end: number): void {
  if (value === 0) return;
  if (end - first === 1) column[first] = value;
  else column.fill(value, first, end);
}
