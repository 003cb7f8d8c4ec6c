/**
 * The `cloud` a running job sees in a worker thread or child process: the same Cloud class,
 * whose requests reach the runtime over the worker's channel. One per worker.
 */
import type { Endpoint } from 'comlink';
import { Cloud, type CloudBackend } from '../cloud.js';
import { errors } from '../errors.js';
import { CloudFiles } from '../files/cloud-files.js';
import { RoutedFileStore } from '../files/routed-store.js';
import type { JobFacingService } from '../local/job-facing-service.js';
import { connectService } from '../wire/nested-channel.js';
import type { JobRequests } from '../types/job-service.js';

let instance: Cloud | undefined;

/** The worker's cloud; the first call, from the worker's entry, gives it its channel. */
export function jobCloud(endpoint?: Endpoint): Cloud {
  if (!instance) {
    if (!endpoint) throw new Error('nimbus internal error: the job cloud has no channel yet');
    const service = connectService(endpoint) as JobFacingService;
    instance = new Cloud({}, () => new JobBackend(service));
  }
  return instance;
}

/** Whether this thread or process runs jobs for a runtime elsewhere. */
export function isJobWorker(): boolean {
  return instance !== undefined;
}

class JobBackend implements CloudBackend {
  readonly isSimulator = false;
  readonly files: CloudFiles;
  readonly #service: JobRequests;

  constructor(service: JobFacingService) {
    this.#service = service;
    this.files = new CloudFiles(new RoutedFileStore(service));
  }

  service(): JobRequests {
    return this.#service;
  }

  async startSimulator(): Promise<void> {
    throw errors.notInJob('startSimulator');
  }

  /** A job cannot close the runtime it runs in. */
  async close(): Promise<boolean> {
    return false;
  }
}
