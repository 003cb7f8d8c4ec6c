/**
 * The layout of a home's jobs.sqlite and how a connection is set up. A submission (one `call`
 * or a slice of one `map`) is one row of `submissions` holding what its jobs share; each job is a
 * lean row of what is its own, so a million-job map writes a million small rows, not a million
 * JSON records. Owners hold leases: a runtime whose lease ran out is gone.
 */
import type Database from 'better-sqlite3';
import { errors } from '../errors.js';
import { UNFINISHED } from '../types/job-store.js';

/** Bumped when the layout changes; a database of another version is refused, not guessed at. */
export const SCHEMA_VERSION = 2;

/**
 * "The job is unfinished" in SQL. Partial indexes and the queries that use them must spell it
 * alike. An OR of equalities, not `status IN (...)`: SQLite builds an IN list's table on every
 * run of a statement, which tripled the cost of the update a job's record gets when it ends.
 */
export const UNFINISHED_SQL = `(${UNFINISHED.map((status) => `status = '${status}'`).join(' OR ')})`;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  INSERT OR IGNORE INTO meta (key, value) VALUES ('next_jid', 1);
  CREATE TABLE IF NOT EXISTS owners (
    owner TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    expires INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    count INTEGER NOT NULL,
    type TEXT NOT NULL,
    cores INTEGER NOT NULL,
    label TEXT,
    common TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS submissions_by_label ON submissions (label) WHERE label IS NOT NULL;
  CREATE TABLE IF NOT EXISTS jobs (
    jid INTEGER PRIMARY KEY,
    sub INTEGER NOT NULL,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    started REAL,
    finished REAL,
    cputime REAL,
    memory REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    stdout TEXT,
    stderr TEXT,
    exception TEXT,
    value BLOB,
    dropped_bytes INTEGER,
    payload BLOB,
    kill_requested INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS jobs_unfinished ON jobs (owner) WHERE status IN ${UNFINISHED_SQL};
  CREATE INDEX IF NOT EXISTS jobs_kill_requested ON jobs (owner) WHERE kill_requested = 1;
`;

/** Tries to set up a database another process may be setting up too. */
const INIT_ATTEMPTS = 100;
const INIT_RETRY_MS = 20;

/**
 * WAL mode, the schema, and a check that the file is a job store of this version. Switching to
 * WAL can fail with SQLITE_BUSY at once, without waiting for the busy timeout, when another
 * process opens the same new database at the same moment. `synchronous = NORMAL`: a commit
 * survives the process dying (what a job store guards against), without an fsync per commit.
 */
export function initialise(db: Database.Database, file: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const version = db.pragma('user_version', { simple: true }) as number;
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
      if (version !== SCHEMA_VERSION && tables.length > 0) throw errors.storeVersion(file, version, SCHEMA_VERSION);
      db.exec(`BEGIN IMMEDIATE; ${SCHEMA}; PRAGMA user_version = ${SCHEMA_VERSION}; COMMIT;`);
      return;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || attempt === INIT_ATTEMPTS) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, INIT_RETRY_MS);
    }
  }
}

/** A read-only connection checks the version and reads a little, so damage shows at once. */
export function checkReadable(db: Database.Database, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== SCHEMA_VERSION) throw errors.storeVersion(file, version, SCHEMA_VERSION);
  probe(db);
}

/** Reads the root and the last page of each table: a garbage or cut-short file fails here. */
export function probe(db: Database.Database): void {
  db.prepare("SELECT value FROM meta WHERE key = 'next_jid'").get();
  db.prepare('SELECT max(jid) FROM jobs').get();
  db.prepare('SELECT max(id) FROM submissions').get();
}
