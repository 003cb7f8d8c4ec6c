/**
 * The runtime's service as a worker's jobs reach it: comlink's proxy over the channel the
 * worker's entry gave (job-cloud.ts). One per worker, made at the first request (a nested call,
 * a generator's first yield), so that a worker whose jobs ask nothing never loads comlink.
 */
import { connectService } from '../wire/nested-channel.js';
import type { JobRequests } from '../types/job-service.js';
import { jobChannel } from './job-cloud.js';

let service: JobRequests | undefined;

export function jobService(): JobRequests {
  service ??= connectService(jobChannel());
  return service;
}
