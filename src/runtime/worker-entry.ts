/**
 * What runs inside each worker thread: the top of the worker's module graph, as index.ts is the
 * top of the user's. It announces the thread's channel to the runtime (for jobs that start
 * jobs), then runs each batch it is given, publishing which job it is on in shared memory.
 */
import { MessageChannel, parentPort, workerData } from 'node:worker_threads';
import { jobCloud } from '../job-cloud.js';
import type { OutcomeReport } from '../types/job-outcome.js';
import { runBatch } from './batch-runner.js';
import { appendOutcome, emptyReport, toWireReport } from './outcome-report.js';
import { portEndpoint } from './nested-channel.js';
import { FunctionCache } from './shipping/rebuild-function.js';
import type { BatchTask, NimbusWorkerData, PortAnnouncement } from './worker-protocol.js';

const progress = new Int32Array((workerData as NimbusWorkerData).progress);

const channel = new MessageChannel();
const announcement: PortAnnouncement = { nimbusPort: channel.port2 };
parentPort!.postMessage(announcement, [channel.port2]);

const functions = new FunctionCache(jobCloud(portEndpoint(channel.port1)));

export default async function runThreadBatch({ batch, slot }: BatchTask): Promise<OutcomeReport> {
  const report = emptyReport();
  await runBatch(functions, batch, {
    starting: (index) => Atomics.store(progress, slot, index + 1),
    finished: (outcome) => appendOutcome(report, outcome),
  });
  return toWireReport(report);
}
