/**
 * Every job's record, stored column by column and indexed by jid: typed arrays for the numbers,
 * plain arrays for what is not a number. A million jobs cost a few columns, not a million
 * objects. The table only stores: what a status may become is decided in transitions.ts.
 */
import type { ResourceType } from '../types/job-options.js';
import { RESOURCE_TYPES } from '../types/job-options.js';
import type { Packed, RemoteError } from '../types/job-outcome.js';
import type { JobStatus } from '../types/job-status.js';
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
} as const;

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

  // Columns of references. Most stay holes: only jobs that have one get an entry.
  fn: (ShippedFunction | undefined)[] = [];
  fnName: (string | undefined)[] = [];
  args: Packed[] = [];
  value: Packed[] = [];
  error: (RemoteError | undefined)[] = [];
  stdout: (string | undefined)[] = [];
  stderr: (string | undefined)[] = [];
  label: (string | undefined)[] = [];
  dependsOn: (number[] | undefined)[] = [];
  dependents: (number[] | undefined)[] = [];

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

  typeOf(jid: number): ResourceType {
    return RESOURCE_TYPES[this.typeIndex[jid]!]!;
  }

  /** Drops what a complete job no longer needs to run. */
  releaseInputs(jid: number): void {
    this.fn[jid] = undefined;
    this.args[jid] = undefined;
  }

  /** Forgets a job: afterwards it is unknown. */
  erase(jid: number): void {
    this.status[jid] = Code.None;
    this.releaseInputs(jid);
    this.value[jid] = undefined;
    this.error[jid] = undefined;
    this.stdout[jid] = undefined;
    this.stderr[jid] = undefined;
    this.label[jid] = undefined;
    this.fnName[jid] = undefined;
    this.dependsOn[jid] = undefined;
    this.dependents[jid] = undefined;
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
  }
}

type TypedArray = Uint8Array | Uint32Array | Int32Array | Float64Array;

function grown<T extends TypedArray>(column: T, capacity: number): T {
  const next = new (column.constructor as new (length: number) => T)(capacity);
  next.set(column);
  return next;
}
