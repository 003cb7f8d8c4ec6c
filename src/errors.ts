/**
 * Every error nimbus raises, and every message it can say, in one place. Users catch by class
 * (`e instanceof CloudTimeoutError`) or branch on the stable code (`e.code === 'ERR_UNKNOWN_JID'`,
 * see error-codes.ts); the messages below are for people and may be reworded.
 */
import type { ErrorCode, JobFailureCode, RemoteErrorCode } from './error-codes.js';
import { bytes, describeThrown, reason, show } from './error-text.js';
import type { RemoteError } from './types/job-outcome.js';
import type { JobFailure } from './types/job-service.js';

export type { ErrorCode, JobFailureCode, RemoteErrorCode } from './error-codes.js';
export { describeThrown, show } from './error-text.js';

export interface CloudErrorOptions extends ErrorOptions {
  /** Every error nimbus makes gives one; without it the code is 'ERR_CLOUD'. */
  code?: ErrorCode;
}

/** The base of every nimbus error: a bad input, a job that cannot be shipped, a closed runtime. */
export class CloudError extends Error {
  override name = 'CloudError';
  /** What happened, as a program branches on it; stable across versions, unlike the message. */
  readonly code: ErrorCode;

  constructor(message: string, options?: CloudErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = options?.code ?? 'ERR_CLOUD';
  }
}

/** A job did not end 'done': it threw, was killed, or stalled on a failed dependency. */
export class CloudException extends CloudError {
  override name = 'CloudException';
  /** 'ERR_JOB_FAILED' (status 'error'), 'ERR_JOB_KILLED' or 'ERR_JOB_STALLED'. */
  declare readonly code: JobFailureCode;
  readonly jid: number;
  readonly status: JobFailure['status'];
  /** The remote error's own name, message and stack, when the job threw. */
  readonly remoteName: string | undefined;
  readonly remoteMessage: string | undefined;
  readonly remoteStack: string | undefined;
  /** The remote error's code: the runtime's ('ERR_MAX_RUNTIME'...), or the thrown error's own ('ENOENT'). */
  readonly remoteCode: string | undefined;

  constructor(failure: JobFailure) {
    super(`Job ${failure.jid}: ${describeFailure(failure)}`, { code: FAILURE_CODES[failure.status] });
    this.jid = failure.jid;
    this.status = failure.status;
    this.remoteName = failure.error?.name;
    this.remoteMessage = failure.error?.message;
    this.remoteStack = failure.error?.stack;
    this.remoteCode = failure.error?.code;
  }
}

/** A `timeout` passed before the jobs were complete; the jobs go on. */
export class CloudTimeoutError extends CloudError {
  override name = 'CloudTimeoutError';
  declare readonly code: 'ERR_TIMEOUT';
  readonly timeout: number;

  constructor(timeout: number) {
    super(`timed out after ${timeout} ms; the jobs go on`, { code: 'ERR_TIMEOUT' });
    this.timeout = timeout;
  }
}

const FAILURE_CODES: Readonly<Record<JobFailure['status'], JobFailureCode>> = {
  error: 'ERR_JOB_FAILED',
  killed: 'ERR_JOB_KILLED',
  stalled: 'ERR_JOB_STALLED',
};

function describeFailure(failure: JobFailure): string {
  switch (failure.status) {
    case 'killed':
      return 'killed';
    case 'stalled':
      return 'could not start, a dependency failed';
    case 'error':
      return failure.error ? failure.error.message : 'error';
  }
}

/** The code of a nimbus error, or undefined for anything else. */
export function errorCode(error: unknown): ErrorCode | undefined {
  return error instanceof CloudError ? error.code : undefined;
}

const fail = (code: ErrorCode, message: string, cause?: unknown) => new CloudError(message, cause === undefined ? { code } : { code, cause });

/** Message factories: one table, one voice. Each returns the CloudError to throw, with its code. */
export const errors = {
  // The API: what a call was given.
  unknownJid: (jid: number) => fail('ERR_UNKNOWN_JID', `unknown jid ${jid}: no such job (never created, or deleted)`),
  badJid: (where: string, value: unknown) => fail('ERR_BAD_JID', `${where} must be a jid (a positive integer), got ${show(value)}`),
  notFunction: (value: unknown) => fail('ERR_NOT_FUNCTION', `call and map need a function, got ${show(value)}`),
  notIterable: (index: number, value: unknown) =>
    fail('ERR_NOT_ITERABLE', `map argument ${index + 1} must be iterable (an array, a Set, a generator...), got ${show(value)}`),
  noIterable: () => fail('ERR_NOT_ITERABLE', 'map needs at least one iterable after the function, as in map(fn, [1, 2, 3])'),
  badOption: (name: string, value: unknown, allowed: string) => fail('ERR_BAD_OPTION', `${name} must be ${allowed}, got ${show(value)}`),
  unreadable: (where: string, thrown: unknown) => fail('ERR_BAD_OPTION', `${where} could not be read: reading it threw ${describeThrown(thrown)}`),
  unknownOption: (where: string, name: string, known: readonly string[]) =>
    fail('ERR_UNKNOWN_OPTION', `${where} has no option '${name}'; known options: ${known.join(', ')}`),
  unshippableArgument: (where: string, why: string) => fail('ERR_UNSHIPPABLE', `${where} cannot be sent to a job: ${why}`),
  unreadableValue: (why: string) => fail('ERR_UNSHIPPABLE', `a value sent to or from a job could not be read back: ${why}`),
  unshippableFunction: (fnName: string, why: string) => fail('ERR_UNSHIPPABLE', `cannot ship function ${fnName || '(anonymous)'}: ${why}`),
  neverFits: (needed: number, capacity: number, type: string) =>
    fail('ERR_NEVER_FITS', `a job of type ${type} with these cores needs ${needed} compute units, but this runtime has ${capacity}; it could never start`),
  foreignDependency: (jid: number, status: string) =>
    fail('ERR_BAD_DEPENDENCY', `job ${jid} belongs to another process and is ${status}: a job can depend only on this runtime's jobs or on finished ones`),
  deleteUnfinished: (jid: number) => fail('ERR_NOT_COMPLETE', `job ${jid} is not complete; kill it or wait for it before deleting it`),
  switchWithJobs: () => fail('ERR_NOT_COMPLETE', 'startSimulator: this cloud has unfinished jobs; wait for them or kill them first'),
  resultNotKept: (jid: number, size: number, limit: number) =>
    fail(
      'ERR_RESULT_NOT_KEPT',
      `the result of job ${jid} (${Math.ceil(size / 2 ** 20)} MB) was larger than the job store keeps (${limit / 2 ** 20} MB): it can be read only in the process that ran the job`,
    ),
  notInJob: (what: string) => fail('ERR_IN_JOB', `${what} cannot be called inside a job`),
  closedDuringWait: () => fail('ERR_CLOSED', 'the cloud was closed while waiting'),
  notGenerator: (jid: number) =>
    fail('ERR_NOT_GENERATOR', `job ${jid} is not a generator: its stream has no values (its function returned one value: read it with result)`),
  noStream: () => fail('ERR_NO_STREAM', 'stream is not available with redis: read the values with result once the job is done'),
  // Never thrown: what a view's onDone or onError threw, reported as a process warning.
  callbackFailed: (callback: string, jid: number, thrown: unknown) =>
    fail('ERR_CALLBACK_FAILED', `the ${callback} callback of job ${jid} threw ${describeThrown(thrown)}; nimbus goes on`, thrown),
  // Following a view's jobs failed (the cloud went away, a kill was refused): reported as a process warning.
  followFailed: (doing: string, cause: unknown) => fail('ERR_CALLBACK_FAILED', `${doing} failed: ${reason(cause)}`, cause),

  // cloud.files: each names the file or path at fault and the rule or the cause.
  badFileName: (name: unknown, rule: string) => fail('ERR_BAD_FILE_NAME', `bad file name ${show(name)}: ${rule}`),
  badFilePrefix: (prefix: unknown, rule: string) => fail('ERR_BAD_FILE_NAME', `bad prefix ${show(prefix)}: ${rule}`),
  fileEscapes: (name: string, store: string) => fail('ERR_BAD_FILE_NAME', `file name ${show(name)} would lead outside the ${store}`),
  badLocalPath: (path: unknown) => fail('ERR_BAD_ARGUMENT', `the local path must be a non-empty string, got ${show(path)}`),
  badFileData: (data: unknown) => fail('ERR_BAD_ARGUMENT', `data must be a Buffer, a Uint8Array, a string or a Readable stream, got ${show(data)}`),
  localNotFile: (path: string) => fail('ERR_BAD_ARGUMENT', `local path ${path} is a directory, not a file`),
  fileMissing: (name: string, store: string) => fail('ERR_FILE_NOT_FOUND', `no file named ${show(name)} in the ${store}`),
  localMissing: (path: string) => fail('ERR_FILE_NOT_FOUND', `no local file at ${path}`),
  fileTooLarge: (name: string, size: number | undefined, limit: number) =>
    fail(
      'ERR_FILE_TOO_LARGE',
      `${show(name)} is ${size === undefined ? 'larger than' : `${bytes(size)}, over`} the limit of ${bytes(limit)} a file; nothing was stored`,
    ),
  // The disk and memory stores keep names as paths: 'a' and 'a/b' cannot both be stored there.
  nameUnderFile: (name: string, file: string, store: string) =>
    fail(
      'ERR_FILE_CONFLICT',
      `cannot store ${show(name)}: ${show(file)} is a stored file, and the ${store} keeps names as paths, so ${show(file + '/')} cannot also be a folder`,
    ),
  nameIsFolder: (name: string, store: string) =>
    fail(
      'ERR_FILE_CONFLICT',
      `cannot store ${show(name)}: it is the folder of other stored names (${show(name + '/')}) in the ${store}, which keeps names as paths`,
    ),
  // A symbolic link planted in the store's folder: followed, it could lead outside the store.
  writesThroughLink: (name: string, link: string, store: string) =>
    fail('ERR_FILE_LINK', `cannot store ${show(name)}: ${show(link)} is a symbolic link in the ${store}, which never writes through links; nothing was stored`),
  linkLeadsOutside: (name: string, store: string) =>
    fail('ERR_FILE_LINK', `${show(name)} is a symbolic link that leads outside the ${store}: the store does not read through it`),
  sourceFailed: (name: string, cause: unknown) =>
    fail('ERR_SOURCE_FAILED', `reading the data for ${show(name)} failed (${reason(cause)}); the stored file is unchanged`, cause),
  localFailed: (path: string, cause: unknown) => fail('ERR_LOCAL_FILE', `local file ${path}: ${reason(cause)}`, cause),
  // A file system's refusal (EACCES, EPERM) reads as S3's does: access denied.
  storeFailed: (doing: string, name: string, store: string, cause: unknown) =>
    fail(isDenial(cause) ? 'ERR_ACCESS_DENIED' : 'ERR_STORE_FAILED', `${doing} ${show(name)} on the ${store} failed: ${reason(cause)}`, cause),
  callFailed: (where: string, cause: unknown) => fail('ERR_STORE_FAILED', `${where}: ${reason(cause)}`, cause),
  notS3Answer: (doing: string, name: string, store: string, status: number, cause: unknown) =>
    fail(
      'ERR_STORE_FAILED',
      `${doing} ${show(name)} on the ${store} failed: the endpoint answered HTTP ${status} with no S3 error in it; is it an S3 server?`,
      cause,
    ),
  storeUnreachable: (store: string, cause: unknown, attempts: number | undefined) =>
    fail('ERR_STORE_UNREACHABLE', `the ${store} is unreachable (${reason(cause)}${attempts ? `; tried ${attempts} times` : ''})`, cause),
  noBucket: (store: string) => fail('ERR_NO_BUCKET', `the bucket of the ${store} does not exist: create it first`),
  accessDenied: (name: string, store: string, cause: unknown) =>
    fail('ERR_ACCESS_DENIED', `permission denied for ${show(name)} on the ${store} (${reason(cause)})`, cause),
  noCredentials: (store: string, cause: unknown) =>
    fail(
      'ERR_BAD_CREDENTIALS',
      `no AWS credentials for the ${store} (${reason(cause)}): give files.s3.credentials or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
      cause,
    ),
  badCredentials: (store: string, cause: unknown) =>
    fail(
      'ERR_BAD_CREDENTIALS',
      `the ${store} refused the credentials (${reason(cause)}): check files.s3.credentials or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
      cause,
    ),

  // The dashboard. A bad option reads as every option of nimbus does (badOption).
  tokenRequired: (host: string, minLength: number) =>
    fail(
      'ERR_BAD_OPTION',
      `the dashboard listens on ${host}, beyond this machine: give it a token of ${minLength} characters or more, which every request must carry`,
    ),
  // The token is a secret: the message tells its length, never its text.
  badToken: (token: unknown, minLength: number) =>
    fail(
      'ERR_BAD_OPTION',
      `the dashboard token must be a string of ${minLength} characters or more, got ${typeof token === 'string' ? `${token.length} characters` : show(token)}`,
    ),
  listenFailed: (host: string, port: number, cause: unknown) =>
    fail(
      'ERR_DASHBOARD_LISTEN',
      `the dashboard cannot listen on ${host}:${port}: ${(cause as Error).message ?? String(cause)}${(cause as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' (another server holds that port: pick another, or 0 for any free one)' : ''}`,
      cause,
    ),

  // Redis: the URL is shown without its password.
  redisUnreachable: (where: string, cause: unknown) =>
    fail('ERR_REDIS_UNREACHABLE', `Redis at ${where} is unreachable (${reason(cause)}): is the server running, and is the URL right?`, cause),

  // The home (the durable job store): each names the path or file and what to do.
  badHome: (home: string, reason: string, cause?: unknown) =>
    fail('ERR_BAD_HOME', `home ${show(home)} cannot be used: ${reason}; give a directory of your own (it is made if missing)`, cause),
  storeDamaged: (file: string, reason: string, cause: unknown) =>
    fail(
      'ERR_HOME_DAMAGED',
      `the job store ${file} is damaged or is not a job store (${reason}): move it away (the jobs in it are lost) and nimbus starts a new one`,
      cause,
    ),
  storeVersion: (file: string, found: number, wanted: number) =>
    fail(
      'ERR_HOME_DAMAGED',
      `the job store ${file} has layout version ${found}, this nimbus reads version ${wanted}: move it away and nimbus starts a new one`,
    ),
  sqliteUnavailable: (cause: unknown) =>
    fail(
      'ERR_SQLITE_UNAVAILABLE',
      `a home needs the package better-sqlite3, which could not be loaded (${reason(cause)}): install it (npm install better-sqlite3; ` +
        'where no prebuilt binary is found it compiles, with python3, make and a C++ compiler), or leave home unset',
      cause,
    ),
  homeFailed: (file: string, reason: string, cause: unknown) => fail('ERR_HOME_FAILED', `the job store ${file} could not be written or read: ${reason}`, cause),
  storeLocked: (file: string, waitedMs: number, cause: unknown) =>
    fail(
      'ERR_HOME_LOCKED',
      `the job store ${file} stayed locked by another process for ${waitedMs} ms; try again when that process has finished writing`,
      cause,
    ),
  storeReadOnly: (file: string, cause?: unknown) =>
    fail('ERR_HOME_READ_ONLY', `the job store ${file} is opened read-only (or cannot be written): it can be read, not changed`, cause),
};

function isDenial(cause: unknown): boolean {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

const remote = (code: RemoteErrorCode, name: string, message: string): RemoteError => ({ name, message, stack: undefined, code });

/**
 * What a job ends with when the runtime, not the job's code, ends it: plain data (a RemoteError),
 * as a job's own thrown error is, named for what happened and with its code.
 */
export const remoteErrors = {
  /** Not a job's error: what a worker says as it retires itself, when an ended job's code exits. */
  exitOutsideJob: (code: unknown) => `process.exit(${describeExitCode(code)}) was called by code whose job had ended: the worker is retired instead`,
  maxRuntimeExceeded: (maxRuntime: number) => remote('ERR_MAX_RUNTIME', 'MaxRuntimeExceeded', `exceeded its maxRuntime of ${maxRuntime} ms and was stopped`),
  memoryExceeded: (type: string, limitMb: number) => remote('ERR_MEMORY_LIMIT', 'MemoryLimitExceeded', `exceeded the ${type} memory limit of ${limitMb} MB`),
  workerDied: (how: string) => remote('ERR_WORKER_CRASHED', 'WorkerCrashed', `worker exited (${how})`),
  runtimeStopped: () => remote('ERR_RUNTIME_STOPPED', 'RuntimeStopped', 'runtime stopped before the job finished'),
  /** On Redis: the worker running the job stopped beating (killed, machine lost) and the job is not restartable. */
  workerLost: (worker: string) => remote('ERR_WORKER_LOST', 'WorkerLost', `the worker ${worker} running the job was lost (it stopped sending its heartbeat)`),
  /** On Redis: a worker refused a chunk written by a nimbus of another wire version. */
  wireVersion: (worker: string, chunk: string, mine: string) =>
    remote(
      'ERR_WIRE_VERSION',
      'WireVersionMismatch',
      `worker ${worker} runs nimbus ${mine} and refused a job written by nimbus ${chunk}: run workers of the same version as the clients`,
    ),
  unshippableResult: (why: string) => remote('ERR_UNSHIPPABLE', 'CloudError', `the job's return value cannot be sent back: ${why}`),
};

/** An exit code as `process.exit` was given it: a number, a string, or nothing. */
function describeExitCode(code: unknown): string {
  return typeof code === 'number' || typeof code === 'string' ? String(code) : '';
}
