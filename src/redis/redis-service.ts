/**
 * A client's JobService on Redis: what `new Cloud({ redis })` asks (and what a job on a worker asks
 * through its host). Submissions become records and chunks (RedisRecords) and the ready chunks
 * BullMQ jobs (ChunkQueues); waits hear completions on the `done` channel (DoneWaits), never by
 * polling. It runs no job and holds no job state: any client of the same Redis and queue sees the
 * same jobs, and the jobs outlive it (close ends its waits and connections, never its jobs).
 */
import type { Redis } from 'ioredis';
import { CloudError, errors } from '../errors.js';
import { LoadTally } from '../runtime/load-tally.js';
import type { JobInfo } from '../types/job-info.js';
import type { JobFilter, JobService, RuntimeLoad, Submission, WaitRequest, WaitVerdict } from '../types/job-service.js';
import { submittedCount } from '../wire/submitted-args.js';
import type { JobStatus } from '../types/job-status.js';
import { ChunkQueues, chunkSize } from './chunk-queues.js';
import { DoneWaits } from './done-waits.js';
import { DoneFeed } from './done-feed.js';
import type { StatusChange } from '../types/status-change.js';
import { NIMBUS_VERSION } from './nimbus-version.js';
import { ConnectionHold, connectRedis, describeRedisUrl, type ConnectOptions } from './redis-connection.js';
import { DEFAULT_QUEUE } from './redis-keys.js';
import { RedisRecords, workerName, type WorkerRecord } from './redis-records.js';

/** How long the live workers' cores, which size chunks, are taken as known. */
const WORKERS_FRESH_MS = 1_000;

export interface RedisServiceParts {
  /** A connection in normal mode: the records, their scripts and the BullMQ queues. */
  redis: Redis;
  /** A connection of its own, subscribed by the service to the `done` channel. */
  subscriber: Redis;
  queue?: string;
  /** Whether the connections keep the process alive only while a request or wait is in flight; default true. */
  holdWhileBusy?: boolean;
  /** Shown in the error a failing connection makes. */
  url?: string;
}

export class RedisService implements JobService {
  readonly records: RedisRecords;
  readonly queues: ChunkQueues;
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #waits: DoneWaits;
  readonly #feed: DoneFeed;
  readonly #hold: ConnectionHold | undefined;
  readonly #where: string;
  #subscribed: Promise<unknown>;
  #workers: { at: number; list: Promise<WorkerRecord[]> } | undefined;
  #closed = false;

  /** Connects both connections within the connect timeout, or rejects with ERR_REDIS_UNREACHABLE. */
  static async connect(url: string, queue = DEFAULT_QUEUE, options: ConnectOptions = {}): Promise<RedisService> {
    const [redis, subscriber] = await Promise.allSettled([connectRedis(url, options), connectRedis(url, options)]);
    if (redis.status === 'rejected' || subscriber.status === 'rejected') {
      for (const connection of [redis, subscriber]) if (connection.status === 'fulfilled') connection.value.disconnect();
      throw redis.status === 'rejected' ? redis.reason : (subscriber as PromiseRejectedResult).reason;
    }
    const service = new RedisService({ redis: redis.value, subscriber: subscriber.value, queue, url });
    await service.ready();
    return service;
  }

  /** Takes connections already made; the service owns them from now on (close quits them). */
  constructor(parts: RedisServiceParts) {
    this.#redis = parts.redis;
    this.#subscriber = parts.subscriber;
    this.#where = parts.url === undefined ? 'Redis' : describeRedisUrl(parts.url);
    this.records = new RedisRecords(parts.redis, parts.queue ?? DEFAULT_QUEUE);
    this.queues = new ChunkQueues(parts.redis, this.records.keys, NIMBUS_VERSION);
    this.#waits = new DoneWaits(this.records);
    this.#feed = new DoneFeed(
      (jids) => this.records.status(jids),
      (error) => process.emitWarning(`nimbus: cloud.events() could not read the statuses of jobs just complete: ${String(error)}`),
    );
    const { doneChannel: channel, valueChannel } = this.records.keys;
    this.#subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      this.#waits.heard(message);
      this.#feed.heard(message);
    });
    // A lone job's value comes just before `done` names it (complete.lua): its bytes, read as bytes.
    this.#subscriber.on('messageBuffer', (from: Buffer, message: Buffer) => {
      if (from.toString() === valueChannel) this.#waits.heardValue(message);
    });
    // ioredis subscribes again after a reconnect; what was published meanwhile is read again.
    let connectedOnce = false;
    this.#subscriber.on('ready', () => {
      if (connectedOnce) this.#waits.rereadAll();
      connectedOnce = true;
    });
    this.#hold = parts.holdWhileBusy === false ? undefined : new ConnectionHold([parts.redis, parts.subscriber]);
    const subscribe = () => this.#subscriber.subscribe(channel, valueChannel);
    this.#subscribed = this.#hold ? this.#hold.during(subscribe) : subscribe();
    // Whoever waits hears a failure to subscribe; unheard meanwhile, it is no unhandled rejection.
    this.#subscribed.catch(() => {});
  }

  /** Resolves once the service hears completions. */
  async ready(): Promise<void> {
    await this.#subscribed;
  }

  submit(submission: Submission): Promise<number> {
    return this.#request(async () => {
      const count = submittedCount(submission.argsList);
      const cores = count === 1 ? 1 : (await this.#liveWorkers()).reduce((sum, worker) => sum + worker.cores, 0);
      const { first, ready } = await this.records.submit(submission, chunkSize(count, cores));
      await this.queues.add(ready);
      return first;
    });
  }

  status(jids: number[]): Promise<JobStatus[]> {
    return this.#request(async () => known(jids, await this.records.status(jids)));
  }

  /** A wait holds the process until it settles: an aborted one lets it go at once. */
  wait(request: WaitRequest, signal?: AbortSignal): Promise<WaitVerdict> {
    return this.#request(async () => {
      await this.#subscribed;
      return this.#waits.wait(request, signal);
    });
  }

  kill(jids: number[] | undefined, recursive = true): Promise<void> {
    return this.#request(async () => {
      const { ready } = await this.records.kill(jids, recursive);
      await this.queues.add(ready);
    });
  }

  delete(jids: number[]): Promise<void> {
    return this.#request(() => this.records.delete(jids));
  }

  info(jids: number[]): Promise<JobInfo[]> {
    return this.#request(async () => known(jids, await this.records.info(jids)));
  }

  list(filter: JobFilter): Promise<JobInfo[]> {
    return this.#request(() => this.records.list(filter));
  }

  /** The live workers' compute units, and the jobs by status from the counts every script keeps. */
  load(): Promise<RuntimeLoad> {
    return this.#request(async () => {
      const [workers, counts] = await Promise.all([this.records.liveWorkers(), this.records.counts()]);
      const tally = new LoadTally(workers.reduce((sum, worker) => sum + worker.computeUnits, 0));
      for (const { status, type, cores, count } of counts) tally.add(status, type, cores, count);
      const listed = workers.map((worker) => ({
        name: workerName(worker),
        cores: worker.cores,
        computeUnits: worker.computeUnits,
        used: worker.load.computeUnits.used,
        beat: worker.beat,
      }));
      return { ...tally.load, workers: listed };
    });
  }

  /** The live workers, as registered (what the dashboard lists). */
  workers(): Promise<WorkerRecord[]> {
    return this.#request(() => this.records.liveWorkers());
  }

  /**
   * The completions of the queue's jobs (DoneFeed). A feed being read holds the process, as a wait
   * does: nothing else here would keep a script alive until the jobs it follows complete.
   */
  watchStatuses(listener: (change: StatusChange) => void): () => void {
    const remove = this.#feed.add(listener);
    let release!: () => void;
    const left = new Promise<void>((resolve) => (release = resolve));
    void this.#hold?.during(() => left);
    return () => {
      remove();
      release();
    };
  }

  /** Ends every wait with 'closed' and quits the connections; the jobs go on in Redis. */
  async close(): Promise<boolean> {
    if (this.#closed) return false;
    this.#closed = true;
    this.#waits.abandonAll();
    // Held while it closes: a script awaiting close() (the CLI does) must see it end, not exit with it unsettled.
    const quit = async () => {
      await this.queues.close().catch(() => {});
      await Promise.all([this.#subscriber, this.#redis].map((redis) => redis.quit().catch(() => redis.disconnect())));
    };
    await (this.#hold ? this.#hold.during(quit) : quit());
    return true;
  }

  #liveWorkers(): Promise<WorkerRecord[]> {
    const now = Date.now();
    if (!this.#workers || now - this.#workers.at > WORKERS_FRESH_MS) this.#workers = { at: now, list: this.records.liveWorkers() };
    return this.#workers.list;
  }

  /** A request: refused once closed, the process held while it runs, a lost connection told as ERR_REDIS_UNREACHABLE. */
  async #request<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw errors.closedDuringWait();
    try {
      return await (this.#hold ? this.#hold.during(work) : work());
    } catch (error) {
      if (error instanceof CloudError || !isConnectionError(error)) throw error;
      throw errors.redisUnreachable(this.#where, error);
    }
  }
}

/** The answers for jids that all exist; errors.unknownJid for the first that does not. */
function known<T>(jids: number[], answers: (T | undefined)[]): T[] {
  const missing = answers.indexOf(undefined);
  if (missing >= 0) throw errors.unknownJid(jids[missing]!);
  return answers as T[];
}

/** ioredis's errors for a connection that is gone (not a script's or a command's own error). */
function isConnectionError(error: unknown): boolean {
  const { name, message } = error as Error;
  return name === 'MaxRetriesPerRequestError' || message === 'Connection is closed.' || /ECONNREFUSED|ECONNRESET|ETIMEDOUT/.test(message ?? '');
}
