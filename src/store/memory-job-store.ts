/**
 * A job store in this process's memory, shared by every runtime given the same instance: the
 * durable store's semantics (shared jids, records readable by other runtimes, kill requests)
 * without a file. Nothing outlives the process, so no runtime is ever "gone" and `recover` has
 * nothing to do. It serves tests, and runtimes in one process that should see each other's jobs.
 */
import type { ResourceType } from '../types/job-options.js';
import type { JobInfo } from '../types/job-info.js';
import type { RemoteError } from '../types/job-outcome.js';
import type { JobFilter } from '../types/job-service.js';
import type { JobStatus } from '../types/job-status.js';
import type { JobStore, NewJobs, RecoveredJob, StoredJob } from '../types/job-store.js';
import { UNFINISHED } from '../types/job-store.js';

interface Shared {
  nextJid: number;
  readonly jobs: Map<number, { job: StoredJob; owner: string; killRequested: boolean }>;
}

export class MemoryJobStore implements JobStore {
  readonly readOnly = false;
  readonly #shared: Shared;
  readonly #owner: string;

  /** A store of its own; `joining` another makes this runtime's view of that one's records. */
  constructor(owner: string, joining?: MemoryJobStore) {
    this.#shared = joining ? joining.#shared : { nextJid: 1, jobs: new Map() };
    this.#owner = owner;
  }

  reserve(count: number): number {
    const first = this.#shared.nextJid;
    this.#shared.nextJid += count;
    return first;
  }

  add({ first, count, info, payloads }: NewJobs): void {
    for (let i = 0; i < count; i++) {
      const job = { info: { ...info, jid: first + i }, value: undefined, payload: payloads?.[i] };
      this.#shared.jobs.set(first + i, { job: structuredClone(job), owner: this.#owner, killRequested: false });
    }
  }

  /** As in SQLite: a complete record never changes, nor one another runtime owns. */
  save(jobs: readonly StoredJob[]): void {
    for (const job of jobs) {
      const entry = this.#shared.jobs.get(job.info.jid);
      if (entry && (entry.owner !== this.#owner || !UNFINISHED.includes(entry.job.info.status))) continue;
      const payload = UNFINISHED.includes(job.info.status) ? job.payload ?? entry?.job.payload : undefined;
      this.#shared.jobs.set(job.info.jid, { job: structuredClone({ ...job, payload }), owner: this.#owner, killRequested: entry?.killRequested ?? false });
    }
  }

  batch(write: () => void): void {
    write();
  }

  quickly<T>(work: () => T): T {
    return work();
  }

  get(jid: number): StoredJob | undefined {
    const entry = this.#shared.jobs.get(jid);
    return entry && structuredClone(entry.job);
  }

  list(filter: JobFilter): JobInfo[] {
    return [...this.#shared.jobs.values()]
      .map((entry) => entry.job.info)
      .filter((info) => (!filter.status || filter.status.includes(info.status)) && (filter.label === undefined || info.label === filter.label))
      .sort((a, b) => b.jid - a.jid)
      .slice(0, filter.limit)
      .map((info) => structuredClone(info));
  }

  delete(jids: readonly number[]): void {
    for (const jid of jids) this.#shared.jobs.delete(jid);
  }

  unfinishedCounts(): { status: JobStatus; type: ResourceType; cores: number; count: number }[] {
    const counts = new Map<string, { status: JobStatus; type: ResourceType; cores: number; count: number }>();
    for (const { job: { info } } of this.#shared.jobs.values()) {
      if (!UNFINISHED.includes(info.status)) continue;
      const key = `${info.status}/${info.type}/${info.cores}`;
      const count = counts.get(key) ?? { status: info.status, type: info.type, cores: info.cores, count: 0 };
      count.count++;
      counts.set(key, count);
    }
    return [...counts.values()];
  }

  requestKill(jids: readonly number[]): void {
    for (const jid of jids) {
      const entry = this.#shared.jobs.get(jid);
      if (entry) entry.killRequested = true;
    }
  }

  takeKillRequests(): number[] {
    const jids: number[] = [];
    for (const [jid, entry] of this.#shared.jobs) {
      if (entry.owner !== this.#owner || !entry.killRequested || !UNFINISHED.includes(entry.job.info.status)) continue;
      entry.killRequested = false;
      jids.push(jid);
    }
    return jids;
  }

  /** Every runtime sharing this store lives in this process: none is gone. */
  recover(_reason: RemoteError, _maxRestarts: number): RecoveredJob[] {
    return [];
  }

  isOrphaned(_jid: number): boolean {
    return false;
  }

  renewLease(): void {}

  releaseLease(): void {}

  close(): void {}
}
