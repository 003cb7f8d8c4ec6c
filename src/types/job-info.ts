/** What `cloud.info(jid)` tells about one job. */
import type { Jid } from './jid.js';
import type { JobStatus } from './job-status.js';
import type { ResourceType } from './job-options.js';
import type { RemoteError } from './job-outcome.js';

export interface JobInfo {
  jid: Jid;
  status: JobStatus;
  type: ResourceType;
  cores: number;
  priority: number;
  label: string | undefined;
  /** The shipped function's name ('' for an anonymous one). */
  fn: string;
  /** Epoch milliseconds. */
  created: number;
  started: number | undefined;
  finished: number | undefined;
  /** Milliseconds between started and finished. */
  runtime: number | undefined;
  /** CPU milliseconds the job's own code used, where the executor can tell. */
  cputime: number | undefined;
  /** Peak bytes observed; undefined where the executor cannot measure it (threads, the simulator). */
  memory: number | undefined;
  /** The memory limit held for this job, in MB; undefined in the simulator, which holds none. */
  memoryLimit: number | undefined;
  stdout: string;
  stderr: string;
  exception: RemoteError | undefined;
  dependsOn: Jid[];
  /** Times the job was sent to a worker: more than 1 when it ran again after its worker died. */
  attempts: number;
  /** On Redis, the worker that ran the job (its last run): `host:pid`; absent elsewhere and before it starts. */
  worker?: string | undefined;
}

export type JobInfoField = keyof JobInfo;
