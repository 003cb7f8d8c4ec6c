/**
 * How a job's record is spelled in Redis, both ways: the fields of a job hash and of its chunk's
 * hash into a JobInfo, a failure or options; an outcome into a script's arguments. Numbers are
 * decimal text, '' or absent where unknown; an exception is JSON; a value is v8 bytes.
 */
import { deserialize, serialize } from 'node:v8';
import type { Jid } from '../types/jid.js';
import type { JobInfo } from '../types/job-info.js';
import type { ResourceType } from '../types/job-options.js';
import type { Packed, RemoteError } from '../types/job-outcome.js';
import type { JobFailure, ResolvedJobOptions } from '../types/job-service.js';
import type { JobStatus } from '../types/job-status.js';
import type { ChunkRef, CompletedJob } from './record-types.js';
import type { ScriptArg } from './record-scripts.js';

/** The fields of `P job:{jid}` that info reads, in this order. */
export const JOB_FIELDS = [
  'status',
  'chunk',
  'started',
  'finished',
  'cputime',
  'memory',
  'memoryLimit',
  'stdout',
  'stderr',
  'exception',
  'attempts',
  'worker',
] as const;
/** The fields of `P chunk:{id}` that info reads, in this order. */
export const CHUNK_FIELDS = ['type', 'cores', 'priority', 'label', 'fnName', 'created', 'dependsOn'] as const;

type Row = readonly (string | null)[];

function numberOf(text: string | null | undefined): number | undefined {
  return text === null || text === undefined || text === '' ? undefined : Number(text);
}

export function jidsOf(list: string | null | undefined): Jid[] {
  return list ? list.split(',').map(Number) : [];
}

export function exceptionOf(text: string | null | undefined): RemoteError | undefined {
  if (!text) return undefined;
  const parsed = JSON.parse(text) as RemoteError;
  return { name: parsed.name, message: parsed.message, stack: parsed.stack ?? undefined, ...(parsed.code === undefined ? {} : { code: parsed.code }) };
}

/** A job's info from its hash (JOB_FIELDS) and its chunk's (CHUNK_FIELDS). */
export function infoOf(jid: number, job: Row, chunk: Row): JobInfo {
  const [status, , started, finished, cputime, memory, memoryLimit, stdout, stderr, exception, attempts, worker] = job;
  const [type, cores, priority, label, fnName, created, dependsOn] = chunk;
  const startedAt = numberOf(started);
  const finishedAt = numberOf(finished);
  const info: JobInfo = {
    jid,
    status: status as JobStatus,
    type: type as ResourceType,
    cores: Number(cores),
    priority: Number(priority),
    label: label ?? undefined,
    fn: fnName ?? '',
    created: Number(created),
    started: startedAt,
    finished: finishedAt,
    runtime: startedAt !== undefined && finishedAt !== undefined ? finishedAt - startedAt : undefined,
    cputime: numberOf(cputime),
    memory: numberOf(memory),
    memoryLimit: numberOf(memoryLimit),
    stdout: stdout ?? '',
    stderr: stderr ?? '',
    exception: exceptionOf(exception),
    dependsOn: jidsOf(dependsOn),
    attempts: numberOf(attempts) ?? 0,
  };
  if (worker) info.worker = worker;
  return info;
}

/** Why a complete job is not 'done'; undefined for one that is done or unfinished. */
export function failureOf(jid: number, status: string | null, exception: string | null): JobFailure | undefined {
  if (status === 'error' || status === 'stalled') return { jid, status, error: exceptionOf(exception) };
  if (status === 'killed') return { jid, status, error: undefined };
  return undefined;
}

/** A chunk's hash as the options its jobs run with. */
export function optionsOf(chunk: Record<string, string>): ResolvedJobOptions {
  return {
    type: chunk.type as ResourceType,
    cores: Number(chunk.cores),
    priority: Number(chunk.priority),
    label: chunk.label,
    dependsOn: jidsOf(chunk.dependsOn),
    dependsOnErrors: chunk.dependsOnErrors === 'ignore' ? 'ignore' : 'abort',
    maxRuntime: numberOf(chunk.maxRuntime),
    restartable: chunk.restartable === '1',
    ...(chunk.workerOptions ? (JSON.parse(chunk.workerOptions) as WorkerOptions) : {}),
  };
}

/** The options only the worker that runs a chunk reads (it retries and sets the env itself). */
type WorkerOptions = Pick<ResolvedJobOptions, 'retry' | 'env'>;

/** A submission's WorkerOptions as the chunk's `workerOptions` field: JSON, or '' when it has none. */
export function workerOptionsOf(options: ResolvedJobOptions): string {
  if (options.retry === undefined && options.env === undefined) return '';
  return JSON.stringify({ retry: options.retry, env: options.env } satisfies WorkerOptions);
}

/** A script's flat list (id, type, priority, count, ...) as ChunkRefs. */
export function chunkRefsOf(flat: unknown): ChunkRef[] {
  const list = flat as string[];
  const refs: ChunkRef[] = [];
  for (let i = 0; i + 3 < list.length; i += 4) {
    refs.push({ id: String(list[i]), type: list[i + 1] as ResourceType, priority: Number(list[i + 2]), count: Number(list[i + 3]) });
  }
  return refs;
}

const text = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '' : String(value));

/** The 11 arguments of complete.lua for one job. */
export function completedArgs(job: CompletedJob): ScriptArg[] {
  const { info } = job;
  return [
    job.jid,
    info.status,
    text(info.started),
    text(info.finished),
    text(info.cputime),
    text(info.memory),
    text(info.memoryLimit),
    info.stdout,
    info.stderr,
    info.exception ? JSON.stringify(info.exception) : '',
    info.status === 'done' ? packValue(job.value) : '',
  ];
}

export function packValue(value: Packed): Buffer {
  return serialize(value);
}

export function unpackValue(bytes: Buffer | null): Packed {
  return bytes === null || bytes.length === 0 ? undefined : (deserialize(bytes) as Packed);
}
