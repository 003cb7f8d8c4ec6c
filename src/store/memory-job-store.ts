/**
 * A job store in this process's memory, shared by every runtime given the same instance: the
 * durable store's semantics (shared jids, records readable by other runtimes, kill requests)
 * without a file. Nothing outlives the process, so no runtime is ever "gone" and `recover` has
 * nothing to do. It serves tests, and runtimes in one process that should see each other's jobs.
 * Each method does its work at once and answers through a promise, as the contract asks.
 */
import { serialize } from 'node:v8';
import type { JobInfo } from '../types/job-info.js';
import type { Packed, RemoteError } from '../types/job-outcome.js';
import type { JobFilter } from '../types/job-service.js';
import type { JobStore, NewJobs, RecoveredJob, StoredJob, UnfinishedCount } from '../types/job-store.js';
import { UNFINISHED } from '../types/job-store.js';

interface Entry {
  job: StoredJob;
  owner: string;
  killRequested: boolean;
}

interface Shared {
  nextJid: number;
  readonly jobs: Map<number, Entry>;
}

/** Results larger than this are not kept, as in a home. */
const MAX_RESULT_BYTES = 256 * 1024 * 1024;
/** No lease is ever taken: renewals only need to be rare. */
const HEARTBEAT_MS = 10_000;

export class MemoryJobStore implements JobStore {
  readonly readOnly = false;
  readonly maxResultBytes: number;
  readonly heartbeatMs = HEARTBEAT_MS;
  readonly #shared: Shared;
  readonly #owner: string;

  /** A store of its own; `joining` another makes this runtime's view of that one's records. */
  /** @param maxResultBytes results larger than this are not kept (tests make it small) */
  constructor(owner: string, joining?: MemoryJobStore, maxResultBytes = MAX_RESULT_BYTES) {
    this.#shared = joining ? joining.#shared : { nextJid: 1, jobs: new Map() };
    this.#owner = owner;
    this.maxResultBytes = maxResultBytes;
  }

  async reserve(count: number): Promise<number> {
    const first = this.#shared.nextJid;
    this.#shared.nextJid += count;
    return first;
  }

  async add(jobs: NewJobs): Promise<void> {
    return this.write([jobs], []);
  }

  #add({ first, count, info, payloads }: NewJobs): void {
    for (let i = 0; i < count; i++) {
      // As SQLite's INSERT OR IGNORE: a record saved before its add stays as it was saved.
      if (this.#shared.jobs.has(first + i)) continue;
      const job = { info: { ...info, jid: first + i }, value: undefined, payload: payloads?.[i] };
      this.#shared.jobs.set(first + i, { job: structuredClone(job), owner: this.#owner, killRequested: false });
    }
  }

  /** All or nothing: every record is copied (which is what can fail) before any is stored. */
  async write(adds: readonly NewJobs[], saves: readonly StoredJob[]): Promise<void> {
    // A complete record given with its add is stored as a save of a job not stored yet would be.
    const fresh = adds.flatMap((jobs) => jobs.records ?? []).filter((job) => !this.#shared.jobs.has(job.info.jid));
    const created = fresh.map((job) => this.#saved(job));
    const saved = saves.map((job) => this.#saved(job));
    for (const entry of created) if (entry) this.#shared.jobs.set(entry.job.info.jid, entry);
    for (const jobs of adds) if (jobs.records === undefined) this.#add(jobs);
    for (const entry of saved) if (entry) this.#shared.jobs.set(entry.job.info.jid, entry);
  }

  /**
   * The entry a save makes, or undefined when it changes nothing: as in SQLite, a complete record
   * never changes, nor one another runtime owns; a result too large is not kept, only its size.
   */
  #saved(job: StoredJob): Entry | undefined {
    const entry = this.#shared.jobs.get(job.info.jid);
    if (entry && (entry.owner !== this.#owner || !UNFINISHED.includes(entry.job.info.status))) return undefined;
    const payload = UNFINISHED.includes(job.info.status) ? (job.payload ?? entry?.job.payload) : undefined;
    const size = job.info.status === 'done' ? packedBytes(job.value) : 0;
    const kept = size > this.maxResultBytes ? { ...job, value: undefined, droppedBytes: size } : job;
    return { job: structuredClone({ ...kept, payload }), owner: this.#owner, killRequested: entry?.killRequested ?? false };
  }

  async get(jid: number): Promise<StoredJob | undefined> {
    const entry = this.#shared.jobs.get(jid);
    return entry && structuredClone(entry.job);
  }

  async list(filter: JobFilter): Promise<JobInfo[]> {
    return [...this.#shared.jobs.values()]
      .map((entry) => entry.job.info)
      .filter((info) => filter.before === undefined || info.jid < filter.before)
      .filter((info) => (!filter.status || filter.status.includes(info.status)) && (filter.label === undefined || info.label === filter.label))
      .sort((a, b) => b.jid - a.jid)
      .slice(0, filter.limit)
      .map((info) => structuredClone(info));
  }

  async delete(jids: readonly number[]): Promise<void> {
    for (const jid of jids) this.#shared.jobs.delete(jid);
  }

  async unfinishedCounts(): Promise<UnfinishedCount[]> {
    const counts = new Map<string, UnfinishedCount>();
    for (const {
      job: { info },
    } of this.#shared.jobs.values()) {
      if (!UNFINISHED.includes(info.status)) continue;
      const key = `${info.status}/${info.type}/${info.cores}`;
      const count = counts.get(key) ?? { status: info.status, type: info.type, cores: info.cores, count: 0 };
      count.count++;
      counts.set(key, count);
    }
    return [...counts.values()];
  }

  async requestKill(jids: readonly number[]): Promise<void> {
    for (const jid of jids) {
      const entry = this.#shared.jobs.get(jid);
      if (entry) entry.killRequested = true;
    }
  }

  async takeKillRequests(): Promise<number[]> {
    const jids: number[] = [];
    for (const [jid, entry] of this.#shared.jobs) {
      if (entry.owner !== this.#owner || !entry.killRequested || !UNFINISHED.includes(entry.job.info.status)) continue;
      entry.killRequested = false;
      jids.push(jid);
    }
    return jids;
  }

  /** Every runtime sharing this store lives in this process: none is gone. */
  async recover(_reason: RemoteError, _maxRestarts: number): Promise<RecoveredJob[]> {
    return [];
  }

  async isOrphaned(_jid: number): Promise<boolean> {
    return false;
  }

  async renewLease(): Promise<void> {}

  async releaseLease(): Promise<void> {}

  async close(): Promise<void> {}
}

/** A result's size as a store keeps it: a string's bytes, anything else serialised (a number costs nothing). */
function packedBytes(value: Packed): number {
  if (value === undefined || typeof value === 'number') return 0;
  if (typeof value === 'string') return Buffer.byteLength(value);
  return serialize(value).length;
}
