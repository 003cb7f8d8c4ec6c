/**
 * One worker thread that runs batches of one profile, one batch at a time: the batch goes as one
 * message on the thread's batch channel, its function by reference once the thread has it
 * (thread-sent-functions.ts), and its outcomes come back as one (thread-protocol.ts), with early
 * reports before it when the batch has followers. When the thread exits with a batch on it
 * (stopped, retired, out of memory, a job ended it), the batch ends 'cut' with how, once every
 * message the thread posted before has been read (Node delivers parentPort's before 'exit'; the
 * batch channel's are read at 'exit'). It keeps the host alive only while it runs a batch.
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { BatchSpec } from '../../types/executor.js';
import type { OutcomeReport } from '../../types/job-outcome.js';
import type { ShippedFunction } from '../../types/shipped-function.js';
import { batchTuple, fromOutcomesTuple } from '../../wire/process-tuples.js';
import {
  THREAD_OUTCOMES,
  THREAD_RETIRING,
  isBatchFailed,
  isFunctionFetch,
  isPortAnnouncement,
  type FunctionAnswer,
  type NimbusWorkerData,
} from '../../wire/thread-protocol.js';
import { ThreadSentFunctions } from './thread-sent-functions.js';

/**
 * The ES-module entry itself: a Worker runs it through the ES-module loader, never require(),
 * which is what aborted Node 20 when a thread was stopped while loading (piscina required its
 * file; test/cloud/process.test.ts closes clouds whose threads are still loading).
 */
const WORKER_ENTRY = fileURLToPath(new URL('../../worker/thread-entry.js', import.meta.url));

export type ThreadBatchEnd =
  | { readonly kind: 'done'; readonly report: OutcomeReport }
  /**
   * The batch ended without its report: the thread exited (`how`: 'code N'), or running the batch
   * threw in nimbus's own code (`how`: the message; the thread lives on). `retiring`: what a
   * thread that retired in the middle of the batch ran, as it reported before its exit.
   */
  | { readonly kind: 'cut'; readonly how: string; readonly outOfMemory: boolean; readonly retiring?: OutcomeReport };

/** Who hears of a batch while a thread runs it. */
export interface ThreadBatchListener {
  /** Told once: the batch reported, or was cut. */
  end(end: ThreadBatchEnd): void;
  /** Outcomes the thread hands on before its batch ends (a follower starts): reported now. */
  early(report: OutcomeReport): void;
}

/** What every thread of a pool shares. */
export interface ThreadSettings {
  readonly memoryLimitMb: number;
  readonly progress: SharedArrayBuffer;
  readonly starts: SharedArrayBuffer;
  /** What the thread says besides its batch's reports: its announcements. */
  readonly onMessage: (message: unknown) => void;
}

/** What a thread tells its pool of its own life. */
export interface ThreadLife {
  /** It loaded its entry and can take a batch at once. */
  ready(thread: WorkerThread): void;
  /** It exited; its batch, if it had one, has ended. */
  exited(thread: WorkerThread): void;
  /** Its batch ended and it lives on: told before the batch's end is, so that what the end causes finds it free. */
  freed(thread: WorkerThread): void;
}

export class WorkerThread {
  /** Its slot in the pool's progress and starts arrays, for its whole life. */
  readonly slot: number;
  /** Resolves once the thread has exited. */
  readonly exited: Promise<void>;
  readonly #worker: Worker;
  /** The host's end of the thread's batch channel (thread-protocol.ts, NimbusWorkerData.batches). */
  readonly #batches: MessagePort;
  readonly #onMessage: (message: unknown) => void;
  readonly #life: ThreadLife;
  readonly #sent = new ThreadSentFunctions();
  /** How many early reports of the thread were read (the thread waits on it: thread-protocol.ts). */
  readonly #receipts = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  /** Who hears of the running batch; undefined while idle. */
  #listener: ThreadBatchListener | undefined;
  /** What the thread reported as it retired in the middle of its batch (its exit follows). */
  #retiring: OutcomeReport | undefined;
  /** The running batch's function: the only one a fetch can be for. */
  #fn: ShippedFunction | undefined;
  /** The error the thread died of, if it did (it comes before the exit). */
  #error: (Error & { code?: string }) | undefined;
  /** How it exited, once it has. */
  #exit: { how: string; outOfMemory: boolean } | undefined;
  #stopping = false;
  #ready = false;

  constructor(settings: ThreadSettings, slot: number, life: ThreadLife) {
    this.slot = slot;
    this.#onMessage = settings.onMessage;
    this.#life = life;
    const { port1, port2 } = new MessageChannel();
    this.#batches = port1;
    const workerData: NimbusWorkerData = {
      nimbusWorker: true,
      progress: settings.progress,
      starts: settings.starts,
      slot,
      receipts: this.#receipts.buffer,
      batches: port2,
    };
    this.#worker = new Worker(WORKER_ENTRY, {
      workerData,
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: settings.memoryLimitMb },
    });
    let markExited!: () => void;
    this.exited = new Promise((resolve) => (markExited = resolve));
    this.#worker.on('message', (message: unknown) => this.#read(message));
    port1.on('message', (message: unknown) => this.#read(message));
    // The thread keeps the host alive while it runs a batch (run refs it), never its channel.
    port1.unref();
    this.#worker.on('error', (error: Error) => (this.#error ??= error));
    this.#worker.on('exit', (code: number) => {
      // Node reads what the thread posted on parentPort before 'exit', and has read the batch
      // channel's too so far: nothing documents it for a port of its own, so what is left is read now.
      for (let left = receiveMessageOnPort(port1); left; left = receiveMessageOnPort(port1)) this.#read(left.message);
      port1.close();
      this.#exit = this.#howItExited(code);
      this.#finish({ kind: 'cut', ...this.#exit, retiring: this.#retiring });
      markExited();
      life.exited(this);
    });
    this.#worker.unref();
  }

  /** Can it take a batch? Not once it exited or was stopped. */
  get alive(): boolean {
    return this.#exit === undefined && !this.#stopping;
  }

  /** How it exited ('code N' or the error it died of), once it has. */
  get exit(): { readonly how: string; readonly outOfMemory: boolean } | undefined {
    return this.#exit;
  }

  /** It loaded its entry (announced its channel): one that dies before could not load. */
  get ready(): boolean {
    return this.#ready;
  }

  /**
   * Runs a batch; `listener` hears of its early reports, and of its end once, when it reported or
   * was cut. A thread still loading gets it once loaded (messages wait on its port).
   */
  run(batch: BatchSpec, listener: ThreadBatchListener): void {
    this.#listener = listener;
    this.#fn = batch.fn;
    this.#worker.ref();
    // A tuple (process-tuples.ts): the tag is unused here, a thread runs one batch at a time.
    this.#batches.postMessage(batchTuple(0, batch, this.#sent.next(batch.fn)));
  }

  /** Keeps the host alive while the thread loads: a batch waits for it. */
  hold(): void {
    if (this.alive) this.#worker.ref();
  }

  /** Terminates the thread (the only way to end code that never yields); its batch ends at the exit. */
  stop(): void {
    if (this.#stopping || this.#exit !== undefined) return;
    this.#stopping = true;
    // Until it has exited, a stopped thread keeps the host alive: a close waits for that exit.
    this.#worker.ref();
    this.#worker.terminate().catch(() => {});
  }

  #read(message: unknown): void {
    const outcomes = fromOutcomesTuple(message, THREAD_OUTCOMES);
    if (outcomes) return outcomes.last ? this.#finish({ kind: 'done', report: outcomes.report }) : this.#early(outcomes.report);
    const retiring = fromOutcomesTuple(message, THREAD_RETIRING);
    // Its batch ends at the thread's exit, which comes next.
    if (retiring) return void (this.#retiring = retiring.report);
    if (isBatchFailed(message)) return this.#finish({ kind: 'cut', how: message.nimbusFailed, outOfMemory: false });
    if (isFunctionFetch(message)) return this.#answerFetch(message.nimbusFetch);
    this.#onMessage(message);
    if (!isPortAnnouncement(message)) return;
    this.#ready = true;
    if (!this.alive) return;
    if (!this.#listener) this.#worker.unref();
    this.#life.ready(this);
  }

  #answerFetch(id: string): void {
    const fn = this.#fn;
    const answer: FunctionAnswer = { nimbusFunction: id, fn: fn?.id === id ? this.#sent.whole(fn) : undefined };
    this.#worker.postMessage(answer);
  }

  /** An early report: told, then its receipt counted, which lets the thread go on. */
  #early(report: OutcomeReport): void {
    this.#listener?.early(report);
    Atomics.add(this.#receipts, 0, 1);
    Atomics.notify(this.#receipts, 0);
  }

  #finish(end: ThreadBatchEnd): void {
    const told = this.#listener;
    if (!told) return;
    this.#listener = undefined;
    this.#fn = undefined;
    if (this.alive) {
      this.#worker.unref();
      this.#life.freed(this);
    }
    told.end(end);
  }

  /** 'code N', or the error it died of; out of memory when V8 stopped it at its heap limit. */
  #howItExited(code: number): { how: string; outOfMemory: boolean } {
    const error = this.#error;
    if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') return { how: `code ${code}`, outOfMemory: true };
    return { how: error ? error.message : `code ${code}`, outOfMemory: false };
  }
}
