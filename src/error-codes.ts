/**
 * The stable codes of nimbus's errors: what a program branches on (`e.code === 'ERR_UNKNOWN_JID'`),
 * one per situation, never per message. A code never changes meaning; the README lists each one.
 */

/** The code of a `CloudError` (and of its subclasses) that nimbus raises. */
export type ErrorCode =
  // What was asked is wrong: the call, an option, a jid.
  | 'ERR_BAD_OPTION'
  | 'ERR_UNKNOWN_OPTION'
  | 'ERR_BAD_ARGUMENT'
  | 'ERR_NOT_FUNCTION'
  | 'ERR_NOT_ITERABLE'
  | 'ERR_BAD_JID'
  | 'ERR_UNKNOWN_JID'
  | 'ERR_BAD_DEPENDENCY'
  | 'ERR_UNSHIPPABLE'
  | 'ERR_NEVER_FITS'
  | 'ERR_NOT_COMPLETE'
  | 'ERR_RESULT_NOT_KEPT'
  | 'ERR_IN_JOB'
  | 'ERR_NOT_GENERATOR'
  | 'ERR_NO_STREAM'
  | 'ERR_CLOSED'
  // Reported as a process warning, never thrown: a view's onDone or onError threw.
  | 'ERR_CALLBACK_FAILED'
  // Waiting: CloudTimeoutError, and CloudException by how the job ended.
  | 'ERR_TIMEOUT'
  | JobFailureCode
  // cloud.files.
  | 'ERR_BAD_FILE_NAME'
  | 'ERR_FILE_NOT_FOUND'
  | 'ERR_FILE_TOO_LARGE'
  | 'ERR_FILE_CONFLICT'
  | 'ERR_FILE_LINK'
  | 'ERR_SOURCE_FAILED'
  | 'ERR_LOCAL_FILE'
  | 'ERR_STORE_FAILED'
  | 'ERR_STORE_UNREACHABLE'
  | 'ERR_NO_BUCKET'
  | 'ERR_ACCESS_DENIED'
  | 'ERR_BAD_CREDENTIALS'
  // The home: the durable job store.
  | 'ERR_BAD_HOME'
  | 'ERR_SQLITE_UNAVAILABLE'
  | 'ERR_HOME_DAMAGED'
  | 'ERR_HOME_FAILED'
  | 'ERR_HOME_LOCKED'
  | 'ERR_HOME_READ_ONLY'
  // The dashboard.
  | 'ERR_DASHBOARD_LISTEN'
  // Redis (a Cloud with `redis`, `nimbus worker`).
  | 'ERR_REDIS_UNREACHABLE'
  // A CloudError made without a code (by code outside nimbus; nimbus always gives one).
  | 'ERR_CLOUD';

/** The code of a `CloudException`: how the job ended. */
export type JobFailureCode = 'ERR_JOB_FAILED' | 'ERR_JOB_KILLED' | 'ERR_JOB_STALLED';

/**
 * The code of a remote error the runtime itself ended a job with (`CloudException.remoteCode`,
 * `info().exception.code`). A job that threw keeps its own error's code instead, if it had one: a
 * CloudError's (`ERR_UNKNOWN_JID`), a system error's (`ENOENT`), any string `code`.
 */
export type RemoteErrorCode =
  'ERR_MAX_RUNTIME' | 'ERR_MEMORY_LIMIT' | 'ERR_WORKER_CRASHED' | 'ERR_RUNTIME_STOPPED' | 'ERR_UNSHIPPABLE' | 'ERR_WORKER_LOST' | 'ERR_WIRE_VERSION';
