/**
 * What runs inside each worker process: the top of its module graph. It runs each batch it is
 * given, in order, sending every job's outcome as the job ends, and carries the job's `cloud`
 * requests to the runtime over the same IPC channel.
 */
import { jobCloud } from '../job-cloud.js';
import { runBatch } from './batch-runner.js';
import { ProcessMeter, useJobMeter } from './job-meter.js';
import { channelEndpoint } from './nested-channel.js';
import { appendOutcome, emptyReport, toWireReport } from './outcome-report.js';
import type { FromChild, ToChild } from './process-protocol.js';
import { FunctionCache } from './shipping/rebuild-function.js';

const send = (message: FromChild) => process.send!(message);
const nestedListeners: ((data: unknown) => void)[] = [];
const endpoint = channelEndpoint({ send, onNested: (listener) => nestedListeners.push(listener) });
const functions = new FunctionCache(jobCloud(endpoint));
useJobMeter(new ProcessMeter());

/**
 * Outcomes wait here until about FLUSH_MS of work has piled up: one message per trivial job would
 * cost more than the jobs, while a longer job's outcome leaves before the next job starts. If the
 * process dies, only what is buffered is lost, and those jobs run again.
 */
const FLUSH_MS = 2;
let buffered = emptyReport();
let bufferedSince = 0;

function flush(last: boolean): void {
  if (buffered.jids.length > 0 || last) send({ outcomes: toWireReport(buffered), last });
  buffered = emptyReport();
}

process.on('message', (message: ToChild) => {
  if ('nested' in message) {
    for (const listener of nestedListeners) listener(message.nested);
    return;
  }
  bufferedSince = performance.now();
  void runBatch(functions, message.batch, {
    // Checked as the next job starts, not as one ends: the last outcome then leaves with the
    // batch's end, in one message, and the runtime finds this process free when it reads it.
    starting: () => {
      if (performance.now() - bufferedSince < FLUSH_MS) return;
      flush(false);
      bufferedSince = performance.now();
    },
    finished: (outcome) => appendOutcome(buffered, outcome),
  }).then(() => flush(true));
});
// The runtime went away (it closed, or died): nothing is left to report to.
process.on('disconnect', () => process.exit(0));
