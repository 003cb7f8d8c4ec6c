/**
 * The exit codes of `nimbus`, one table, as the README documents them. Scripts branch on them, so
 * a code never changes meaning.
 */
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
