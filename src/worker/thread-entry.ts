/**
 * What runs inside each worker thread: the top of the worker's module graph, as index.ts is the
 * top of the user's. It announces the thread's channel to the runtime (for jobs that start
 * jobs), then runs each batch its pool posts it, one at a time, publishing which job it is on,
 * and since when, in its slot of shared memory, and posts the batch's outcomes back. It ends the children each job leaves (job-children.ts), and once an error
 * escapes a job (job-escapes.ts) it runs no further job and exits with RETIRED_EXIT_CODE.
 */
import { MessageChannel, parentPort, workerData } from 'node:worker_threads';
import { jobCloud } from './job-cloud.js';
import { yieldSinkOf } from './job-yields.js';
import type { RunnableBatch } from '../types/executor.js';
import type { WireFunction } from '../types/wire-function.js';
import { runBatchNow, type BatchObserver } from './batch-runner.js';
import { JobChildren } from './job-children.js';
import { EscapeGuard, GuardedFunctions } from './job-escapes.js';
import { emptyReport } from './outcome-report.js';
import { portEndpoint } from '../wire/nested-endpoints.js';
import { fromBatchTuple, outcomesTuple, type BatchTuple } from '../wire/process-tuples.js';
import {
  RETIRED_EXIT_CODE,
  THREAD_OUTCOMES,
  THREAD_RETIRING,
  isFunctionAnswer,
  type BatchFailed,
  type ChildAnnouncement,
  type FunctionAnswer,
  type FunctionFetch,
  type NimbusWorkerData,
  type PortAnnouncement,
} from '../wire/thread-protocol.js';

/** How long a job's spawn waits for the runtime to record its child; a busy host may be slower. */
const CHILD_RECORD_WAIT_MS = 1000;
/**
 * A follower's start hands the outcomes before it on at most this often (or this long after, if
 * its job awaits meanwhile): a chain of trivial jobs costs a message per few milliseconds.
 */
const EARLY_REPORT_MS = 2;
/** How long a thread waits for the runtime to take an early report; past it, it goes on. */
const EARLY_RECEIPT_WAIT_MS = 10_000;

const progress = new Int32Array((workerData as NimbusWorkerData).progress);
const starts = new Float64Array((workerData as NimbusWorkerData).starts);
const slot = (workerData as NimbusWorkerData).slot;
/** How many early reports the host has read (it counts them): see handOn. */
const receipts = new Int32Array((workerData as NimbusWorkerData).receipts);
/** Where batches come, and their outcomes go (thread-protocol.ts): not parentPort. */
const batches = (workerData as NimbusWorkerData).batches;
let earlyReports = 0;

const channel = new MessageChannel();
const announcement: PortAnnouncement = { nimbusPort: channel.port2 };
parentPort!.postMessage(announcement, [channel.port2]);

let running: number | undefined;
let busy = false;
const guard = new EscapeGuard(() => {
  if (!busy) retire();
});
const children = new JobChildren({
  ownProcess: false,
  runningJob: () => running,
  announce: (jid, pid) => {
    const child: ChildAnnouncement = { nimbusChild: pid, jid, recorded: new Int32Array(new SharedArrayBuffer(4)) };
    parentPort!.postMessage(child);
    // Until the runtime has it on record, a host that dies would leave this child behind.
    Atomics.wait(child.recorded, 0, 0, CHILD_RECORD_WAIT_MS);
  },
});
/** Functions this thread asked its host for (one it was never sent, or let go of), by id. */
const fetches = new Map<string, (fn: WireFunction | undefined) => void>();
const fetchFunction = (id: string) =>
  new Promise<WireFunction>((resolve, reject) => {
    fetches.set(id, (fn) => (fn ? resolve(fn) : reject(new Error(`nimbus internal error: the host no longer runs function ${id}`))));
    const fetch: FunctionFetch = { nimbusFetch: id };
    parentPort!.postMessage(fetch);
  });
const functions = new GuardedFunctions(jobCloud(portEndpoint(channel.port1)), fetchFunction, guard);
const yields = yieldSinkOf(jobCloud());

batches.on('message', (message: BatchTuple) => runOne(fromBatchTuple(message)));
parentPort!.on('message', (message: FunctionAnswer) => {
  if (!isFunctionAnswer(message)) return;
  const answer = fetches.get(message.nimbusFunction);
  fetches.delete(message.nimbusFunction);
  answer?.(message.fn);
});

/**
 * Leaves the pool, between jobs. An idle thread exits now; a busy one hands its report on its own
 * channel first (messages reach the runtime before the exit does), and exits instead of posting
 * its batch's end, so that the pool never sees it free and gives it another batch.
 */
function retire(): never {
  return guard.exit(RETIRED_EXIT_CODE);
}

/**
 * Publishes that job `index` of the batch started at `at`: its start time first, then the
 * progress that makes it visible (Atomics.store orders the two).
 */
function publishStart(index: number, at: number): void {
  if (index === 0) starts[2 * slot] = at;
  starts[2 * slot + 1] = at;
  Atomics.store(progress, slot, index + 1);
}

/** The batch this thread runs (one at a time), and what its observer keeps of it. */
let batch: RunnableBatch | undefined;
let report = emptyReport();
let followersFrom = 0;
let handedOnAt = 0;
let handOnTimer: NodeJS.Timeout | undefined;

/** Hands on the outcomes so far (an early report), and waits until the runtime has them. */
function handOn(): void {
  clearTimeout(handOnTimer);
  handOnTimer = undefined;
  handedOnAt = performance.now();
  if (report.jids.length === 0) return;
  const early = outcomesTuple(THREAD_OUTCOMES, report, false, undefined);
  report = emptyReport();
  earlyReports++;
  batches.postMessage(early);
  waitForReceipt();
}

/**
 * Blocks until the host has read every early report sent (it counts them in `receipts`), or
 * EARLY_RECEIPT_WAIT_MS passed. A count, not a flag per report: a receipt that comes after its
 * wait gave up cannot pass for the next one's.
 */
function waitForReceipt(): void {
  const until = performance.now() + EARLY_RECEIPT_WAIT_MS;
  for (let read = Atomics.load(receipts, 0); read < earlyReports; read = Atomics.load(receipts, 0)) {
    const left = until - performance.now();
    if (left <= 0 || Atomics.wait(receipts, 0, read, left) === 'timed-out') return;
  }
}

/**
 * What runBatch tells this thread as its batch runs: one object for every batch (the state it
 * reads is the module's), not a new one with its closures per batch (as process-entry.ts).
 */
const observer: BatchObserver = {
  starting: (index, at) => {
    running = batch!.jids[index];
    if (index > 0) publishStart(index, at);
    // A follower starts: its dependency's outcome must reach the runtime while it runs.
    if (index < followersFrom) return;
    if (performance.now() - handedOnAt >= EARLY_REPORT_MS) handOn();
    else handOnTimer ??= setTimeout(handOn, EARLY_REPORT_MS);
  },
  // Asked as each job ends: a hand-on meanwhile starts a new report.
  report: () => report,
  finished: (jid) => {
    running = undefined;
    guard.jobEnded();
    children.jobEnded(jid);
  },
  // A tainted thread runs no further job: those not in the report run again elsewhere.
  shouldRun: () => !guard.tainted,
  yields,
};

/**
 * Runs a batch and posts its outcomes (or why it could not run them: nimbus's own failure). A
 * batch whose function is rebuilt here and whose jobs end with no await ends in this call, its
 * outcomes posted in the turn its message came (runBatchNow): no promise, no microtask turn.
 */
function runOne(next: RunnableBatch): void {
  batch = next;
  report = emptyReport(next.jids.length);
  busy = true;
  followersFrom = next.followersFrom ?? next.jids.length;
  handedOnAt = performance.now();
  // The first job is taken up now: its function is rebuilt (its modules run), then it is called.
  publishStart(0, Date.now());
  let ran: Promise<void> | undefined;
  try {
    ran = runBatchNow(functions, next, observer);
  } catch (error) {
    return batchFailed(error);
  }
  if (ran === undefined) batchEnded();
  else ran.then(batchEnded, batchFailed);
}

function batchEnded(): void {
  clearTimeout(handOnTimer);
  handOnTimer = undefined;
  busy = false;
  batch = undefined;
  // The tuple copies the report's columns into what travels (as process-entry.ts).
  if (!guard.tainted) return void batches.postMessage(outcomesTuple(THREAD_OUTCOMES, report, true, undefined));
  batches.postMessage(outcomesTuple(THREAD_RETIRING, report, true, undefined));
  retire();
}

function batchFailed(error: unknown): void {
  clearTimeout(handOnTimer);
  handOnTimer = undefined;
  busy = false;
  batch = undefined;
  const failed: BatchFailed = { nimbusFailed: error instanceof Error ? error.message : String(error) };
  batches.postMessage(failed);
}
