/**
 * The Cloud a running job sees: the same Cloud class, whose requests reach the runtime over the
 * worker's channel (job-service.ts). One per worker, made when a job first needs it: this module
 * is what job-cloud.ts loads on that first use, and what default-cloud.ts reaches synchronously
 * (job code importing nimbus has loaded the Cloud class already).
 */
import { Cloud, type CloudBackend } from '../cloud.js';
import { errors } from '../errors.js';
import { CloudFiles } from '../files/cloud-files.js';
import { RoutedFileStore } from '../files/routed-store.js';
import type { JobFacingService } from '../local/job-facing-service.js';
import type { JobRequests } from '../types/job-service.js';
import { jobService } from './job-service.js';

let instance: Cloud | undefined;

/** The worker's Cloud; only in a worker whose entry gave job-cloud.ts its channel. */
export function jobClient(): Cloud {
  instance ??= new Cloud({}, () => new JobBackend(jobService() as JobFacingService));
  return instance;
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
