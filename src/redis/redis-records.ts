/**
 * The data layer of nimbus on Redis: every read and write of a queue's job records, chunks,
 * dependency edges, counts and worker registry (layout in redis-keys.ts). The client's service and
 * the worker host both use it; nothing else writes these keys. Each state change is one Lua script
 * (record-scripts.ts), so a dependency completing while a dependent is submitted is counted once,
 * a complete record never changes, and two workers never both run a job.
 */
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Redis } from 'ioredis';
import { errors, remoteErrors } from '../errors.js';
import type { Packed } from '../types/job-outcome.js';
import type { JobFilter, JobResult, Submission } from '../types/job-service.js';
import { argumentLists } from '../wire/submitted-args.js';
import type { UnfinishedCount } from '../types/job-store.js';
import type { JobStatus } from '../types/job-status.js';
import type { ShippedFunction } from '../types/shipped-function.js';
import { RESOURCE_PROFILES } from '../types/resource-profiles.js';
import { CHUNK_FIELDS, JOB_FIELDS, chunkRefsOf, completedArgs, failureOf, infoOf, optionsOf, unpackValue, workerOptionsOf } from './record-fields.js';
import { defineRecordScripts, type RecordScripts, type ScriptArg } from './record-scripts.js';
import { RedisKeys, WIRE_VERSION, formatJidList } from './redis-keys.js';
import type {
  ChunkContents,
  ChunkRef,
  ClaimResult,
  ClaimVerdict,
  CompletedJob,
  KillResult,
  RedisJobInfo,
  SubmitResult,
  TakeResult,
  UnfinishedStatus,
  WorkerIdentity,
  WorkerRecord,
} from './record-types.js';

export type * from './record-types.js';

/** Jids a list script scans per call: a long scan never holds Redis for long. */
const LIST_SCAN = 5_000;

/** Jids one read script call answers: a few ms of Redis at most. */
const READ_BATCH = 5_000;

/** A function's bytes and content id, made once per shipped function. */
const shippedBytes = new WeakMap<ShippedFunction, { bytes: Buffer; id: string }>();

export class RedisRecords {
  readonly keys: RedisKeys;
  readonly #redis: Redis;
  readonly #scripts: RecordScripts;
  /** Functions this client stored: their bytes are not sent again (unless Redis dropped them). */
  readonly #storedFns = new Set<string>();

  /** @param redis a connection in normal mode (not a subscriber); the scripts are defined on it */
  constructor(redis: Redis, queue: string) {
    this.#redis = redis;
    this.keys = new RedisKeys(queue);
    this.#scripts = defineRecordScripts(redis);
  }

  // ---- client side ----

  /**
   * Stores the function (once), the arguments (one blob per chunk of `chunkSize` jobs), the job
   * records and the dependency edges, in one script: a dependency that completes meanwhile is
   * counted right. Jobs whose dependencies are complete are queued (or stalled, when one failed
   * and dependsOnErrors is 'abort'); their chunks come back in `ready`, for the caller to add to
   * BullMQ. Rejects with errors.unknownJid for a dependency that does not exist.
   */
  async submit(submission: Submission, chunkSize: number): Promise<SubmitResult> {
    const { fn, options, parent } = submission;
    // Stored as a list per job, whatever the form: a chunk's blob is read back job by job.
    const argsList = argumentLists(submission.argsList);
    const shipped = bytesOf(fn);
    const blobs: Buffer[] = [];
    for (let start = 0; start < argsList.length; start += chunkSize) blobs.push(serialize(argsList.slice(start, start + chunkSize)));
    const args = (withFn: boolean): ScriptArg[] => [
      this.keys.prefix,
      argsList.length,
      chunkSize,
      shipped.id,
      withFn ? shipped.bytes : '',
      fn.name,
      options.type,
      options.cores,
      String(options.priority),
      options.label === undefined ? '0' : '1',
      options.label ?? '',
      options.dependsOn.join(','),
      options.dependsOnErrors,
      options.maxRuntime === undefined ? '' : String(options.maxRuntime),
      options.restartable ? '1' : '0',
      parent === undefined ? '' : parent,
      WIRE_VERSION,
      workerOptionsOf(options),
      ...blobs,
    ];
    let reply = (await this.#scripts.submit(...args(!this.#storedFns.has(shipped.id)))) as [number | string, unknown];
    if (reply[0] === 'nofn') reply = (await this.#scripts.submit(...args(true))) as [number | string, unknown];
    if (reply[0] === 'unknown') throw errors.unknownJid(Number(reply[1]));
    this.#storedFns.add(shipped.id);
    return { first: Number(reply[0]), ready: chunkRefsOf(reply[1]) };
  }

  /** The status of each jid; undefined for an unknown (never created, or deleted) one. */
  async status(jids: number[]): Promise<(JobStatus | undefined)[]> {
    const rows = await this.#read<string | null>(jids, 'status', 1, this.#scripts.read);
    return rows.map((status) => (status ?? undefined) as JobStatus | undefined);
  }

  /** The info of each jid (with `worker`, once one started it); undefined for an unknown one. */
  async info(jids: number[]): Promise<(RedisJobInfo | undefined)[]> {
    const jobs = this.#redis.pipeline();
    for (const jid of jids) jobs.hmget(this.keys.job(jid), ...JOB_FIELDS);
    const rows = await execute<(string | null)[]>(jobs);
    const chunkIds = [...new Set(rows.map((row) => row[1]).filter((id): id is string => id !== null))];
    const chunks = this.#redis.pipeline();
    for (const id of chunkIds) chunks.hmget(this.keys.chunk(id), ...CHUNK_FIELDS);
    const chunkRows = new Map((await execute<(string | null)[]>(chunks)).map((row, i) => [chunkIds[i]!, row]));
    return rows.map((row, i) => (row[0] === null ? undefined : infoOf(jids[i]!, row, chunkRows.get(row[1]!)!)));
  }

  /** The result of each jid: its value or its failure once complete; undefined while unfinished or unknown. */
  async results(jids: number[]): Promise<(JobResult | undefined)[]> {
    return (await this.statusesAndResults(jids)).results;
  }

  /** The status and the result (see results) of each jid, in one read: a wait that wants values reads each job once. */
  async statusesAndResults(jids: number[]): Promise<{ statuses: (JobStatus | undefined)[]; results: (JobResult | undefined)[] }> {
    const flat = await this.#read<Buffer | null>(jids, 'result', 3, this.#scripts.readBuffer);
    const statuses = jids.map((_, i) => flat[i * 3]?.toString() as JobStatus | undefined);
    const results = jids.map((jid, i): JobResult | undefined => {
      const text = statuses[i];
      if (text === 'done') return { ok: true, value: unpackValue(flat[i * 3 + 2] ?? null) };
      const failure = failureOf(jid, text ?? null, flat[i * 3 + 1]?.toString() ?? null);
      return failure && { ok: false, failure };
    });
    return { statuses, results };
  }

  /**
   * Reads `width` fields per jid with the read script, READ_BATCH jids per call (the calls go out
   * together): one reply per batch instead of one command per job, and no call holds Redis long.
   */
  async #read<T>(jids: number[], what: 'status' | 'result', width: number, script: (...args: ScriptArg[]) => Promise<unknown>): Promise<T[]> {
    const calls: Promise<unknown>[] = [];
    for (let start = 0; start < jids.length; start += READ_BATCH) {
      calls.push(script(this.keys.prefix, what, formatJidList(jids.slice(start, start + READ_BATCH))));
    }
    const replies = (await Promise.all(calls)) as T[][];
    const flat = replies.length === 1 ? replies[0]! : replies.flat();
    if (flat.length !== jids.length * width) throw new Error(`the read script answered ${flat.length} fields for ${jids.length} jobs`);
    return flat;
  }

  /**
   * Kills the unfinished ones of `jids` (every unfinished job when undefined) at once, in one
   * script: status 'killed', dependents stalled transitively (or made ready, with 'ignore'),
   * `done` and `kill` published. Unknown jids reject with errors.unknownJid before anything changes.
   * @param recursive also the jobs these started, transitively
   */
  async kill(jids: number[] | undefined, recursive = true): Promise<KillResult> {
    const mode = jids === undefined ? 'all' : recursive ? 'tree' : 'list';
    const reply = (await this.#scripts.kill(this.keys.prefix, mode, ...(jids ?? []))) as [unknown, unknown];
    if (reply[0] === 'unknown') throw errors.unknownJid(Number(reply[1]));
    return { killed: (reply[0] as number[]).map(Number), ready: chunkRefsOf(reply[1]) };
  }

  /** Forgets complete jobs; an unfinished one rejects with errors.deleteUnfinished, an unknown one with errors.unknownJid (nothing deleted then). */
  async delete(jids: number[]): Promise<void> {
    if (jids.length === 0) return;
    const [verdict, jid] = (await this.#scripts.delete(this.keys.prefix, ...jids)) as [string, string];
    if (verdict === 'unknown') throw errors.unknownJid(Number(jid));
    if (verdict === 'unfinished') throw errors.deleteUnfinished(Number(jid));
  }

  /** The jobs matching `filter`, newest first. */
  async list(filter: JobFilter): Promise<RedisJobInfo[]> {
    const found: number[] = [];
    if (filter.before === 1) return []; // no jid is smaller
    let from = filter.before === undefined ? 0 : filter.before - 1; // 0: the script starts at the newest jid
    do {
      const [jids, next] = (await this.#scripts.list(
        this.keys.prefix,
        from,
        LIST_SCAN,
        filter.limit - found.length,
        (filter.status ?? []).join(','),
        filter.label === undefined ? '0' : '1',
        filter.label ?? '',
      )) as [number[], number];
      found.push(...jids);
      from = next;
    } while (from > 0 && found.length < filter.limit);
    return (await this.info(found)).filter((info): info is RedisJobInfo => info !== undefined);
  }

  /** Unfinished jobs by status, type and cores (what load() adds up), read without a scan. */
  async counts(): Promise<UnfinishedCount[]> {
    const counts = await this.#redis.hgetall(this.keys.counts);
    return Object.entries(counts)
      .map(([field, count]) => {
        const [status, type, cores] = field.split('|');
        return { status: status as UnfinishedStatus, type: type as UnfinishedCount['type'], cores: Number(cores), count: Number(count) };
      })
      .filter((entry) => entry.count > 0);
  }

  /** The workers whose alive key exists; the registry forgets the others. */
  async liveWorkers(): Promise<WorkerRecord[]> {
    const registered = Object.entries(await this.#redis.hgetall(this.keys.workers));
    if (registered.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const [id] of registered) pipeline.exists(this.keys.alive(id));
    const alive = await execute<number>(pipeline);
    const dead = registered.filter((_, i) => alive[i] === 0).map(([id]) => id);
    if (dead.length > 0) await this.#redis.hdel(this.keys.workers, ...dead);
    return registered.filter((_, i) => alive[i] === 1).map(([, record]) => JSON.parse(record) as WorkerRecord);
  }

  // ---- worker side ----

  /**
   * Reads chunk `id` and, when `me` may run it (written with this WIRE_VERSION, its jobs within
   * `computeUnits`), claims `jids` of it (as `claim` does), in one script: a worker's first step
   * with each chunk BullMQ hands it.
   */
  async take(id: string, jids: number[], me: WorkerIdentity, maxRestarts: number, computeUnits: number): Promise<TakeResult> {
    const lost = remoteErrors.workerLost('{worker}');
    const reply = (await this.#scripts.takeBuffer(
      this.keys.prefix,
      me.id,
      maxRestarts,
      lost.name,
      lost.code!,
      lost.message,
      id,
      WIRE_VERSION,
      computeUnits,
      PER_CORE_UNITS,
      ...jids,
    )) as [Buffer, Buffer[]?, Buffer?, Buffer[]?, Buffer[]?];
    const [kind, flat, args, verdicts, ready] = reply;
    if (kind.toString() === 'gone') return { kind: 'gone' };
    const chunk: Record<string, string> = {};
    for (let i = 0; i + 1 < flat!.length; i += 2) chunk[flat![i]!.toString()] = flat![i + 1]!.toString();
    const contents = contentsOf(id, chunk, args!);
    if (kind.toString() === 'read') return { kind: 'read', contents };
    return {
      kind: 'taken',
      contents,
      claimed: { verdicts: verdicts!.map((verdict) => verdictOf(verdict.toString())), ready: chunkRefsOf(ready!.map(String)) },
    };
  }

  /** A shipped function by its id (ChunkContents.fnId); a worker keeps it, so it travels once per worker. */
  async shippedFunction(fnId: string): Promise<ShippedFunction> {
    const bytes = await this.#redis.getBuffer(this.keys.fn(fnId));
    if (bytes === null) throw new Error(`function ${fnId} is not in Redis: every job that could run it is complete`);
    return deserialize(bytes) as ShippedFunction;
  }

  /**
   * Claims jobs for `me`, one verdict each (see ClaimVerdict), in one script: a job is yours when
   * it is queued and free, or held by a dead worker (its alive key gone). One that was started on a
   * dead worker is run again when restartable with runs left (`maxRestarts` runs beyond the first),
   * else ended 'error' (worker lost). Takes the chunks of these jids off the ready set.
   */
  async claim(jids: number[], me: WorkerIdentity, maxRestarts: number): Promise<ClaimResult> {
    const lost = remoteErrors.workerLost('{worker}');
    const [verdicts, ready] = (await this.#scripts.claim(this.keys.prefix, me.id, maxRestarts, lost.name, lost.code!, lost.message, ...jids)) as [
      string[],
      unknown,
    ];
    return { verdicts: verdicts.map(verdictOf), ready: chunkRefsOf(ready) };
  }

  /** The jobs started at `at[i]` (epoch ms): 'processing', attempts + 1, worker = me; only those still claimed by me and unfinished. */
  async started(jids: number[], me: WorkerIdentity, at: number[]): Promise<void> {
    if (jids.length === 0) return;
    await this.#scripts.started(this.keys.prefix, me.id, workerName(me), ...jids.flatMap((jid, i) => [jid, at[i]!]));
  }

  /**
   * Writes outcomes in one script: each only when the job is unfinished and claimed by `me` (a
   * complete record never changes; a job re-taken from a worker deemed dead is not written twice).
   * Counts down dependents, stalls them transitively on a failure (unless dependsOnErrors
   * 'ignore'), publishes `done`. Returns the chunks made ready, for the caller to add to BullMQ.
   */
  async complete(jobs: CompletedJob[], me: WorkerIdentity): Promise<ChunkRef[]> {
    if (jobs.length === 0) return [];
    return chunkRefsOf(await this.#scripts.complete(this.keys.prefix, me.id, workerName(me), ...jobs.flatMap(completedArgs)));
  }

  /**
   * Jobs claimed by `me` and never started (the worker is stopping): queued again, claim cleared.
   * Returns their chunks, put back on the ready set; add them to BullMQ unless their BullMQ job
   * goes back to the queue by itself.
   */
  async returned(jids: number[], me: WorkerIdentity): Promise<ChunkRef[]> {
    if (jids.length === 0) return [];
    return chunkRefsOf(await this.#scripts.returned(this.keys.prefix, me.id, ...jids));
  }

  /** The chunks on the ready set (made ready, not claimed yet): a worker's sweep re-adds them to BullMQ. */
  async readyChunks(): Promise<ChunkRef[]> {
    const ids = await this.#redis.smembers(this.keys.ready);
    if (ids.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of ids) pipeline.hmget(this.keys.chunk(id), 'type', 'priority', 'count');
    const rows = await execute<(string | null)[]>(pipeline);
    return ids.flatMap((id, i) => {
      const [type, priority, count] = rows[i]!;
      return type === null ? [] : [{ id, type: type as ChunkRef['type'], priority: Number(priority), count: Number(count) }];
    });
  }

  /** Registers (or renews: the heartbeat) a worker; it counts as alive for `ttlMs` from now. */
  async register(worker: WorkerRecord, ttlMs: number): Promise<void> {
    await this.#redis
      .multi()
      .hset(this.keys.workers, worker.id, JSON.stringify(worker))
      .set(this.keys.alive(worker.id), '1', 'PX', Math.max(1, Math.round(ttlMs)))
      .exec();
  }

  /** A worker leaves: its record and alive key go at once. */
  async unregister(id: string): Promise<void> {
    await this.#redis.multi().hdel(this.keys.workers, id).del(this.keys.alive(id)).exec();
  }
}

/** `host:pid`, what info().worker shows. */
export function workerName(worker: WorkerIdentity): string {
  return `${worker.host}:${worker.pid}`;
}

/** What a chunk's hash and argument bytes say, as a worker reads them. */
function contentsOf(id: string, chunk: Record<string, string>, args: Buffer): ChunkContents {
  const first = Number(chunk.first);
  return {
    id,
    version: Number(chunk.v),
    fnId: chunk.fn!,
    fnName: chunk.fnName ?? '',
    jids: Array.from({ length: Number(chunk.count) }, (_, i) => first + i),
    args: deserialize(args) as Packed[],
    options: optionsOf(chunk),
    parent: chunk.parent === undefined ? undefined : Number(chunk.parent),
  };
}

/** The compute units of one core of each type, as the take script reads them ('c1=1,c2=2.5,...'). */
const PER_CORE_UNITS = Object.entries(RESOURCE_PROFILES)
  .map(([type, profile]) => `${type}=${profile.computeUnits}`)
  .join(',');

function verdictOf(text: string): ClaimVerdict {
  if (text.startsWith('held:')) return { kind: 'held', holder: text.slice(5) };
  return { kind: text as 'run' | 'rerun' | 'skip' | 'lost' };
}

function bytesOf(fn: ShippedFunction): { bytes: Buffer; id: string } {
  let shipped = shippedBytes.get(fn);
  if (!shipped) {
    const bytes = serialize(fn);
    shipped = { bytes, id: createHash('sha1').update(bytes).digest('hex') };
    shippedBytes.set(fn, shipped);
  }
  return shipped;
}

/** A pipeline's replies, or its first error. */
async function execute<T>(pipeline: ReturnType<Redis['pipeline']>): Promise<T[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply as T;
  });
}
