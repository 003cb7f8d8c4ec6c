/**
 * The `cloud` a running job sees in a worker thread or child process, loaded at its first use.
 * The worker's entry gives it its channel at start; the Cloud itself (job-client.ts: the Cloud
 * class, shipping with acorn, comlink's proxy) is imported only when a job first needs it: a
 * function that names `cloud`, a generator's first yield (the service alone, job-service.ts), or
 * job code importing nimbus (default-cloud.ts). A worker that runs plain jobs never loads it,
 * and starts and idles smaller for it (bench/README.md, worker-start).
 */
import type { Endpoint } from 'comlink';
import type { Cloud } from '../cloud.js';
import type { JobRequests } from '../types/job-service.js';

/** The job's cloud as the worker's machinery holds it: each part loaded when first asked for. */
export interface LazyJobCloud {
  /** The Cloud job code sees (`cloud` in a function, nimbus's default instance in a job). */
  cloud(): Promise<Cloud>;
  /** Its service alone: what a generator's yields need (job-yields.ts). */
  service(): Promise<JobRequests>;
}

let channel: Endpoint | undefined;

const lazy: LazyJobCloud = {
  cloud: async () => (await import('./job-client.js')).jobClient(),
  service: async () => (await import('./job-service.js')).jobService(),
};

/** The worker's cloud; the first call, from the worker's entry, gives it its channel. */
export function jobCloud(endpoint?: Endpoint): LazyJobCloud {
  if (!channel) {
    if (!endpoint) throw new Error('nimbus internal error: the job cloud has no channel yet');
    channel = endpoint;
  }
  return lazy;
}

/** The channel the entry gave: what job-service.ts connects over. */
export function jobChannel(): Endpoint {
  if (!channel) throw new Error('nimbus internal error: the job cloud has no channel yet');
  return channel;
}

/** Whether this thread or process runs jobs for a runtime elsewhere. */
export function isJobWorker(): boolean {
  return channel !== undefined;
}
