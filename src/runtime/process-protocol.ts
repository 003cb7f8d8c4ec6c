/** What the process executor and its child processes say over IPC. Shapes only. */
import type { WireBatch } from '../types/executor.js';
import type { OutcomeReport } from '../types/job-outcome.js';

export type ToChild =
  | { batch: WireBatch }
  | { nested: unknown };

export type FromChild =
  /** Sent as jobs end, a few milliseconds' worth at a time; `last` closes the batch. */
  | { outcomes: OutcomeReport; last: boolean }
  | { nested: unknown };

/** Set in a worker process's environment; its entry checks it. */
export const WORKER_PROCESS_ENV = 'NIMBUS_WORKER_PROCESS';
