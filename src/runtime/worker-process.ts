/**
 * One child process that runs batches of jobs of one profile, one batch at a time. It reports
 * each job's outcome as the job ends; when the process dies, it says which jobs never reported
 * and whether the death looks like running out of memory. It keeps the parent alive only while
 * it has work.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { BatchSpec } from '../types/executor.js';
import type { OutcomeReport } from '../types/job-outcome.js';
import type { JobService } from '../types/job-service.js';
import { toWire } from './batch-args.js';
import { channelEndpoint, exposeService } from './nested-channel.js';
import { WORKER_PROCESS_ENV, type FromChild, type ToChild } from './process-protocol.js';

const PROCESS_ENTRY = new URL('./process-entry.js', import.meta.url);
/** What V8 prints when a process runs out of memory, in its several ways of doing so. */
const OUT_OF_MEMORY = /heap out of memory|invalid size error|Allocation failed|out of memory/i;
/** How much of a dying process's stderr is kept to tell why it died. */
const STDERR_TAIL_CHARS = 4096;
const PAGE_BYTES = 4096;

export type BatchEnd =
  | { kind: 'done' }
  | { kind: 'died'; unreported: number[]; outOfMemory: boolean; how: string; stoppedByUs: boolean };

interface RunningBatch {
  readonly jids: readonly number[];
  readonly reported: Set<number>;
  readonly onReport: (report: OutcomeReport) => void;
  readonly end: (end: BatchEnd) => void;
}

export class WorkerProcess {
  readonly memoryLimitBytes: number;
  readonly #child: ChildProcess;
  #batch: RunningBatch | undefined;
  #stderrTail = '';
  #killedFor: 'stop' | 'memory' | undefined;
  #exited = false;

  constructor(memoryLimitMb: number, service: JobService) {
    this.memoryLimitBytes = memoryLimitMb * 1024 * 1024;
    this.#child = fork(PROCESS_ENTRY, [], {
      serialization: 'advanced',
      execArgv: [`--max-old-space-size=${memoryLimitMb}`],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: { ...process.env, [WORKER_PROCESS_ENV]: '1' },
    });
    const nestedListeners: ((data: unknown) => void)[] = [];
    exposeService(service, channelEndpoint({
      send: (message) => this.#send(message),
      onNested: (listener) => nestedListeners.push(listener),
    }));
    this.#child.on('message', (message: FromChild) => {
      if ('nested' in message) for (const listener of nestedListeners) listener(message.nested);
      else this.#onReport(message.outcomes, message.last);
    });
    this.#child.stderr!.on('data', (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    this.#child.on('exit', (code, signal) => this.#onExit(code, signal));
    this.#idle();
  }

  get alive(): boolean {
    return !this.#exited;
  }

  get busy(): boolean {
    return this.#batch !== undefined;
  }

  /** Runs a batch; resolves when every job reported, or the process died. */
  run(batch: BatchSpec, onReport: (report: OutcomeReport) => void): Promise<BatchEnd> {
    return new Promise((end) => {
      this.#batch = { jids: batch.jids, reported: new Set(), onReport, end };
      this.#child.ref();
      this.#send({ batch: toWire(batch) });
    });
  }

  /** Ends the process now; the running batch ends 'died'. */
  kill(reason: 'stop' | 'memory'): void {
    this.#killedFor ??= reason;
    this.#child.kill('SIGKILL');
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
    if (!this.#exited) this.#child.send(message);
  }

  #onReport(report: OutcomeReport, last: boolean): void {
    const batch = this.#batch;
    if (!batch) return;
    for (const jid of report.jids) batch.reported.add(jid);
    // The batch ends before its last report is handed on: the dispatch that the report causes
    // then finds this process idle, instead of starting another.
    if (last) this.#endBatch({ kind: 'done' });
    batch.onReport(report);
  }

  #endBatch(end: BatchEnd): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = undefined;
    this.#idle();
    batch.end(end);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#exited = true;
    const batch = this.#batch;
    if (!batch) return;
    this.#endBatch({
      kind: 'died',
      unreported: batch.jids.filter((jid) => !batch.reported.has(jid)),
      outOfMemory: this.#killedFor === 'memory' || OUT_OF_MEMORY.test(this.#stderrTail),
      how: signal ? `signal ${signal}` : `code ${code}`,
      stoppedByUs: this.#killedFor === 'stop',
    });
  }

  /** An idle process must not keep its parent alive. */
  #idle(): void {
    this.#child.unref();
    this.#child.channel?.unref();
    (this.#child.stderr as { unref?: () => void } | null)?.unref?.();
  }
}
