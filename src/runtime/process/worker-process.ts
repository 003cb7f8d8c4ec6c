/**
 * One child process that runs batches of jobs of one profile, one batch at a time. It reports
 * each job's outcome as the job ends; when the process dies, it says which jobs never reported,
 * whether the batch had even started, and whether the death looks like running out of memory.
 * It keeps the parent alive only while it has work. Nothing on its data channel but the worker's
 * own tagged messages is read (not what job code may send on Node's IPC channel), and no send to
 * a dead process throws; bytes on that channel that are not a frame end the process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BatchSpec } from '../../types/executor.js';
import type { OutcomeReport } from '../../types/job-outcome.js';
import type { JobRequests } from '../../types/job-service.js';
import { batchTuple } from '../../wire/process-tuples.js';
import type { ShippedFunction } from '../../types/shipped-function.js';
import type { DataFiles } from './data-files.js';
import { SentFunctions } from './sent-functions.js';
import { ArrivalFile } from './arrival-file.js';
import { exposeService } from '../../wire/nested-channel.js';
import { channelEndpoint } from '../../wire/nested-endpoints.js';
import { BROKEN_CHANNEL_EXIT_CODE, DATA_FD, HOST_PID_ENV, fromWorker, type FromChild, type RunningJob, type ToChild } from '../../wire/process-protocol.js';
import { FrameChannel } from '../../wire/frame-channel.js';
import { killAll, killGroup, leftBehind } from '../../platform/process-tree.js';

const PROCESS_ENTRY = new URL('../../worker/process-entry.js', import.meta.url);
/** What V8 prints when a process runs out of memory, in its several ways of doing so. */
const OUT_OF_MEMORY = /heap out of memory|invalid size error|Allocation failed|out of memory/i;
/** How much of a dying process's stderr is kept to tell why it died. */
const STDERR_TAIL_CHARS = 4096;
const PAGE_BYTES = 4096;
/** How long a process whose data channel closed has to exit by itself before it is killed. */
const BROKEN_CHANNEL_GRACE_MS = 1000;

export type BatchEnd =
  | { kind: 'done' }
  /** The process stopped short of these jobs, never run: something escaped a job, and it retires. */
  | { kind: 'retired'; unreported: number[] }
  /**
   * The process died. `started`: it had received the batch; if not, no job of it ran and none
   * is to blame.
   */
  | { kind: 'died'; unreported: number[]; started: boolean; outOfMemory: boolean; how: string; stoppedByUs: boolean };

interface RunningBatch {
  readonly fn: ShippedFunction;
  /** Drawn for this batch: the worker writes it in its arrival slot as the batch arrives. */
  readonly tag: number;
  readonly jids: readonly number[];
  /**
   * How many of its jobs reported: always the first ones, since a worker runs its batch in order
   * and stops short only of a suffix (it retires, or dies), so a count says which.
   */
  reported: number;
  started: boolean;
  /** The job the worker last said it is on (its index; -1 before the batch started), and since when. */
  running: number;
  runningAt: number;
  /** How many of its jobs visitStarted told of: the first ones. */
  told: number;
  readonly onReport: (report: OutcomeReport) => void;
  readonly end: (end: BatchEnd) => void;
}

export class WorkerProcess {
  readonly memoryLimitBytes: number;
  readonly #child: ChildProcess;
  readonly #token = randomUUID();
  #batch: RunningBatch | undefined;
  /** What this process was sent of the functions it ran: a batch carries only the rest. */
  readonly #sent: SentFunctions;
  /** Where the worker writes that a batch arrived (process-protocol.ts, ARRIVAL_FD). */
  readonly #arrivals: ArrivalFile;
  #stderrTail = '';
  #killedFor: 'stop' | 'memory' | undefined;
  #retired = false;
  /** How it exited, once it has; the batch ends when the data channel has closed too. */
  #exit: string | undefined;
  /** Its messages, both ways (process-protocol.ts, DATA_FD). */
  readonly #channel: FrameChannel;
  /** Its data channel closed, and it was still alive a while later: it was killed for it. */
  #brokeChannel = false;
  /** Resolves once the process has exited (its pid is gone): what a close waits for. */
  readonly exited: Promise<void>;
  #markExited!: () => void;

  /** @param files where large captured data is left for the process to read (its executor's) */
  constructor(memoryLimitMb: number, service: JobRequests, files: DataFiles) {
    this.memoryLimitBytes = memoryLimitMb * 1024 * 1024;
    this.#sent = new SentFunctions(files);
    this.exited = new Promise((resolve) => (this.#markExited = resolve));
    this.#arrivals = new ArrivalFile(this.#token);
    this.#child = fork(PROCESS_ENTRY, [], {
      serialization: 'advanced',
      execArgv: [`--max-old-space-size=${memoryLimitMb}`],
      // The arrival slot is the descriptor after the IPC channel's (ARRIVAL_FD), then the data channel (DATA_FD).
      stdio: ['ignore', 'inherit', 'pipe', 'ipc', this.#arrivals.fd ?? 'ignore', 'pipe'],
      env: { ...process.env, [HOST_PID_ENV]: String(process.pid) },
      // A group of its own: ending the group ends the children its jobs leave.
      detached: true,
    });
    const nestedListeners: ((data: unknown) => void)[] = [];
    exposeService(
      service,
      channelEndpoint({
        send: (message) => this.#send({ kind: 'nested', data: message.nested }),
        onNested: (listener) => nestedListeners.push(listener),
      }),
    );
    this.#channel = new FrameChannel(
      // A fork that could not make its pipes (too many open files) has none: a closed one stands in.
      (this.#child.stdio as unknown as (Socket | null | undefined)[])[DATA_FD] ?? new Socket().destroy(),
      (raw) => {
        const message = fromWorker(raw, this.#token);
        if (message) this.#onMessage(message, nestedListeners);
      },
      () => this.#onChannelClosed(),
    );
    // The first message: what the worker's own messages will carry (process-protocol.ts).
    this.#channel.send({ kind: 'token', token: this.#token });
    // Only a busy process keeps the host alive (run refs the process itself).
    this.#channel.unref();
    this.#child.channel?.unref();
    this.#child.stderr!.on('data', (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    // Failed sends and signals to a process already gone: its exit tells what happened.
    this.#child.on('error', () => {
      if (this.#child.pid === undefined) this.#onExit(null, null, true);
    });
    this.#child.on('exit', (code, signal) => this.#onExit(code, signal, false));
    this.#idle();
  }

  /** Can it run a batch? Not once it exited, was killed, or asked to be retired. */
  get alive(): boolean {
    return this.#exit === undefined && this.#killedFor === undefined && !this.#retired;
  }

  get busy(): boolean {
    return this.#batch !== undefined;
  }

  /**
   * Runs a batch; `onEnd` is told once every job reported, or the process died or retired. It is
   * told synchronously, before the last report is handed on to `onReport` (#onReport): whatever
   * that report causes (a dispatch) finds this process idle already. A promise would tell it a
   * microtask later, after a dispatch already queued in that tick, which then spawns a second
   * process beside this one. Never told inside `run` itself.
   */
  run(batch: BatchSpec, onReport: (report: OutcomeReport) => void, onEnd: (end: BatchEnd) => void): void {
    const tag = drawTag();
    this.#batch = { fn: batch.fn, tag, jids: batch.jids, reported: 0, started: false, running: -1, runningAt: 0, told: 0, onReport, end: onEnd };
    this.#child.ref();
    this.#send(batchTuple(tag, batch, this.#sent.next(batch.fn)));
    // A process gone already ends the batch, but not while its executor is still in run.
    if (this.#exit !== undefined) queueMicrotask(() => this.#maybeEnd());
  }

  /**
   * Tells `visit` of the jobs of the running batch that started since the last call: those up to
   * the one the worker last said it is on. The ones before it have reported already (a worker
   * says which job it is on in the message that carries the outcomes before it).
   */
  visitStarted(visit: (jid: number, at: number) => void): void {
    const batch = this.#batch;
    if (!batch) return;
    if (batch.running < 0) this.#learnArrival(batch);
    for (; batch.told <= batch.running; batch.told++) visit(batch.jids[batch.told]!, batch.runningAt);
  }

  /** Ends the process now, with what its jobs left; the running batch ends 'died'. */
  kill(reason: 'stop' | 'memory'): void {
    this.#killedFor ??= reason;
    const pid = this.#child.pid;
    if (pid === undefined || this.#exit !== undefined) return;
    // Until it has exited, the process keeps ours alive: a close waits for that exit.
    this.#child.ref();
    // Descendants that left the group (detached) while their parent lived, then the group.
    if (this.#batch) killAll(leftBehind([pid], []));
    if (!killGroup(pid)) this.#child.kill('SIGKILL');
  }

  /** The process's resident memory now, where the system tells (Linux). */
  residentBytes(): number | undefined {
    try {
      const pages = readFileSync(`/proc/${this.#child.pid}/statm`, 'utf8').split(' ')[1];
      return Number(pages) * PAGE_BYTES;
    } catch {
      return undefined;
    }
  }

  #send(message: ToChild): void {
    // A failed write (EPIPE, a closed channel) closes the channel: the exit that follows ends the batch.
    if (this.#exit === undefined) this.#channel.send(message);
  }

  /**
   * The data channel closed: every message the worker sent was read. A worker still alive broke
   * its channel (its job closed or wrote on the descriptor): it is ended, and its batch with it.
   */
  #onChannelClosed(): void {
    if (this.#exit === undefined) this.#killUnlessExited();
    this.#maybeEnd();
  }

  /**
   * A process that died (of itself, or killed from outside) closes its channel too, and its exit
   * may be read a moment later: only one still alive after BROKEN_CHANNEL_GRACE_MS, whose job
   * cannot report any more (it closed the descriptor, then never yields), is killed for it.
   */
  #killUnlessExited(): void {
    const timer = setTimeout(() => {
      if (this.#exit !== undefined) return;
      this.#brokeChannel = true;
      this.#child.kill('SIGKILL');
    }, BROKEN_CHANNEL_GRACE_MS);
    timer.unref();
  }

  /** How it exited, as its batch's jobs are told. */
  #how(exit: string): string {
    // A process that died of itself closed its channel too, maybe before its exit was read: only
    // the kill that its closed channel caused, or its own exit for it, say that.
    const broken = exit === `code ${BROKEN_CHANNEL_EXIT_CODE}` || (this.#brokeChannel && exit === 'signal SIGKILL');
    return broken ? `ended: a job wrote on or closed its data channel, descriptor ${DATA_FD}` : exit;
  }

  #onMessage(message: FromChild, nestedListeners: readonly ((data: unknown) => void)[]): void {
    switch (message.kind) {
      case 'nested':
        for (const listener of nestedListeners) listener(message.data);
        return;
      case 'started':
        if (this.#batch) this.#batch.started = true;
        return this.#onRunning({ index: 0, at: message.at });
      case 'outcomes':
        if (message.running) this.#onRunning(message.running);
        return this.#onReport(message.report, message.last);
      case 'retire':
        return this.#onRetire();
      case 'fetch': {
        // Only the running batch's function can be missed: a worker fetches before running it.
        const fn = this.#batch?.fn;
        const whole = fn?.id === message.id ? this.#sent.whole(fn, message.inline === true) : undefined;
        return this.#send({ kind: 'function', id: message.id, fn: whole });
      }
    }
  }

  /** Reads the arrival slot: once the worker wrote the batch's tag there, its first job started. */
  #learnArrival(batch: RunningBatch): void {
    const at = this.#arrivals.arrivedAt(batch.tag);
    if (at === undefined) return;
    batch.started = true;
    if (batch.running < 0) this.#onRunning({ index: 0, at });
  }

  #onRunning({ index, at }: RunningJob): void {
    const batch = this.#batch;
    if (!batch) return;
    batch.running = index;
    batch.runningAt = at;
  }

  #onReport(report: OutcomeReport, last: boolean): void {
    const batch = this.#batch;
    if (!batch) return;
    batch.reported += report.jids.length;
    // The batch ends before its last report is handed on: the dispatch that the report causes
    // then finds this process idle, instead of starting another.
    if (last) this.#endBatch(batch.reported < batch.jids.length ? { kind: 'retired', unreported: unreportedOf(batch) } : { kind: 'done' });
    batch.onReport(report);
  }

  #onRetire(): void {
    this.#retired = true;
    const batch = this.#batch;
    if (batch) this.#endBatch({ kind: 'retired', unreported: unreportedOf(batch) });
    this.kill('stop');
  }

  #endBatch(end: BatchEnd): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = undefined;
    this.#sent.settle();
    this.#idle();
    batch.end(end);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null, neverStarted: boolean): void {
    if (this.#exit !== undefined) return;
    this.#exit = signal ? `signal ${signal}` : `code ${code}`;
    this.#markExited();
    if (neverStarted) this.#channel.destroy();
    // Children its jobs left in its group die with it (a group outlives its leader).
    else if (this.#child.pid !== undefined) killGroup(this.#child.pid);
    this.#maybeEnd();
  }

  /** Once the process exited and every message it sent was read, its batch ends 'died'. */
  #maybeEnd(): void {
    if (this.#exit === undefined || !this.#channel.closed) return;
    const batch = this.#batch;
    // The slot's last reading: nothing asks it after the process is gone.
    if (batch && !batch.started) this.#learnArrival(batch);
    this.#arrivals.close();
    if (!batch) return;
    this.#endBatch({
      kind: 'died',
      unreported: unreportedOf(batch),
      started: batch.started,
      outOfMemory: this.#killedFor === 'memory' || OUT_OF_MEMORY.test(this.#stderrTail),
      how: this.#how(this.#exit),
      stoppedByUs: this.#killedFor === 'stop',
    });
  }

  /** An idle process must not keep its parent alive (its channels never do). */
  #idle(): void {
    this.#child.unref();
    (this.#child.stderr as { unref?: () => void } | null)?.unref?.();
  }
}

/** A batch's tag: never 0 (what an arrival slot holds before its first write), and not guessable by job code. */
function drawTag(): number {
  return 1 + Math.floor(Math.random() * 2 ** 52);
}

function unreportedOf(batch: RunningBatch): number[] {
  return batch.jids.slice(batch.reported);
}
