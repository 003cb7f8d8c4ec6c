/**
 * The durable job store: one SQLite database (better-sqlite3, WAL) in the runtime's home
 * directory, shared by every process that uses that home. Jids are reserved in a transaction,
 * so two processes never hand out the same one; each process owns the jobs it accepted, and the
 * jobs of a process that is gone are ended (or taken over, when restartable) by the next one.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { JobInfo } from '../types/job-info.js';
import type { Packed, RemoteError } from '../types/job-outcome.js';
import type { JobFilter } from '../types/job-service.js';
import type { ResourceType } from '../types/job-options.js';
import type { JobStatus } from '../types/job-status.js';
import type { JobStore, RecoveredJob, StoredJob } from '../types/job-store.js';
import { UNFINISHED } from '../types/job-store.js';

/** The database file inside a home directory. */
export const DATABASE_FILE = 'jobs.sqlite';
/** How long a writer waits for another process's transaction before failing. */
const BUSY_TIMEOUT_MS = 10_000;
/** Results larger than this are not stored (SQLite's own limit is 1 GB a value). */
export const MAX_STORED_RESULT_BYTES = 256 * 1024 * 1024;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  INSERT OR IGNORE INTO meta (key, value) VALUES ('next_jid', 1);
  CREATE TABLE IF NOT EXISTS jobs (
    jid INTEGER PRIMARY KEY,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    label TEXT,
    info TEXT NOT NULL,
    value BLOB,
    dropped_bytes INTEGER,
    payload BLOB,
    kill_requested INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status);
  CREATE INDEX IF NOT EXISTS jobs_by_label ON jobs (label);
  CREATE INDEX IF NOT EXISTS jobs_by_owner ON jobs (owner);
`;

interface Row {
  jid: number;
  owner: string;
  info: string;
  value: Uint8Array | null;
  dropped_bytes: number | null;
  payload: Uint8Array | null;
}

export class SqliteJobStore implements JobStore {
  readonly #db: Database.Database;
  /** This runtime: its process id, and an id of its own among the runtimes of that process. */
  readonly #owner: string;
  readonly #statements;

  readonly #maxResultBytes: number;

  /** @param maxResultBytes results larger than this are not kept (tests make it small) */
  constructor(home: string, runtimeId: string, maxResultBytes = MAX_STORED_RESULT_BYTES) {
    this.#maxResultBytes = maxResultBytes;
    mkdirSync(home, { recursive: true });
    this.#db = new Database(join(home, DATABASE_FILE), { timeout: BUSY_TIMEOUT_MS });
    initialise(this.#db);
    this.#owner = `${process.pid}:${runtimeId}`;
    const db = this.#db;
    this.#statements = {
      nextJid: db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'next_jid'"),
      advance: db.prepare<[number]>("UPDATE meta SET value = value + ? WHERE key = 'next_jid'"),
      upsert: db.prepare(`INSERT INTO jobs (jid, owner, status, label, info, value, dropped_bytes, payload)
        VALUES (@jid, @owner, @status, @label, @info, @value, @dropped_bytes, @payload)
        ON CONFLICT (jid) DO UPDATE SET owner = @owner, status = @status, label = @label, info = @info, value = @value,
          dropped_bytes = @dropped_bytes, payload = @payload`),
      get: db.prepare<[number], Row>('SELECT jid, owner, info, value, dropped_bytes, payload FROM jobs WHERE jid = ?'),
      delete: db.prepare<[number]>('DELETE FROM jobs WHERE jid = ?'),
      requestKill: db.prepare<[number]>('UPDATE jobs SET kill_requested = 1 WHERE jid = ?'),
      killRequests: db.prepare<[string], { jid: number }>(`SELECT jid FROM jobs WHERE owner = ? AND kill_requested = 1 AND status IN ${sqlList(UNFINISHED)}`),
      clearKill: db.prepare<[number]>('UPDATE jobs SET kill_requested = 0 WHERE jid = ?'),
      counts: db.prepare<[], { status: JobStatus; type: ResourceType; cores: number; count: number }>(
        `SELECT status, json_extract(info, '$.type') AS type, json_extract(info, '$.cores') AS cores, COUNT(*) AS count
         FROM jobs WHERE status IN ${sqlList(UNFINISHED)} GROUP BY 1, 2, 3`),
      unfinishedOwners: db.prepare<[], { owner: string }>(`SELECT DISTINCT owner FROM jobs WHERE status IN ${sqlList(UNFINISHED)}`),
      unfinishedOf: db.prepare<[string], Row>(`SELECT jid, owner, info, value, dropped_bytes, payload FROM jobs WHERE owner = ? AND status IN ${sqlList(UNFINISHED)} ORDER BY jid`),
    };
  }

  reserve(count: number): number {
    return this.#db.transaction(() => {
      const first = this.#statements.nextJid.get()!.value;
      this.#statements.advance.run(count);
      return first;
    }).immediate();
  }

  save(jobs: readonly StoredJob[]): void {
    this.#db.transaction(() => {
      for (const job of jobs) {
        const value = job.value === undefined ? null : serialize(job.value);
        const kept = value === null || value.length <= this.#maxResultBytes;
        this.#statements.upsert.run({
          jid: job.info.jid,
          owner: this.#owner,
          status: job.info.status,
          label: job.info.label ?? null,
          info: JSON.stringify(job.info),
          value: kept ? value : null,
          dropped_bytes: kept ? null : value.length,
          payload: job.payload ?? null,
        });
      }
    }).immediate();
  }

  get(jid: number): StoredJob | undefined {
    const row = this.#statements.get.get(jid);
    return row && rowToJob(row);
  }

  list(filter: JobFilter): JobInfo[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) {
      where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
      params.push(...filter.status);
    }
    if (filter.label !== undefined) {
      where.push('label = ?');
      params.push(filter.label);
    }
    const sql = `SELECT info FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY jid DESC LIMIT ?`;
    const rows = this.#db.prepare<unknown[], { info: string }>(sql).all(...params, filter.limit);
    return rows.map((row) => JSON.parse(row.info) as JobInfo);
  }

  delete(jids: readonly number[]): void {
    this.#db.transaction(() => {
      for (const jid of jids) this.#statements.delete.run(jid);
    })();
  }

  unfinishedCounts(): { status: JobStatus; type: ResourceType; cores: number; count: number }[] {
    return this.#statements.counts.all();
  }

  requestKill(jids: readonly number[]): void {
    this.#db.transaction(() => {
      const now = Date.now();
      for (const jid of jids) {
        const row = this.#statements.get.get(jid);
        if (!row) continue;
        if (isAlive(row.owner)) {
          this.#statements.requestKill.run(jid);
        } else {
          // Nobody would read the request: the job is killed here and now.
          const info: JobInfo = { ...(JSON.parse(row.info) as JobInfo), status: 'killed', finished: now };
          this.save([{ info, value: undefined, payload: undefined }]);
        }
      }
    }).immediate();
  }

  takeKillRequests(): number[] {
    return this.#db.transaction(() => {
      const jids = this.#statements.killRequests.all(this.#owner).map((row) => row.jid);
      for (const jid of jids) this.#statements.clearKill.run(jid);
      return jids;
    }).immediate();
  }

  recover(reason: RemoteError): RecoveredJob[] {
    return this.#db.transaction(() => {
      const recovered: RecoveredJob[] = [];
      const now = Date.now();
      for (const { owner } of this.#statements.unfinishedOwners.all()) {
        if (isAlive(owner)) continue;
        for (const row of this.#statements.unfinishedOf.all(owner)) {
          const job = rowToJob(row);
          if (job.payload && job.info.status !== 'waiting') {
            recovered.push({ jid: row.jid, payload: job.payload, info: job.info });
            continue;
          }
          const info: JobInfo = { ...job.info, status: 'error', exception: reason, finished: now };
          this.save([{ info, value: undefined, payload: undefined }]);
        }
      }
      return recovered;
    }).immediate();
  }

  close(): void {
    this.#db.close();
  }
}

/** Tries to set up a database another process may be setting up too. */
const INIT_ATTEMPTS = 100;
const INIT_RETRY_MS = 20;

/**
 * WAL mode and the schema. Switching to WAL can fail with SQLITE_BUSY at once, without waiting
 * for the busy timeout, when another process opens the same new database at the same moment.
 */
function initialise(db: Database.Database): void {
  for (let attempt = 1; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      db.exec(SCHEMA);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || attempt === INIT_ATTEMPTS) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, INIT_RETRY_MS);
    }
  }
}

function rowToJob(row: Row): StoredJob {
  return {
    info: JSON.parse(row.info) as JobInfo,
    value: row.value ? (deserialize(row.value) as Packed) : undefined,
    payload: row.payload ?? undefined,
    droppedBytes: row.dropped_bytes ?? undefined,
  };
}

/** Whether the process that owns some jobs still runs. */
function isAlive(owner: string): boolean {
  const pid = Number(owner.split(':')[0]);
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sqlList(values: readonly string[]): string {
  return `(${values.map((value) => `'${value}'`).join(', ')})`;
}
