/**
 * A job's record as SQLite holds it, both ways: the lean row of what is the job's own, joined
 * with its submission's shared fields. Values that are plain strings and numbers are stored as
 * SQLite values; anything else as v8-serialised bytes.
 */
import { deserialize, serialize } from 'node:v8';
import type { JobInfo } from '../types/job-info.js';
import type { Packed, RemoteError } from '../types/job-outcome.js';
import type { ResourceType } from '../types/job-options.js';
import type { JobStatus } from '../types/job-status.js';
import type { StoredJob } from '../types/job-store.js';

/** What a submission's jobs share, as JSON in `submissions.common`. */
interface Common {
  priority: number;
  fn: string;
  created: number;
  memoryLimit?: number;
  dependsOn: number[];
}

export interface JobRow {
  jid: number;
  status: JobStatus;
  started: number | null;
  finished: number | null;
  cputime: number | null;
  memory: number | null;
  attempts: number;
  stdout: string | null;
  stderr: string | null;
  exception: string | null;
  value: string | number | Buffer | null;
  dropped_bytes: number | null;
  payload: Buffer | null;
  type: ResourceType;
  cores: number;
  label: string | null;
  common: string;
}

/** The columns of a job joined with its submission, in the order JobRow names them. */
export const JOB_COLUMNS = `j.jid, j.status, j.started, j.finished, j.cputime, j.memory, j.attempts, j.stdout, j.stderr,
  j.exception, j.value, j.dropped_bytes, j.payload, s.type, s.cores, s.label, s.common`;

export function commonOf(info: JobInfo): string {
  const common: Common = { priority: info.priority, fn: info.fn, created: info.created, memoryLimit: info.memoryLimit, dependsOn: info.dependsOn };
  return JSON.stringify(common);
}

export function rowToJob(row: JobRow): StoredJob {
  return {
    info: rowToInfo(row),
    value: decodeValue(row.value),
    payload: row.payload ?? undefined,
    droppedBytes: row.dropped_bytes ?? undefined,
  };
}

export function rowToInfo(row: JobRow): JobInfo {
  const common = JSON.parse(row.common) as Common;
  const started = row.started ?? undefined;
  const finished = row.finished ?? undefined;
  return {
    jid: row.jid,
    status: row.status,
    type: row.type,
    cores: row.cores,
    priority: common.priority,
    label: row.label ?? undefined,
    fn: common.fn,
    created: common.created,
    started,
    finished,
    runtime: started !== undefined && finished !== undefined ? finished - started : undefined,
    cputime: row.cputime ?? undefined,
    memory: row.memory ?? undefined,
    memoryLimit: common.memoryLimit,
    stdout: row.stdout ?? '',
    stderr: row.stderr ?? '',
    exception: row.exception === null ? undefined : (JSON.parse(row.exception) as RemoteError),
    dependsOn: common.dependsOn,
    attempts: row.attempts,
  };
}

/**
 * The parameters of the update statements (see SqliteJobStore), in their order: what changes
 * while a job lives; the payload only while it may run again (`live`). A result larger than
 * `maxBytes` is not kept, only its size.
 */
export function updateParams(job: StoredJob, owner: string, maxBytes: number, live: boolean): unknown[] {
  const params = changingValues(job, maxBytes);
  if (live) params.push(job.payload ?? null);
  params.push(job.info.jid, owner);
  return params;
}

/** The parameters of the insert of a complete job's record (see SqliteJobStore), in their order. */
export function insertParams(job: StoredJob, sub: number, owner: string, maxBytes: number): unknown[] {
  return [job.info.jid, sub, owner, ...changingValues(job, maxBytes)];
}

/** The columns a job's life changes, status to dropped_bytes, in the order of the statements. */
function changingValues(job: StoredJob, maxBytes: number): unknown[] {
  const { info } = job;
  const { value, dropped } = encodeValue(job.value, maxBytes);
  return [
    info.status,
    info.started ?? null,
    info.finished ?? null,
    info.cputime ?? null,
    info.memory ?? null,
    info.attempts,
    info.stdout || null,
    info.stderr || null,
    info.exception === undefined ? null : JSON.stringify(info.exception),
    value,
    dropped,
  ];
}

function encodeValue(value: Packed, maxBytes: number): { value: string | number | Buffer | null; dropped: number | null } {
  if (value === undefined) return { value: null, dropped: null };
  if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return { value, dropped: null };
  if (typeof value === 'string' && Buffer.byteLength(value) <= maxBytes) return { value, dropped: null };
  const serialised = serialize(value);
  return serialised.length <= maxBytes ? { value: serialised, dropped: null } : { value: null, dropped: serialised.length };
}

function decodeValue(value: JobRow['value']): Packed {
  if (value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'string') return value;
  return deserialize(value) as Packed;
}
