/**
 * Every error nimbus raises, and every message it can say, in one place. Users catch by class:
 * `if (e instanceof CloudTimeoutError)`.
 */
import { isProxy } from 'node:util/types';
import type { JobFailure } from './types/job-service.js';

/** The base of every nimbus error: a bad input, a job that cannot be shipped, a closed runtime. */
export class CloudError extends Error {
  override name = 'CloudError';
}

/** A job did not end 'done': it threw, was killed, or stalled on a failed dependency. */
export class CloudException extends CloudError {
  override name = 'CloudException';
  readonly jid: number;
  readonly status: JobFailure['status'];
  /** The remote error's own name, message and stack, when the job threw. */
  readonly remoteName: string | undefined;
  readonly remoteMessage: string | undefined;
  readonly remoteStack: string | undefined;

  constructor(failure: JobFailure) {
    super(`Job ${failure.jid}: ${describeFailure(failure)}`);
    this.jid = failure.jid;
    this.status = failure.status;
    this.remoteName = failure.error?.name;
    this.remoteMessage = failure.error?.message;
    this.remoteStack = failure.error?.stack;
  }
}

/** A `timeout` passed before the jobs were complete; the jobs go on. */
export class CloudTimeoutError extends CloudError {
  override name = 'CloudTimeoutError';
  readonly timeout: number;

  constructor(timeout: number) {
    super(`timed out after ${timeout} ms; the jobs go on`);
    this.timeout = timeout;
  }
}

function describeFailure(failure: JobFailure): string {
  switch (failure.status) {
    case 'killed': return 'killed';
    case 'stalled': return 'could not start, a dependency failed';
    case 'error': return failure.error ? failure.error.message : 'error';
  }
}

/** Message factories: one table, one voice. */
export const errors = {
  unknownJid: (jid: number) => new CloudError(`unknown jid ${jid}: no such job (never created, or deleted)`),
  badJid: (where: string, value: unknown) =>
    new CloudError(`${where} must be a jid (a positive integer), got ${show(value)}`),
  notFunction: (value: unknown) => new CloudError(`call and map need a function, got ${show(value)}`),
  notIterable: (index: number, value: unknown) =>
    new CloudError(`map argument ${index + 1} must be iterable (an array, a Set, a generator...), got ${show(value)}`),
  badOption: (name: string, value: unknown, allowed: string) =>
    new CloudError(`${name} must be ${allowed}, got ${show(value)}`),
  unreadable: (where: string, thrown: unknown) =>
    new CloudError(`${where} could not be read: reading it threw ${describeThrown(thrown)}`),
  unknownOption: (where: string, name: string, known: readonly string[]) =>
    new CloudError(`${where} has no option '${name}'; known options: ${known.join(', ')}`),
  unshippableArgument: (where: string, reason: string) =>
    new CloudError(`${where} cannot be sent to a job: ${reason}`),
  unshippableResult: (reason: string) => `the job's return value cannot be sent back: ${reason}`,
  unreadableValue: (reason: string) => new CloudError(`a value sent to or from a job could not be read back: ${reason}`),
  unshippableFunction: (fnName: string, reason: string) =>
    new CloudError(`cannot ship function ${fnName || '(anonymous)'}: ${reason}`),
  neverFits: (needed: number, capacity: number, type: string) =>
    new CloudError(`a job of type ${type} with these cores needs ${needed} compute units, but this runtime has ${capacity}; it could never start`),
  dependencyNotDone: (jid: number) =>
    new CloudError(`jid ${jid} cannot depend on itself or on a later job`),
  deleteUnfinished: (jid: number) =>
    new CloudError(`job ${jid} is not complete; kill it or wait for it before deleting it`),
  resultNotKept: (jid: number, bytes: number, limit: number) =>
    new CloudError(`the result of job ${jid} (${Math.ceil(bytes / 2 ** 20)} MB) was larger than the job store keeps (${limit / 2 ** 20} MB): it can be read only in the process that ran the job`),
  switchWithJobs: () =>
    new CloudError('startSimulator: this cloud has unfinished jobs; wait for them or kill them first'),
  closedDuringWait: () => new CloudError('the cloud was closed while waiting'),
  badHome: (home: string, reason: string, cause?: unknown) =>
    new CloudError(`home ${show(home)} cannot be used: ${reason}; give a directory of your own (it is made if missing)`, { cause }),
  storeDamaged: (file: string, reason: string, cause: unknown) =>
    new CloudError(`the job store ${file} is damaged or is not a job store (${reason}): move it away (the jobs in it are lost) and nimbus starts a new one`, { cause }),
  storeFailed: (file: string, reason: string, cause: unknown) =>
    new CloudError(`the job store ${file} could not be written or read: ${reason}`, { cause }),
  storeVersion: (file: string, found: number, wanted: number) =>
    new CloudError(`the job store ${file} has layout version ${found}, this nimbus reads version ${wanted}: move it away and nimbus starts a new one`),
  storeLocked: (file: string, waitedMs: number, cause: unknown) =>
    new CloudError(`the job store ${file} stayed locked by another process for ${waitedMs} ms; try again when that process has finished writing`, { cause }),
  storeReadOnly: (file: string, cause?: unknown) =>
    new CloudError(`the job store ${file} is opened read-only (or cannot be written): it can be read, not changed`, { cause }),
  memoryExceeded: (type: string, limitMb: number) => ({
    name: 'MemoryLimitExceeded', message: `exceeded the ${type} memory limit of ${limitMb} MB`, stack: undefined,
  }),
  exitOutsideJob: (code: unknown) =>
    `process.exit(${code ?? ''}) was called by code whose job had ended: the worker is retired instead`,
  workerDied: (how: string) => ({ name: 'WorkerCrashed', message: `worker exited (${how})`, stack: undefined }),
  maxRuntimeExceeded: (jid: number, maxRuntime: number) => ({
    name: 'CloudTimeoutError', message: `job ${jid} exceeded its maxRuntime of ${maxRuntime} ms and was stopped`, stack: undefined,
  }),
};

/**
 * A value as it reads in an error message: short, and telling its type. It never runs the
 * value's own code (a getter, a Proxy trap), which may throw or answer differently each time.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
  if (isProxy(value)) return 'a Proxy';
  if (typeof value === 'function') return `a function ${ownData(value, 'name') || '(anonymous)'}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const ctor = constructorName(value);
  return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
}

/** What a thrown value says, for a message; never throws itself. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) {
    const name = ownData(thrown, 'name') ?? constructorName(thrown) ?? 'Error';
    const message = ownData(thrown, 'message');
    return message ? `${name}: ${message}` : name;
  }
  return show(thrown);
}

/** The name of the class an object was made by, read without running any getter. */
function constructorName(value: object): string | undefined {
  for (let proto: object | null = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
    if (typeof ctor === 'function') return ownData(ctor, 'name');
  }
  return undefined;
}

/** A string-valued data property of the object or its prototypes; a getter is not run. */
function ownData(value: object, key: string): string | undefined {
  for (let proto: object | null = value; proto !== null; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (descriptor) return typeof descriptor.value === 'string' ? descriptor.value : undefined;
  }
  return undefined;
}
