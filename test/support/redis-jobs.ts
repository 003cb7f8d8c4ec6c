/**
 * Driving the Redis records by hand in tests: submissions of a trivial function, and the worker's
 * side (claim, started, complete) written as a worker would, without a worker.
 */
import { Redis } from 'ioredis';
import { resolveJobOptions } from '../../src/options.js';
import { RedisRecords, type CompletedJob, type WorkerIdentity, type WorkerRecord } from '../../src/redis/redis-records.js';
import { shipFunction } from '../../src/shipping/ship-function.js';
import type { JobInfo } from '../../src/types/job-info.js';
import type { JobOptions } from '../../src/types/job-options.js';
import type { Packed, RemoteError } from '../../src/types/job-outcome.js';
import type { Submission } from '../../src/types/job-service.js';
import { packArguments } from '../../src/wire/payload.js';

const identity = (x: unknown) => x;

/** One job per item of `items`, running identity(item). */
export function submission(items: readonly unknown[], options: JobOptions = {}): Submission {
  return { fn: shipFunction(identity), argsList: items.map((item) => packArguments([item]) as Packed), options: resolveJobOptions(options) };
}

export const worker = (name: string): WorkerIdentity => ({ id: `${name}-id`, host: name, pid: 100 });

/** Registers `who` as alive for `ttlMs`. */
export async function beat(records: RedisRecords, who: WorkerIdentity, ttlMs = 60_000): Promise<void> {
  const record: WorkerRecord = {
    ...who,
    version: 'test',
    wire: 1,
    cores: 2,
    computeUnits: 5,
    isolation: 'thread',
    load: { computeUnits: { used: 0, total: 5, byType: {} }, running: {}, queued: 0, waiting: 0 },
    beat: Date.now(),
  };
  await records.register(record, ttlMs);
}

function outcome(jid: number, status: 'done' | 'error', value: Packed, exception: RemoteError | undefined): CompletedJob {
  const now = Date.now();
  const info = {
    jid,
    status,
    started: now - 5,
    finished: now,
    cputime: 1,
    memory: undefined,
    memoryLimit: 300,
    stdout: 'out',
    stderr: '',
    exception,
  } as unknown as JobInfo;
  return { jid, info, value };
}

export const done = (jid: number, value: Packed = jid): CompletedJob => outcome(jid, 'done', value, undefined);
export const failed = (jid: number, message = 'boom'): CompletedJob => outcome(jid, 'error', undefined, { name: 'Error', message, stack: undefined });

/** Claims, starts and completes jobs as `who` would. */
export async function run(records: RedisRecords, who: WorkerIdentity, jobs: CompletedJob[]) {
  await records.claim(
    jobs.map((job) => job.jid),
    who,
    3,
  );
  await records.started(
    jobs.map((job) => job.jid),
    who,
    jobs.map(() => Date.now()),
  );
  return records.complete(jobs, who);
}

/** A connection and records of `queue`, closed by `close`. */
export function openRecords(url: string, queue = 'test'): { redis: Redis; records: RedisRecords; close: () => void } {
  const redis = new Redis(url);
  return { redis, records: new RedisRecords(redis, queue), close: () => redis.disconnect() };
}
