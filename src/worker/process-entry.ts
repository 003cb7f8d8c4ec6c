/**
 * What runs inside each worker process: the top of its module graph. It runs each batch it is
 * given, in order, sending every job's outcome as the job ends, and carries the job's `cloud`
 * requests to the runtime over the same data channel (process-protocol.ts, DATA_FD). Job code
 * sees a process.send that goes nowhere. The process dies with the host (parent-watch.ts), ends
 * the children each job leaves (job-children.ts), and retires once an error escapes a job
 * (job-escapes.ts).
 */
import { Socket } from 'node:net';
import { jobCloud } from './job-cloud.js';
import { yieldSinkOf } from './job-yields.js';
import type { WireFunction } from '../types/wire-function.js';
import { runBatchNow, type BatchObserver } from './batch-runner.js';
import { JobChildren } from './job-children.js';
import { EscapeGuard, GuardedFunctions } from './job-escapes.js';
import { ProcessMeter, useJobMeter } from './job-meter.js';
import { channelEndpoint } from '../wire/nested-endpoints.js';
import { emptyReport } from './outcome-report.js';
import { ArrivalSlot } from './arrival-slot.js';
import { watchParent } from './parent-watch.js';
import { BROKEN_CHANNEL_EXIT_CODE, DATA_FD, HOST_PID_ENV, IPC_KEY, isToChild, type FromChild } from '../wire/process-protocol.js';
import { FrameChannel } from '../wire/frame-channel.js';
import { fromBatchTuple, outcomesTuple, type OutcomesTuple } from '../wire/process-tuples.js';
import type { RunnableBatch } from '../types/executor.js';

/** What this worker's messages carry: the host's first message says it (process-protocol.ts). */
let token = '';
const hostPid = Number(process.env[HOST_PID_ENV]);
delete process.env[HOST_PID_ENV];
watchParent(hostPid);

silenceProcessSend();
const channel = new FrameChannel(new Socket({ fd: DATA_FD, readable: true, writable: true }), onMessage, () => {
  // The host lives on (its IPC channel is open): a job broke the data channel.
  if (process.connected) guard.exit(BROKEN_CHANNEL_EXIT_CODE);
  hostGone();
});
const send = (message: FromChild, then?: () => void) => channel.send({ ...message, [IPC_KEY]: token }, then);
const guard = new EscapeGuard(() => {
  // An idle worker asks to be retired now; a busy one once the job running now has ended.
  if (!running) retire();
});
const children = new JobChildren({ ownProcess: true, runningJob: () => undefined });
const nestedListeners: ((data: unknown) => void)[] = [];
const endpoint = channelEndpoint({
  send: (message) => send({ kind: 'nested', data: message.nested }),
  onNested: (listener) => nestedListeners.push(listener),
});
/** Fetches waiting for the host's answer, by function id (one batch runs at a time: at most one). */
const fetches = new Map<string, { resolve: (fn: WireFunction) => void; reject: (error: Error) => void }>();
const fetchFunction = (id: string, inline: boolean) =>
  new Promise<WireFunction>((resolve, reject) => {
    fetches.set(id, { resolve, reject });
    send({ kind: 'fetch', id, inline });
  });
const functions = new GuardedFunctions(jobCloud(endpoint), fetchFunction, guard);
const yields = yieldSinkOf(jobCloud());
const arrivals = new ArrivalSlot();
useJobMeter(new ProcessMeter());

/**
 * Outcomes wait here until about FLUSH_MS of work has piled up: a message costs each side some
 * tens of microseconds (process-executor.ts, PROCESS_BATCH_BOUND), the time of 10-40 trivial
 * jobs, so one every few milliseconds keeps that to about 1% of the work; a job of FLUSH_MS or
 * more has its outcome leave before the next job starts. If the process dies, only what is
 * buffered is lost, and those jobs run again.
 *
 * Each message also says which job the worker is on now, so that the runtime knows it started
 * (the batch's first job, from the arrival slot). A job that starts sooner than FLUSH_MS
 * after the last message is told by a timer FLUSH_MS later, when it awaits something; one that
 * holds the thread meanwhile (a busy loop) is told when it ends, as its outcome leaves.
 */
const FLUSH_MS = 5;
/** What `buffered` is between batches: empty, and never appended to (only a running batch's jobs append). */
const IDLE_REPORT = emptyReport();
let buffered = IDLE_REPORT;
/** When the buffer was last emptied, epoch ms (the clock jobs' times are read from: no reading of its own per job). */
let bufferedSince = 0;
let running = false;
let retired = false;
/** The job of the running batch the worker is on (its index), since when, and the last one the runtime was told of. */
let currentIndex = 0;
let currentAt = 0;
let toldIndex = 0;
let flushTimer: NodeJS.Timeout | undefined;

function flush(last: boolean): void {
  const untold = !last && currentIndex !== toldIndex;
  if (buffered.jids.length > 0 || last || untold) {
    const running = last ? undefined : { index: currentIndex, at: currentAt };
    // The tuple copies the report's columns into what travels (process-tuples.ts).
    sendOutcomes(outcomesTuple(token, buffered, last, running));
    toldIndex = currentIndex;
  }
  // After the batch's last outcomes nothing appends until the next batch, which makes its own
  // report (runOne): a new one here would be garbage at once, one per lone trip.
  buffered = last ? IDLE_REPORT : emptyReport();
  bufferedSince = Date.now();
}

/** Sends outcomes with no callback: a callback costs a `nextTick` per message. */
function sendOutcomes(tuple: OutcomesTuple): void {
  channel.send(tuple);
}

/** Tells the runtime, FLUSH_MS from now, of the job running then, if the thread is free to. */
function flushLater(): void {
  flushTimer ??= setTimeout(() => {
    flushTimer = undefined;
    if (running) flush(false);
  }, FLUSH_MS);
}

function retire(): void {
  if (retired) return;
  retired = true;
  send({ kind: 'retire' });
}

/**
 * What runBatchNow tells this worker as its batch runs: one object for every batch (the state it
 * reads is the module's), not a new one with its closures per batch.
 */
const observer: BatchObserver = {
  // Checked as the next job starts, not as one ends: the last outcome then leaves with the
  // batch's end, in one message, and the runtime finds this process free when it reads it.
  starting: (index, startedAt) => {
    // The runtime knows of the first job already, and nothing has ended yet.
    if (index === 0) return;
    currentIndex = index;
    currentAt = startedAt;
    if (startedAt - bufferedSince < FLUSH_MS) return flushLater();
    flush(false);
  },
  // Asked as each job ends: a flush meanwhile starts a new buffer.
  report: () => buffered,
  finished: (jid) => {
    guard.jobEnded();
    children.jobEnded(jid);
  },
  // A tainted worker runs no further job: the runtime runs the rest elsewhere.
  shouldRun: () => !guard.tainted,
  yields,
};

/** Runs a batch whose first job the runtime was told started at `at`. */
function runOne(batch: RunnableBatch, at: number): void {
  running = true;
  // Empty (the last batch's end flushed it): made for this batch's jobs (outcome-report.ts).
  buffered = emptyReport(batch.jids.length);
  bufferedSince = at;
  currentIndex = toldIndex = 0;
  currentAt = at;
  // A batch whose function is rebuilt here and whose jobs end with no await ends in this call, its
  // outcomes sent in the turn its message came: no promise, no microtask turn (batch-runner.ts).
  const ran = runBatchNow(functions, batch, observer);
  if (ran === undefined) batchEnded();
  else void ran.then(batchEnded);
}

function batchEnded(): void {
  running = false;
  clearTimeout(flushTimer);
  flushTimer = undefined;
  if (!guard.tainted) return flush(true);
  // The retirement closes the batch: the runtime runs the jobs it skipped elsewhere.
  flush(false);
  retire();
}

function onMessage(message: unknown): void {
  if (!isToChild(message)) return;
  if ('kind' in message) {
    if (message.kind === 'token') return void (token ||= message.token);
    if (message.kind === 'function') return answerFetch(message.id, message.fn);
    for (const listener of nestedListeners) listener(message.data);
    return;
  }
  // A retired worker runs nothing: the runtime returns the batch when it reads the retirement.
  if (retired) return;
  // The runtime learns the batch arrived before any of its jobs can end this process: from the
  // arrival slot, written now, or else from a message, once it has left.
  const at = Date.now();
  const batch = fromBatchTuple(message);
  if (arrivals.arrived(message[0], at)) runOne(batch, at);
  else send({ kind: 'started', at }, () => runOne(batch, at));
}
function answerFetch(id: string, fn: WireFunction | undefined): void {
  const waiting = fetches.get(id);
  fetches.delete(id);
  if (fn) waiting?.resolve(fn);
  else waiting?.reject(new Error(`nimbus internal error: the host no longer runs function ${id}`));
}

/** The runtime went away (it closed, or died): nothing is left to report to. */
function hostGone(): void {
  children.endAll();
  guard.exit(0);
}
process.on('disconnect', hostGone);
// A job that ends this process (process.exit while it runs) takes its children with it.
process.on('exit', () => children.endAll());

/**
 * Gives job code a process.send and process.disconnect that do nothing: code written for forked
 * children calls them, and must neither cut this worker off from its runtime (nimbus's messages
 * go on the data channel, which job code is not handed) nor throw.
 */
function silenceProcessSend(): void {
  const real = process as unknown as { send: (...args: unknown[]) => boolean; disconnect: () => void };
  real.send = (...args: unknown[]) => {
    const callback = args.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (callback) queueMicrotask(callback);
    return true;
  };
  real.disconnect = () => {};
}
