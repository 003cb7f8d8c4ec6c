/**
 * Where a Cloud made with `redis` sends its jobs: to the workers of a Redis server, through BullMQ.
 * Light: what a bad config would break is checked at `new Cloud` (options.ts refuses `redis` with
 * the simulator, a home or files 'memory'); ioredis, BullMQ and the service load on the first
 * request (dynamic import), so a worker, which loads the Cloud class for its jobs, never loads
 * them through this module. Redis unreachable rejects that request with ERR_REDIS_UNREACHABLE
 * within the connect timeout; the next request tries again.
 */
import type { Cloud, CloudBackend } from '../cloud.js';
import { errors } from '../errors.js';
import { CloudFiles } from '../files/cloud-files.js';
import { createFileStore } from '../files/files-config.js';
import type { CloudConfig } from '../types/job-options.js';
import type { JobService } from '../types/job-service.js';
import type { RedisService } from './redis-service.js';

export function createRedisBackend(_cloud: Cloud, config: CloudConfig): CloudBackend {
  return new RedisBackend(config);
}

class RedisBackend implements CloudBackend {
  readonly files: CloudFiles;
  readonly isSimulator = false;
  readonly #url: string;
  readonly #queue: string | undefined;
  #service: Promise<RedisService> | undefined;

  constructor(config: CloudConfig) {
    this.#url = config.redis!;
    this.#queue = config.queue;
    this.files = new CloudFiles(createFileStore(config.files));
  }

  /** The service, connected by the first request; one that could not connect is tried again by the next. */
  service(): Promise<JobService> {
    this.#service ??= import('./redis-service.js')
      .then(({ RedisService }) => RedisService.connect(this.#url, this.#queue))
      .catch((error: unknown) => {
        this.#service = undefined;
        throw error;
      });
    return this.#service;
  }

  async startSimulator(): Promise<void> {
    throw errors.badOption('simulator', true, 'false with redis: the jobs run on the Redis workers');
  }

  /** Ends the waits and quits the connections (the jobs go on in Redis); false when never connected. */
  async close(): Promise<boolean> {
    const service = await this.#service?.catch(() => undefined);
    this.#service = undefined;
    return service ? service.close() : false;
  }
}
