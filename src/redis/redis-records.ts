/**
 * The data layer of nimbus on Redis: every read and write of a queue's job records, chunks,
 * dependency edges, counts and worker registry (layout in redis-keys.ts). The client's service and
 * the worker host both use it; nothing else writes these keys. Each state change is one Lua script
 * (record-scripts.ts), so a dependency completing while a dependent is submitted is counted once,
 * a complete record never changes, and two workers never both run a job.
 */
import type { Redis } from 'ioredis';
import type { JobFilter, JobResult, Submission } from '../types/job-service.js';
import type { UnfinishedCount } from '../types/job-store.js';
import type { JobStatus } from '../types/job-status.js';
import type { ShippedFunction } from '../types/shipped-function.js';
import { RedisKeys } from './redis-keys.js';
import type {
  ChunkContents,
  ChunkRef,
  ClaimResult,
  CompletedJob,
  KillResult,
  RedisJobInfo,
  SubmitResult,
  WorkerIdentity,
  WorkerRecord,
} from './record-types.js';

export type * from './record-types.js';

const notYet = (): never => {
  throw new Error('not yet');
};

export class RedisRecords {
  readonly keys: RedisKeys;
  readonly #redis: Redis;

  /** @param redis a connection in normal mode (not a subscriber); the scripts are defined on it */
  constructor(redis: Redis, queue: string) {
    this.#redis = redis;
    this.keys = new RedisKeys(queue);
  }

  // ---- client side ----

  /**
   * Stores the function (once), the arguments (one blob per chunk of `chunkSize` jobs), the job
   * records and the dependency edges, in one script: a dependency that completes meanwhile is
   * counted right. Jobs whose dependencies are complete are queued (or stalled, when one failed
   * and dependsOnErrors is 'abort'); their chunks come back in `ready`, for the caller to add to
   * BullMQ. Rejects with errors.unknownJid for a dependency that does not exist.
   */
  submit(submission: Submission, chunkSize: number): Promise<SubmitResult> {
    void submission;
    void chunkSize;
    return Promise.resolve(notYet());
  }

  /** The status of each jid; undefined for an unknown (never created, or deleted) one. */
  status(jids: number[]): Promise<(JobStatus | undefined)[]> {
    void jids;
    return Promise.resolve(notYet());
  }

  /** The info of each jid (with `worker`, once one started it); undefined for an unknown one. */
  info(jids: number[]): Promise<(RedisJobInfo | undefined)[]> {
    void jids;
    return Promise.resolve(notYet());
  }

  /** The result of each jid: its value or its failure once complete; undefined while unfinished or unknown. */
  results(jids: number[]): Promise<(JobResult | undefined)[]> {
    void jids;
    return Promise.resolve(notYet());
  }

  /**
   * Kills the unfinished ones of `jids` (every unfinished job when undefined) at once, in one
   * script: status 'killed', dependents stalled transitively (or made ready, with 'ignore'),
   * `done` and `kill` published. Unknown jids reject with errors.unknownJid before anything changes.
   */
  kill(jids: number[] | undefined): Promise<KillResult> {
    void jids;
    return Promise.resolve(notYet());
  }

  /** Forgets complete jobs; an unfinished one rejects with errors.deleteUnfinished, an unknown one with errors.unknownJid (nothing deleted then). */
  delete(jids: number[]): Promise<void> {
    void jids;
    return Promise.resolve(notYet());
  }

  /** The jobs matching `filter`, newest first. */
  list(filter: JobFilter): Promise<RedisJobInfo[]> {
    void filter;
    return Promise.resolve(notYet());
  }

  /** Unfinished jobs by status, type and cores (what load() adds up), read without a scan. */
  counts(): Promise<UnfinishedCount[]> {
    void this.#redis;
    return Promise.resolve(notYet());
  }

  /** The workers whose alive key exists; the registry forgets the others. */
  liveWorkers(): Promise<WorkerRecord[]> {
    return Promise.resolve(notYet());
  }

  // ---- worker side ----

  /** A chunk's jobs, arguments and options; undefined once every job of it is complete (its args are gone). */
  chunk(id: string): Promise<ChunkContents | undefined> {
    void id;
    return Promise.resolve(notYet());
  }

  /** A shipped function by its id (ChunkContents.fnId); a worker keeps it, so it travels once per worker. */
  shippedFunction(fnId: string): Promise<ShippedFunction> {
    void fnId;
    return Promise.resolve(notYet());
  }

  /**
   * Claims jobs for `me`, one verdict each (see ClaimVerdict), in one script: a job is yours when
   * it is queued and free, or held by a dead worker (its alive key gone). One that was started on a
   * dead worker is run again when restartable with runs left (`maxRestarts` runs beyond the first),
   * else ended 'error' (worker lost). Takes the chunks of these jids off the ready set.
   */
  claim(jids: number[], me: WorkerIdentity, maxRestarts: number): Promise<ClaimResult> {
    void jids;
    void me;
    void maxRestarts;
    return Promise.resolve(notYet());
  }

  /** The jobs started at `at[i]` (epoch ms): 'processing', attempts + 1, worker = me; only those still claimed by me and unfinished. */
  started(jids: number[], me: WorkerIdentity, at: number[]): Promise<void> {
    void jids;
    void me;
    void at;
    return Promise.resolve(notYet());
  }

  /**
   * Writes outcomes in one script: each only when the job is unfinished and claimed by `me` (a
   * complete record never changes; a job re-taken from a worker deemed dead is not written twice).
   * Counts down dependents, stalls them transitively on a failure (unless dependsOnErrors
   * 'ignore'), publishes `done`. Returns the chunks made ready, for the caller to add to BullMQ.
   */
  complete(jobs: CompletedJob[], me: WorkerIdentity): Promise<ChunkRef[]> {
    void jobs;
    void me;
    return Promise.resolve(notYet());
  }

  /**
   * Jobs claimed by `me` and never started (the worker is stopping): queued again, claim cleared.
   * Returns their chunks, put back on the ready set; add them to BullMQ unless their BullMQ job
   * goes back to the queue by itself.
   */
  returned(jids: number[], me: WorkerIdentity): Promise<ChunkRef[]> {
    void jids;
    void me;
    return Promise.resolve(notYet());
  }

  /** The chunks on the ready set (made ready, not claimed yet): a worker's sweep re-adds them to BullMQ. */
  readyChunks(): Promise<ChunkRef[]> {
    return Promise.resolve(notYet());
  }

  /** Registers (or renews: the heartbeat) a worker; it counts as alive for `ttlMs` from now. */
  register(worker: WorkerRecord, ttlMs: number): Promise<void> {
    void worker;
    void ttlMs;
    return Promise.resolve(notYet());
  }

  /** A worker leaves: its record and alive key go at once. */
  unregister(id: string): Promise<void> {
    void id;
    return Promise.resolve(notYet());
  }
}
