/**
 * The exit codes of `nimbus`, one table, as the README documents them. Scripts branch on them, so
 * a code never changes meaning.
 */
import type { ErrorCode } from '../error-codes.js';
import type { JobStatus } from '../types/job-status.js';

export const EXIT = {
  /** Done as asked. */
  ok: 0,
  /** A job failed: `result` of a job that ended error, killed or stalled; `status --check` of one. */
  jobFailed: 1,
  /** The command line was wrong: an unknown command or option, a bad value, an unknown jid or file. */
  usage: 2,
  /** `result --timeout` passed before the job was complete (the job goes on). */
  timedOut: 3,
  /** Something else went wrong (the job store or a file could not be read...): see stderr. */
  failed: 4,
} as const;

/** The complete statuses that are not success. */
export const FAILED_STATUSES: readonly JobStatus[] = ['error', 'killed', 'stalled'];

type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The exit code of each error code: what was asked is wrong (usage), a job failed, a wait timed
 * out, or something underneath failed (a store, a disk, a network, the dashboard's port). Every
 * code has its line: a new code does not compile until it says how `nimbus` exits on it.
 */
export const EXIT_OF_CODE: Readonly<Record<ErrorCode, ExitCode>> = {
  ERR_BAD_OPTION: EXIT.usage,
  ERR_UNKNOWN_OPTION: EXIT.usage,
  ERR_BAD_ARGUMENT: EXIT.usage,
  ERR_NOT_FUNCTION: EXIT.usage,
  ERR_NOT_ITERABLE: EXIT.usage,
  ERR_BAD_JID: EXIT.usage,
  ERR_UNKNOWN_JID: EXIT.usage,
  ERR_BAD_DEPENDENCY: EXIT.usage,
  ERR_UNSHIPPABLE: EXIT.usage,
  ERR_NEVER_FITS: EXIT.usage,
  ERR_NOT_COMPLETE: EXIT.usage,
  ERR_IN_JOB: EXIT.usage,
  ERR_NOT_GENERATOR: EXIT.usage,
  ERR_NO_STREAM: EXIT.usage,
  ERR_CALLBACK_FAILED: EXIT.failed,
  ERR_BAD_FILE_NAME: EXIT.usage,
  ERR_FILE_NOT_FOUND: EXIT.usage,
  ERR_FILE_TOO_LARGE: EXIT.usage,
  ERR_FILE_CONFLICT: EXIT.usage,
  ERR_FILE_LINK: EXIT.usage,
  ERR_JOB_FAILED: EXIT.jobFailed,
  ERR_JOB_KILLED: EXIT.jobFailed,
  ERR_JOB_STALLED: EXIT.jobFailed,
  ERR_TIMEOUT: EXIT.timedOut,
  ERR_RESULT_NOT_KEPT: EXIT.failed,
  ERR_CLOSED: EXIT.failed,
  ERR_SOURCE_FAILED: EXIT.failed,
  ERR_LOCAL_FILE: EXIT.failed,
  ERR_STORE_FAILED: EXIT.failed,
  ERR_STORE_UNREACHABLE: EXIT.failed,
  ERR_NO_BUCKET: EXIT.failed,
  ERR_ACCESS_DENIED: EXIT.failed,
  ERR_BAD_CREDENTIALS: EXIT.failed,
  ERR_BAD_HOME: EXIT.usage,
  ERR_SQLITE_UNAVAILABLE: EXIT.failed,
  ERR_HOME_DAMAGED: EXIT.failed,
  ERR_HOME_FAILED: EXIT.failed,
  ERR_HOME_LOCKED: EXIT.failed,
  ERR_HOME_READ_ONLY: EXIT.failed,
  ERR_DASHBOARD_LISTEN: EXIT.failed,
  ERR_REDIS_UNREACHABLE: EXIT.failed,
  ERR_CLOUD: EXIT.failed,
};
