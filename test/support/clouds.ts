/**
 * The modes every behaviour is specified in, and a fresh cloud per suite: the local runtime (worker
 * processes, worker threads), the in-thread simulator, and a Redis cluster of `nimbus worker`s.
 */
import { Cloud, type CloudConfig } from '@nimbus-js/nimbus';
import { afterAll, beforeAll } from 'vitest';
import { redisCluster, uniqueQueue, type RedisCluster } from './redis-cluster.js';
import { freePortSync } from './redis-server.js';

/** Worker processes (the default), worker threads, and the in-thread simulator: one machine. */
export type LocalMode = 'process' | 'thread' | 'simulator';
/** A local mode, or a client of a Redis cluster whose `nimbus worker` runs the jobs. */
export type Mode = LocalMode | 'redis';
export const MODES: LocalMode[] = ['process', 'thread', 'simulator'];
/** The modes that run jobs on workers, which can stop code that never yields. */
export const WORKER_MODES: LocalMode[] = ['process', 'thread'];
/** The shared behaviour suites' modes: the local ones and Redis. */
export const SHARED_MODES: Mode[] = [...MODES, 'redis'];
/** The modes that can stop code that never yields: the local workers and Redis's workers. */
export const STOPPING_MODES: Mode[] = [...WORKER_MODES, 'redis'];

/** How long a suite's cluster may take to start: a redis-server and a cold worker process. */
const CLUSTER_START_MS = 30_000;

/**
 * A cloud of `mode` for the suite whose describe body calls it. In Redis mode the suite gets a
 * cluster of its own: a redis-server, a queue and one worker sized as `config` says (cores,
 * compute units, isolation), started in beforeAll and stopped in afterAll (after the suite's own
 * afterAll closes the cloud); the cloud is built at once, as the suite uses it, and connects on
 * its first request.
 */
export function makeCloud(mode: Mode, config: CloudConfig = {}): Cloud {
  if (mode === 'simulator') return new Cloud({ cores: 2, ...config, simulator: true });
  if (mode === 'redis') return clusterCloud(config);
  return new Cloud({ cores: 2, ...config, isolation: mode });
}

function clusterCloud(config: CloudConfig): Cloud {
  // The worker takes the sizing; the options are checked as a local cloud checks them, so that a
  // bad one is refused here with the same CloudError (a local cloud holds nothing until used).
  new Cloud({ cores: 2, ...config });
  const { cores = 2, computeUnits, isolation, memoryLimits: _ignored, ...client } = config;
  const port = freePortSync();
  const queue = uniqueQueue();
  let cloud: Cloud;
  try {
    cloud = new Cloud({ ...client, redis: `redis://127.0.0.1:${port}/0`, queue });
  } catch (error) {
    // A Redis cloud that cannot be built fails its own suite, not the file's other modes.
    beforeAll(() => {
      throw error;
    });
    return new Cloud({ simulator: true });
  }
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    cluster = await redisCluster({ port, queue, worker: { cores, computeUnits, isolation } });
  }, CLUSTER_START_MS);
  afterAll(() => cluster?.stop(), CLUSTER_START_MS);
  return cloud;
}

/**
 * How expect.poll waits for a state that another process reaches (a job dispatched, a load
 * reported): it re-reads until it holds, and fails past the timeout.
 */
export const EVENTUALLY = { timeout: 10_000, interval: 20 };

/** A job that never ends by itself: it holds its slot until it is killed. */
export const hang = (): Promise<never> => new Promise(() => {});

/** A job body that records when it ran, comparable across threads (a monotonic clock). */
export const stamp = (): bigint => process.hrtime.bigint();
