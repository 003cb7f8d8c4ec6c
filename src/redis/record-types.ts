/**
 * The shapes RedisRecords takes and gives: what a client and a worker host say about chunks,
 * claims and outcomes. Plain data only.
 */
import type { JobInfo } from '../types/job-info.js';
import type { Isolation, ResourceType } from '../types/job-options.js';
import type { Packed } from '../types/job-outcome.js';
import type { ResolvedJobOptions, RuntimeLoad } from '../types/job-service.js';
import type { JobStatus } from '../types/job-status.js';

/** A chunk ready to run: what its BullMQ job carries. Its id is its first jid, as a string. */
export interface ChunkRef {
  id: string;
  type: ResourceType;
  priority: number;
  /** Jobs in it: the jids `Number(id)` to `Number(id) + count - 1`. */
  count: number;
}

/** A chunk's contents, as a worker reads them to run its jobs. */
export interface ChunkContents {
  id: string;
  /** The wire version it was written with (WIRE_VERSION of the client that submitted it). */
  version: number;
  /** The id of its function: fetch it with `records.shippedFunction(fnId)`, once per worker. */
  fnId: string;
  fnName: string;
  /** Its jids, consecutive; `args[i]` belongs to `jids[i]`. */
  jids: number[];
  args: Packed[];
  options: ResolvedJobOptions;
  /** The job that submitted them, when a job started jobs. */
  parent: number | undefined;
}

/** Who a worker is: `id` is unique per worker process (host, pid and a random part). */
export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
}

/** What a worker registers, and renews with each heartbeat. */
export interface WorkerRecord extends WorkerIdentity {
  /** The nimbus version (package.json) and the wire version it speaks. */
  version: string;
  wire: number;
  cores: number;
  computeUnits: number;
  isolation: Isolation;
  /** Its local runtime's load at the last beat. */
  load: RuntimeLoad;
  /** Epoch ms of the last beat. */
  beat: number;
}

/** What a claim says to do with one jid. */
export type ClaimVerdict =
  /** Queued and free, or claimed by a dead worker before it started: run it now (it is yours). */
  | { kind: 'run' }
  /** Started on a dead worker, restartable, restarts left: run it again (it is yours). */
  | { kind: 'rerun' }
  /** Complete (done, error, killed, stalled), deleted, or not ready: do not run it. */
  | { kind: 'skip' }
  /**
   * Held by a live worker (`holder`, maybe you): do not run it. When BullMQ handed you the chunk
   * because its holder stopped renewing the lock, the holder's alive key outlives the lock by up
   * to one heartbeat: claim it again after the alive TTL if it is still not complete.
   */
  | { kind: 'held'; holder: string }
  /** Started on a dead worker, not restartable (or out of restarts): the script ended it 'error' (worker lost). */
  | { kind: 'lost' };

export interface ClaimResult {
  /** One verdict per jid asked, in order. */
  verdicts: ClaimVerdict[];
  /** Chunks a lost job's end made ready (dependsOnErrors 'ignore'): add them to BullMQ. */
  ready: ChunkRef[];
}

/** What a worker's take of a chunk (RedisRecords.take) found. */
export type TakeResult =
  /** Every job of the chunk is complete already (its arguments are gone). */
  | { kind: 'gone' }
  /** Read, not claimed: it was written by another wire version, or its jobs need more compute units than the worker has. */
  | { kind: 'read'; contents: ChunkContents }
  /** Read, and its jobs asked for claimed. */
  | { kind: 'taken'; contents: ChunkContents; claimed: ClaimResult };

/** One job's outcome as a worker writes it. `jid` is the Redis jid; `info.status` is complete. */
export interface CompletedJob {
  jid: number;
  /** The local runtime's info of the job: status, started, finished, cputime, memory, memoryLimit, stdout, stderr, exception. */
  info: JobInfo;
  /** The packed value of a 'done' job (undefined otherwise). */
  value: Packed;
}

/** What `kill` did. */
export interface KillResult {
  /** The jids it killed (unfinished until then). */
  killed: number[];
  /** Chunks that dependents with dependsOnErrors 'ignore' made ready: add them to BullMQ. */
  ready: ChunkRef[];
}

/** What `submit` did. */
export interface SubmitResult {
  first: number;
  /** The chunks to add to BullMQ now (those whose dependencies are all complete). */
  ready: ChunkRef[];
}

/** A job's info as Redis tells it: JobInfo, with `worker` (`host:pid`) once a worker started it. */
export type RedisJobInfo = JobInfo;

export type UnfinishedStatus = Extract<JobStatus, 'queued' | 'waiting' | 'processing'>;
