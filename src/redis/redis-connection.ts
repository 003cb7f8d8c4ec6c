/**
 * Connecting to Redis with a bound on the wait: a server that refuses, never answers, or is not
 * Redis ends the connect with a CloudError ERR_REDIS_UNREACHABLE within the connect timeout, and
 * leaves no socket or retry timer behind (a script that gets the error can still exit). Once
 * connected, a dropped connection is retried with a backoff, as ioredis does.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { errors } from '../errors.js';

/** How long a first connect may take before Redis counts as unreachable. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export interface ConnectOptions {
  /** Default DEFAULT_CONNECT_TIMEOUT_MS, or NIMBUS_REDIS_CONNECT_TIMEOUT_MS when set. */
  connectTimeoutMs?: number;
  /**
   * Retries of a command while the connection is down: null (BullMQ's workers need it) waits for
   * the connection however long; a number fails the command after that many reconnects. Default 20.
   */
  maxRetriesPerRequest?: number | null;
  /** A name for the connection, shown by CLIENT LIST (the worker id, 'client'...). */
  name?: string;
}

/** The connect timeout: the option, else NIMBUS_REDIS_CONNECT_TIMEOUT_MS, else the default. */
export function connectTimeoutMs(given: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (given !== undefined) return given;
  const value = Number(env.NIMBUS_REDIS_CONNECT_TIMEOUT_MS);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_CONNECT_TIMEOUT_MS;
}

/** A connected client of `url`; rejects with errors.redisUnreachable when it cannot connect in time. */
export async function connectRedis(url: string, options: ConnectOptions = {}): Promise<Redis> {
  const timeout = connectTimeoutMs(options.connectTimeoutMs);
  let connected = false;
  const settings: RedisOptions = {
    lazyConnect: true,
    connectTimeout: timeout,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 20 : options.maxRetriesPerRequest,
    // Before the first connect, no retry: the caller hears at once. After it, back off up to 2 s.
    retryStrategy: (times) => (connected ? Math.min(times * 100, 2_000) : null),
    ...(options.name === undefined ? {} : { connectionName: options.name }),
  };
  const redis = new Redis(url, settings);
  // An 'error' event with no listener would crash the process; failures reach callers as rejections.
  redis.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout);
  });
  try {
    await Promise.race([redis.connect(), late]);
    connected = true;
    return redis;
  } catch (error) {
    redis.disconnect();
    throw errors.redisUnreachable(describeRedisUrl(url), error);
  } finally {
    clearTimeout(timer);
  }
}

/** A Redis URL as messages show it: scheme, host, port and db, never the password. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'the Redis URL given';
  }
}

/**
 * Keeps the process alive only while a request or a wait is in flight, as idle local workers do
 * not: a script that is done exits without closing its Cloud, and one that waits is not cut short.
 * Holds the sockets of its connections (a reconnect's new socket too).
 */
export class ConnectionHold {
  readonly #connections: readonly Redis[];
  #inFlight = 0;

  constructor(connections: readonly Redis[]) {
    this.#connections = connections;
    for (const redis of connections) redis.on('connect', () => this.#apply(redis));
    for (const redis of connections) this.#apply(redis);
  }

  /** Runs `work` with the process held alive. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    if (this.#inFlight++ === 0) for (const redis of this.#connections) this.#apply(redis);
    try {
      return await work();
    } finally {
      if (--this.#inFlight === 0) for (const redis of this.#connections) this.#apply(redis);
    }
  }

  #apply(redis: Redis): void {
    const socket = (redis as unknown as { stream?: { ref?: () => void; unref?: () => void } }).stream;
    if (this.#inFlight > 0) socket?.ref?.();
    else socket?.unref?.();
  }
}
