/**
 * What a job's own `cloud` reaches over its worker's channel: the runtime's jobs and its files,
 * as one object of plain methods (comlink calls them by name).
 */
import type { FileChannel } from '../types/file-channel.js';
import { FILE_CHANNEL_METHODS } from '../types/file-channel.js';
import type { JobRequests } from '../types/job-service.js';
import { JOB_SERVICE_METHODS } from '../types/job-service.js';

export type JobFacingService = JobRequests & FileChannel;

export function jobFacingService(jobs: JobRequests, files: FileChannel): JobFacingService {
  const facing: Record<string, unknown> = {};
  for (const method of JOB_SERVICE_METHODS) facing[method] = jobs[method]?.bind(jobs);
  for (const method of FILE_CHANNEL_METHODS) facing[method] = files[method].bind(files);
  return facing as unknown as JobFacingService;
}
