/**
 * The durable job store: one SQLite database (better-sqlite3, WAL) in the runtime's home
 * directory, shared by every process that uses that home. Jids are reserved in a transaction,
 * so two processes never hand out the same one; each runtime owns the jobs it accepted while its
 * lease lives, and the jobs of a runtime whose lease ran out are ended, or taken over when
 * restartable, by exactly one other runtime. Every SQLite failure leaves as a CloudError.
 * better-sqlite3 is synchronous: each method does its work at once and answers through a
 * promise, as the JobStore contract (made for stores across a network too) asks.
 */
import Database from 'better-sqlite3';
import { errors } from '../errors.js';
import type { JobInfo } from '../types/job-info.js';
import type { RemoteError } from '../types/job-outcome.js';
import type { JobFilter } from '../types/job-service.js';
import type { JobStatus } from '../types/job-status.js';
import type { JobStore, NewJobs, RecoveredJob, StoredJob, UnfinishedCount } from '../types/job-store.js';
import { UNFINISHED } from '../types/job-store.js';
import { prepareHome } from './home-dir.js';
import { JOB_COLUMNS, commonOf, insertParams, rowToInfo, rowToJob, updateParams, type JobRow } from './job-row.js';
import { THIS_HOST, heartbeatOf, isGone, leaseSettings, type Lease } from './lease.js';
import { UNFINISHED_SQL, checkReadable, initialise, probe } from './schema.js';
import { storeError } from './store-errors.js';

export { DATABASE_FILE } from './home-dir.js';
/** How long a call made by the user waits for another process's transaction before failing. */
const BUSY_TIMEOUT_MS = 10_000;
/** How long a timer's write waits for a lock: a lock held longer is tried again later. */
const QUICK_BUSY_TIMEOUT_MS = 20;
/** Results larger than this are not stored (SQLite's own limit is 1 GB a value). */
export const MAX_STORED_RESULT_BYTES = 256 * 1024 * 1024;

export interface SqliteStoreOptions {
  /** Open only to read: nothing is created or written (the CLI's reading commands). */
  readOnly?: boolean;
  /** Internal: how long an owner's lease lasts (default from lease.ts). */
  leaseMs?: number;
}

export class SqliteJobStore implements JobStore {
  readonly readOnly: boolean;
  readonly maxResultBytes: number;
  readonly heartbeatMs: number;
  readonly #file: string;
  readonly #db: Database.Database;
  /** This runtime: its process id, and an id of its own among the runtimes of that process. */
  readonly #owner: string;
  readonly #leaseMs: number;
  readonly #statements;
  #busyTimeoutMs = BUSY_TIMEOUT_MS;

  /** @param maxResultBytes results larger than this are not kept (tests make it small) */
  constructor(home: string, runtimeId: string, maxResultBytes = MAX_STORED_RESULT_BYTES, options: SqliteStoreOptions = {}) {
    this.readOnly = options.readOnly ?? false;
    this.maxResultBytes = maxResultBytes;
    const lease = leaseSettings();
    this.#leaseMs = options.leaseMs ?? lease.leaseMs;
    this.heartbeatMs = options.leaseMs === undefined ? lease.heartbeatMs : heartbeatOf(options.leaseMs);
    this.#owner = `${process.pid}:${runtimeId}`;
    this.#file = prepareHome(home, this.readOnly);
    this.#db = this.#open();
    this.#statements = this.#guard(() => this.#prepare());
  }

  #open(): Database.Database {
    let db: Database.Database | undefined;
    try {
      db = new Database(this.#file, { timeout: BUSY_TIMEOUT_MS, readonly: this.readOnly, fileMustExist: this.readOnly });
      if (this.readOnly) {
        checkReadable(db, this.#file);
      } else {
        initialise(db, this.#file);
        probe(db);
      }
      return db;
    } catch (error) {
      db?.close();
      throw storeError(this.#file, error, BUSY_TIMEOUT_MS);
    }
  }

  #prepare() {
    const db = this.#db;
    const unfinished = UNFINISHED_SQL;
    return {
      busyTimeout: db.prepare(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`),
      quickBusyTimeout: db.prepare(`PRAGMA busy_timeout = ${QUICK_BUSY_TIMEOUT_MS}`),
      nextJid: db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'next_jid'"),
      advance: db.prepare<[number]>("UPDATE meta SET value = value + ? WHERE key = 'next_jid'"),
      lease: db.prepare<[string, string, number, number]>(`INSERT INTO owners (owner, host, pid, expires) VALUES (?, ?, ?, ?)
        ON CONFLICT (owner) DO UPDATE SET expires = excluded.expires`),
      release: db.prepare<[string]>('DELETE FROM owners WHERE owner = ?'),
      leases: db.prepare<[], Lease>('SELECT owner, host, pid, expires FROM owners'),
      submission: db.prepare<[number, number, string, number, string | null, string]>(
        'INSERT OR REPLACE INTO submissions (id, count, type, cores, label, common) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      // A range of queued jobs in one statement: SQLite makes the rows, no call per job.
      addRange: db.prepare<[number, number, number, string]>(`WITH RECURSIVE range (jid) AS (SELECT ? UNION ALL SELECT jid + 1 FROM range WHERE jid < ?)
        INSERT OR IGNORE INTO jobs (jid, sub, owner, status) SELECT jid, ?, ?, 'queued' FROM range`),
      // A job complete before its range was written: one row as it is, not a queued row and an update.
      addComplete: db.prepare(`INSERT OR IGNORE INTO jobs (jid, sub, owner, status, started, finished, cputime, memory, attempts,
          stdout, stderr, exception, value, dropped_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      addOne: db.prepare<[number, number, string, string, Uint8Array | null]>(
        'INSERT OR IGNORE INTO jobs (jid, sub, owner, status, payload) VALUES (?, ?, ?, ?, ?)',
      ),
      // Only the owner's unfinished record changes: complete is final, and a job taken over is the taker's.
      updateLive: db.prepare(`UPDATE jobs SET status = ?, started = ?, finished = ?, cputime = ?, memory = ?, attempts = ?,
          stdout = ?, stderr = ?, exception = ?, value = ?, dropped_bytes = ?, payload = coalesce(?, payload)
        WHERE jid = ? AND owner = ? AND ${unfinished}`),
      // A complete job will not run again: its payload goes.
      updateFinal: db.prepare(`UPDATE jobs SET status = ?, started = ?, finished = ?, cputime = ?, memory = ?, attempts = ?,
          stdout = ?, stderr = ?, exception = ?, value = ?, dropped_bytes = ?, payload = NULL
        WHERE jid = ? AND owner = ? AND ${unfinished}`),
      exists: db.prepare<[number], { jid: number }>('SELECT jid FROM jobs WHERE jid = ?'),
      get: db.prepare<[number], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs j JOIN submissions s ON s.id = j.sub WHERE j.jid = ?`),
      delete: db.prepare<[number]>('DELETE FROM jobs WHERE jid = ?'),
      requestKill: db.prepare<[number]>(`UPDATE jobs SET kill_requested = 1 WHERE jid = ? AND ${unfinished}`),
      killNow: db.prepare<[number, number]>(`UPDATE jobs SET status = 'killed', finished = ?, payload = NULL WHERE jid = ? AND ${unfinished}`),
      killRequests: db.prepare<[string], { jid: number }>(`SELECT jid FROM jobs WHERE owner = ? AND kill_requested = 1 AND ${unfinished}`),
      clearKill: db.prepare<[number]>('UPDATE jobs SET kill_requested = 0 WHERE jid = ?'),
      counts: db.prepare<[], UnfinishedCount>(
        `SELECT j.status, s.type, s.cores, COUNT(*) AS count FROM jobs j JOIN submissions s ON s.id = j.sub
         WHERE ${unfinished} GROUP BY 1, 2, 3`,
      ),
      unfinishedOf: db.prepare<[string], { jid: number; status: JobStatus; attempts: number; restartable: number }>(
        `SELECT jid, status, attempts, payload IS NOT NULL AS restartable FROM jobs WHERE owner = ? AND ${unfinished} ORDER BY jid`,
      ),
      claim: db.prepare<[string, number, string]>("UPDATE jobs SET owner = ?, status = 'queued' WHERE jid = ? AND owner = ?"),
      endOrphan: db.prepare<[string, number, number, string]>(
        "UPDATE jobs SET status = 'error', exception = ?, finished = ?, payload = NULL WHERE jid = ? AND owner = ?",
      ),
      ownerOf: db.prepare<[number], { owner: string; host: string | null; pid: number | null; expires: number | null }>(
        `SELECT j.owner AS owner, o.host AS host, o.pid AS pid, o.expires AS expires FROM jobs j LEFT JOIN owners o ON o.owner = j.owner
         WHERE j.jid = ? AND ${unfinished}`,
      ),
    };
  }

  async reserve(count: number): Promise<number> {
    return this.#write(() =>
      this.#db
        .transaction(() => {
          const first = this.#statements.nextJid.get()!.value;
          this.#statements.advance.run(count);
          return first;
        })
        .immediate(),
    );
  }

  async add(jobs: NewJobs): Promise<void> {
    this.#write(() => this.#db.transaction(() => this.#add(jobs)).immediate());
  }

  /** New jobs, and this runtime's lease: whoever owns jobs holds one (renewing it costs one row). */
  #add({ first, count, info, payloads, records }: NewJobs): void {
    const s = this.#statements;
    s.lease.run(this.#owner, THIS_HOST, process.pid, Date.now() + this.#leaseMs);
    s.submission.run(first, count, info.type, info.cores, info.label ?? null, commonOf(info));
    if (records !== undefined) {
      for (const job of records) s.addComplete.run(...insertParams(job, first, this.#owner, this.maxResultBytes));
      return;
    }
    if (payloads === undefined) {
      s.addRange.run(first, first + count - 1, first, this.#owner);
      return;
    }
    for (let i = 0; i < count; i++) s.addOne.run(first + i, first, this.#owner, 'queued', payloads[i] ?? null);
  }

  #save(jobs: readonly StoredJob[]): void {
    const s = this.#statements;
    for (const job of jobs) {
      const live = UNFINISHED.includes(job.info.status);
      const update = live ? s.updateLive : s.updateFinal;
      const params = updateParams(job, this.#owner, this.maxResultBytes, live);
      if (update.run(...params).changes > 0 || s.exists.get(job.info.jid)) continue;
      // Not there yet (a record saved without being added): its own submission, then the update.
      this.#add({ first: job.info.jid, count: 1, info: job.info, payloads: job.payload ? [job.payload] : undefined });
      update.run(...params);
    }
  }

  async write(adds: readonly NewJobs[], saves: readonly StoredJob[]): Promise<void> {
    this.#quickly(() =>
      this.#write(() =>
        this.#db
          .transaction(() => {
            for (const jobs of adds) this.#add(jobs);
            this.#save(saves);
          })
          .immediate(),
      ),
    );
  }

  /** Runs `work` waiting only briefly for other processes' locks: for timers, which must not block. */
  #quickly<T>(work: () => T): T {
    if (this.#busyTimeoutMs === QUICK_BUSY_TIMEOUT_MS) return work();
    this.#setBusyTimeout(QUICK_BUSY_TIMEOUT_MS);
    try {
      return work();
    } finally {
      this.#setBusyTimeout(BUSY_TIMEOUT_MS);
    }
  }

  /** Through statements prepared once: `db.pragma` compiles its statement on every call, twice per write. */
  #setBusyTimeout(ms: typeof BUSY_TIMEOUT_MS | typeof QUICK_BUSY_TIMEOUT_MS): void {
    const s = this.#statements;
    (ms === QUICK_BUSY_TIMEOUT_MS ? s.quickBusyTimeout : s.busyTimeout).get();
    this.#busyTimeoutMs = ms;
  }

  async get(jid: number): Promise<StoredJob | undefined> {
    return this.#guard(() => {
      const row = this.#statements.get.get(jid);
      return row && rowToJob(row);
    });
  }

  async list(filter: JobFilter): Promise<JobInfo[]> {
    return this.#guard(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.status) {
        where.push(`j.status IN (${filter.status.map(() => '?').join(', ')})`);
        params.push(...filter.status);
      }
      if (filter.label !== undefined) {
        where.push('s.label = ?');
        params.push(filter.label);
      }
      if (filter.before !== undefined) {
        where.push('j.jid < ?');
        params.push(filter.before);
      }
      const sql = `SELECT ${JOB_COLUMNS} FROM jobs j JOIN submissions s ON s.id = j.sub
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY j.jid DESC LIMIT ?`;
      return this.#db
        .prepare<unknown[], JobRow>(sql)
        .all(...params, filter.limit)
        .map(rowToInfo);
    });
  }

  async delete(jids: readonly number[]): Promise<void> {
    this.#write(() =>
      this.#db
        .transaction(() => {
          for (const jid of jids) this.#statements.delete.run(jid);
        })
        .immediate(),
    );
  }

  async unfinishedCounts(): Promise<UnfinishedCount[]> {
    return this.#guard(() => this.#statements.counts.all());
  }

  async requestKill(jids: readonly number[]): Promise<void> {
    this.#write(() =>
      this.#db
        .transaction(() => {
          const now = Date.now();
          for (const jid of jids) {
            // Nobody would read the request of a runtime that is gone: the job is killed here and now.
            if (this.#orphaned(jid, now)) this.#statements.killNow.run(now, jid);
            else this.#statements.requestKill.run(jid);
          }
        })
        .immediate(),
    );
  }

  async takeKillRequests(): Promise<number[]> {
    return this.#quickly(() =>
      this.#write(() =>
        this.#db
          .transaction(() => {
            const jids = this.#statements.killRequests.all(this.#owner).map((row) => row.jid);
            for (const jid of jids) this.#statements.clearKill.run(jid);
            return jids;
          })
          .immediate(),
      ),
    );
  }

  async recover(reason: RemoteError, maxRestarts: number): Promise<RecoveredJob[]> {
    return this.#write(() => this.#db.transaction(() => this.#recover(JSON.stringify(reason), maxRestarts)).immediate());
  }

  /** Inside one IMMEDIATE transaction: no other process recovers between our look and our claim. */
  #recover(reason: string, maxRestarts: number): RecoveredJob[] {
    const s = this.#statements;
    const now = Date.now();
    // Our own lease first: the jobs we take must belong to a runtime others see alive.
    s.lease.run(this.#owner, THIS_HOST, process.pid, now + this.#leaseMs);
    const recovered: RecoveredJob[] = [];
    for (const lease of s.leases.all()) {
      if (lease.owner === this.#owner || !isGone(lease, now)) continue;
      for (const job of s.unfinishedOf.all(lease.owner)) {
        if (job.restartable && job.status !== 'waiting' && job.attempts <= maxRestarts) {
          s.claim.run(this.#owner, job.jid, lease.owner);
          const { info, payload } = rowToJob(s.get.get(job.jid)!);
          // A job seen processing ran at least once, even if its attempt was not written yet.
          const attempts = Math.max(info.attempts, job.status === 'processing' ? 1 : 0);
          recovered.push({ jid: job.jid, info: { ...info, attempts }, payload: payload! });
        } else {
          s.endOrphan.run(reason, now, job.jid, lease.owner);
        }
      }
      s.release.run(lease.owner);
    }
    return recovered;
  }

  async isOrphaned(jid: number): Promise<boolean> {
    return this.#guard(() => this.#orphaned(jid, Date.now()));
  }

  #orphaned(jid: number, now: number): boolean {
    const row = this.#statements.ownerOf.get(jid);
    if (!row || row.owner === this.#owner) return false;
    // No lease at all: its runtime was recovered from already, or never took one.
    if (row.expires === null) return true;
    return isGone({ owner: row.owner, host: row.host!, pid: row.pid!, expires: row.expires }, now);
  }

  async renewLease(): Promise<void> {
    this.#quickly(() => this.#write(() => this.#statements.lease.run(this.#owner, THIS_HOST, process.pid, Date.now() + this.#leaseMs)));
  }

  async releaseLease(): Promise<void> {
    this.#write(() => this.#statements.release.run(this.#owner));
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  /** A write: refused at once when read-only, SQLite's failures as CloudErrors. */
  #write<T>(work: () => T): T {
    if (this.readOnly) throw errors.storeReadOnly(this.#file);
    return this.#guard(work);
  }

  #guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw storeError(this.#file, error, this.#busyTimeoutMs);
    }
  }
}
