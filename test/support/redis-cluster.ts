/**
 * A nimbus cluster for a test: its own redis-server, a queue name no other suite uses, and
 * `nimbus worker` processes; `cloud()` gives clients of it. `stop()` closes the clients, stops the
 * workers (checking that none left a process behind) and the server, in that order, even when one
 * step fails.
 */
import { Cloud, type CloudConfig } from '@nimbus-js/nimbus';
import { NimbusWorker, type WorkerOptions } from './nimbus-workers.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

/** How a worker of the cluster is sized and run; the cluster fills in where and which queue. */
export type WorkerSpec = Omit<WorkerOptions, 'redis' | 'queue'>;

export interface ClusterOptions {
  /** How many workers to start at once, each as `worker` says (default 1). */
  readonly workers?: number;
  readonly worker?: WorkerSpec;
  /** The server's port (default: a free one). */
  readonly port?: number;
  /** The queue (default: a fresh name). */
  readonly queue?: string;
}

export interface RedisCluster {
  readonly server: RedisServer;
  readonly url: string;
  readonly queue: string;
  /** Every worker started, in order, stopped ones included. */
  readonly workers: readonly NimbusWorker[];
  /** `new Cloud({ redis: url, queue, ...config })`, closed by stop(). */
  cloud(config?: CloudConfig): Cloud;
  /** One more worker (sized as the cluster's unless `spec` says otherwise). */
  startWorker(spec?: WorkerSpec): Promise<NimbusWorker>;
  stop(): Promise<void>;
}

let queues = 0;

/** A queue name no other suite of this run uses (BullMQ allows no ':' in it). */
export function uniqueQueue(): string {
  return `test-${process.pid}-${++queues}`;
}

export async function redisCluster(options: ClusterOptions = {}): Promise<RedisCluster> {
  const server = await startRedisServer(options.port);
  const queue = options.queue ?? uniqueQueue();
  const workers: NimbusWorker[] = [];
  const clouds: Cloud[] = [];
  const startWorker = async (spec: WorkerSpec = options.worker ?? {}) => {
    const worker = await NimbusWorker.start({ ...spec, redis: server.url, queue });
    workers.push(worker);
    return worker;
  };
  const cluster: RedisCluster = {
    server,
    url: server.url,
    queue,
    workers,
    cloud(config = {}) {
      const cloud = new Cloud({ ...config, redis: server.url, queue });
      clouds.push(cloud);
      return cloud;
    },
    startWorker,
    async stop() {
      const outcomes = await Promise.allSettled([...clouds.map((cloud) => cloud.close()), ...workers.map((worker) => worker.stop())]);
      await server.stop();
      const failures = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failures.length > 0)
        throw new AggregateError(
          failures.map((failure): unknown => failure.reason),
          'stopping the test cluster failed',
        );
    },
  };
  try {
    // One after the other: two cold starts at once on a 2-core machine take longer than in turn.
    for (let i = 0; i < (options.workers ?? 1); i++) await startWorker();
  } catch (error) {
    await cluster.stop().catch(() => {});
    throw error;
  }
  return cluster;
}
