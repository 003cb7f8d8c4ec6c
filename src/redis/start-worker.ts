/**
 * `startWorker`: makes this process a worker of a queue on Redis, as `nimbus worker` does. The
 * options are checked here, where they enter; the host (ioredis, BullMQ, the runtime and its
 * executors) is loaded only when a worker starts, so importing nimbus loads none of it.
 */
import { errors } from '../errors.js';
import { checkConfig } from '../options.js';
import type { NimbusWorker, WorkerOptions } from '../types/worker-options.js';

export type { NimbusWorker, WorkerOptions } from '../types/worker-options.js';

/**
 * Starts a worker: it connects (a CloudError ERR_REDIS_UNREACHABLE when Redis does not answer
 * within the connect timeout), registers, and resolves once it takes jobs.
 */
export async function startWorker(options: WorkerOptions): Promise<NimbusWorker> {
  const checked = checkWorkerOptions(options);
  const { startWorkerHost } = await import('./worker-host.js');
  return startWorkerHost(checked);
}

const WORKER_OPTIONS: readonly (keyof WorkerOptions)[] = ['redis', 'queue', 'cores', 'computeUnits', 'isolation', 'memoryLimits', 'maxRestarts', 'files'];

/** The options as a Cloud's config reads the same keys (one check per option), with `redis` required and files never 'memory'. */
function checkWorkerOptions(options: unknown): WorkerOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw errors.badOption('startWorker options', options, 'an object with redis');
  for (const key of Object.keys(options)) {
    if (!(WORKER_OPTIONS as readonly string[]).includes(key)) throw errors.unknownOption('startWorker', key, WORKER_OPTIONS);
  }
  const given = options as WorkerOptions;
  if (given.redis === undefined) throw errors.badOption('redis', undefined, "a Redis URL ('redis://host:port/db' or 'rediss://...')");
  // checkConfig refuses files 'memory' with redis: the jobs of other workers could never see it.
  return checkConfig(given) as WorkerOptions;
}
