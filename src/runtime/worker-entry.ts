/**
 * What runs inside each worker thread: the top of the worker's module graph, as index.ts is the
 * top of the user's. It announces the thread's channel to the runtime (for jobs that start
 * jobs), then runs each batch it is given, in order, publishing which job it is on.
 */
import { MessageChannel, parentPort, workerData } from 'node:worker_threads';
import { jobCloud } from '../job-cloud.js';
import type { JobOutcome } from '../types/job-outcome.js';
import { executeJob } from './job-execution.js';
import { FunctionCache } from './shipping/rebuild-function.js';
import type { BatchReport, BatchTask, NimbusWorkerData, PortAnnouncement } from './worker-protocol.js';

const progress = new Int32Array((workerData as NimbusWorkerData).progress);

const channel = new MessageChannel();
const announcement: PortAnnouncement = { nimbusPort: channel.port2 };
parentPort!.postMessage(announcement, [channel.port2]);

const functions = new FunctionCache(jobCloud(channel.port1));

export default async function runBatch({ jobs, slot }: BatchTask): Promise<BatchReport> {
  const report: JobOutcome[] = [];
  for (let i = 0; i < jobs.length; i++) {
    Atomics.store(progress, slot, i + 1);
    report.push(await executeJob(functions, jobs[i]!));
  }
  return report;
}
