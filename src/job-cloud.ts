/**
 * The `cloud` a running job sees in a worker: the same Cloud class, whose requests reach the
 * runtime in the main thread over a MessagePort. One per worker thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { Cloud, type CloudBackend } from './cloud.js';
import { CloudError } from './errors.js';
import { connectService } from './runtime/nested-channel.js';
import type { JobService } from './types/job-service.js';

let instance: Cloud | undefined;

/** The worker's cloud; the first call, from the worker's entry, gives it its channel. */
export function jobCloud(port?: MessagePort): Cloud {
  if (!instance) {
    if (!port) throw new Error('nimbus internal error: the job cloud has no channel yet');
    const service = connectService(port) as unknown as JobService;
    instance = new Cloud({}, () => new JobBackend(service));
  }
  return instance;
}

class JobBackend implements CloudBackend {
  readonly isSimulator = false;
  readonly #service: JobService;

  constructor(service: JobService) {
    this.#service = service;
  }

  service(): JobService {
    return this.#service;
  }

  async startSimulator(): Promise<void> {
    throw new CloudError('startSimulator cannot be called inside a job');
  }

  /** A job cannot close the runtime it runs in. */
  async close(): Promise<boolean> {
    return false;
  }
}
