/**
 * `nimbus worker` child processes for a test, started as an operator starts them
 * (`node dist/cli/main.js worker --redis URL --queue Q ...`), each awaited until it says it is
 * ready. A test stops them gracefully (SIGTERM, then SIGKILL after a bound) or kills one as a lost
 * machine dies (SIGKILL), and either way checks that nothing it started is left: every process a
 * worker starts (its job processes, what their jobs spawn, in whatever process group) inherits a
 * mark in its environment, and a stop waits, within a bound, until no marked process is alive.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawnTied } from './tied-spawn.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** What a worker prints once it takes jobs: `nimbus worker <id> ready on <redis> ...`. */
const READY_LINE = /^nimbus worker (\S+) ready\b.*$/m;
const READY_TIMEOUT_MS = 20_000;
/** A test's lost worker is noticed after this (NIMBUS_REDIS_LOCK_MS; the default is 30 s). */
export const TEST_LOCK_MS = 2_000;
/** How long a graceful stop may take before the worker is killed. */
const STOP_GRACE_MS = 5_000;
/** How long the processes of a worker that ended may take to end too (they watch their parent). */
const ORPHAN_BOUND_MS = 5_000;
const POLL_MS = 25;
/** The environment variable that marks every process a test's worker starts. */
const MARK_VARIABLE = 'NIMBUS_TEST_WORKER_MARK';

let started = 0;

export interface WorkerOptions {
  readonly redis: string;
  readonly queue: string;
  readonly cores?: number;
  readonly computeUnits?: number;
  readonly isolation?: 'process' | 'thread';
  /** `--files`: a shared directory, or s3://bucket/prefix. */
  readonly files?: string;
  /** More command-line words, as given. */
  readonly args?: readonly string[];
  /** More environment (over this process's own, NIMBUS_REDIS_LOCK_MS = TEST_LOCK_MS). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One running `nimbus worker`. */
export class NimbusWorker {
  readonly pid: number;
  readonly #child: ChildProcess;
  readonly #mark: string;
  #id: string | undefined;
  #stdout = '';
  #stderr = '';
  readonly exited: Promise<WorkerExit>;
  #exit: WorkerExit | undefined;

  private constructor(child: ChildProcess, mark: string) {
    this.#child = child;
    this.#mark = mark;
    this.pid = child.pid!;
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (this.#stdout += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.#stderr += text));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      }),
    );
  }

  /** Spawns a worker and resolves once it printed its ready line (rejects if it exits first). */
  static async start(options: WorkerOptions): Promise<NimbusWorker> {
    const mark = `${process.pid}-${++started}-${Math.random().toString(36).slice(2)}`;
    const child = spawnTied(process.execPath, [MAIN, ...workerArgs(options)], {
      env: { ...process.env, NIMBUS_HOME: '', NIMBUS_REDIS_LOCK_MS: String(TEST_LOCK_MS), ...options.env, [MARK_VARIABLE]: mark },
    });
    if (child.pid === undefined) throw new Error(`could not spawn nimbus worker (${MAIN})`);
    const worker = new NimbusWorker(child, mark);
    try {
      const ready = await worker.waitForOutput(READY_LINE);
      worker.#id = ready[1];
    } catch (error) {
      await worker.kill();
      throw error;
    }
    return worker;
  }

  /** The id it printed when ready. */
  get id(): string {
    return this.#id!;
  }

  /** How info().worker names it: host name and pid. */
  get name(): string {
    return `${hostname()}:${this.pid}`;
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Undefined while it runs. */
  get exit(): WorkerExit | undefined {
    return this.#exit;
  }

  /** Resolves with the first match of `pattern` in its stdout (or stderr), once it is there. */
  waitForOutput(
    pattern: RegExp,
    { stream = 'stdout', timeoutMs = READY_TIMEOUT_MS }: { stream?: 'stdout' | 'stderr'; timeoutMs?: number } = {},
  ): Promise<RegExpExecArray> {
    const readable = stream === 'stdout' ? this.#child.stdout! : this.#child.stderr!;
    const text = () => (stream === 'stdout' ? this.#stdout : this.#stderr);
    return new Promise((resolve, reject) => {
      const settle = (outcome: () => void) => {
        readable.off('data', check);
        this.#child.off('exit', exited);
        clearTimeout(timer);
        outcome();
      };
      // Listeners run in order: this one after the one that keeps the text.
      const check = () => {
        const match = pattern.exec(text());
        if (match) settle(() => resolve(match));
      };
      const exited = () =>
        settle(() => reject(new Error(`nimbus worker ${this.pid} exited (${describeExit(this.#exit!)}) before printing ${pattern}${this.#transcript()}`)));
      const timer = setTimeout(
        () => settle(() => reject(new Error(`nimbus worker ${this.pid} did not print ${pattern} within ${timeoutMs} ms${this.#transcript()}`))),
        timeoutMs,
      );
      readable.on('data', check);
      this.#child.once('exit', exited);
      if (this.#exit) exited();
      else check();
    });
  }

  /**
   * SIGTERM: it stops taking jobs, finishes the running ones and exits. After `graceMs` it is
   * killed instead. Resolves with how it exited, once none of its processes is left (throws,
   * having killed them, if some outlive it by more than a bound).
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<WorkerExit> {
    if (!this.#exit) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
      try {
        await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    await this.#noneLeft();
    return this.#exit!;
  }

  /** SIGKILL, as a machine is lost: resolves once it and (within a bound) its processes are gone. */
  async kill(): Promise<WorkerExit> {
    if (!this.#exit) this.#child.kill('SIGKILL');
    await this.exited;
    await this.#noneLeft();
    return this.#exit!;
  }

  /** The processes it started (directly or not) that are alive now; itself excluded. */
  processes(): number[] {
    return markedProcesses(`${MARK_VARIABLE}=${this.#mark}`).filter((pid) => pid !== this.pid);
  }

  /** Waits until its processes are gone; past the bound, kills them and throws. */
  async #noneLeft(): Promise<void> {
    const deadline = Date.now() + ORPHAN_BOUND_MS;
    let left = this.processes();
    while (left.length > 0 && Date.now() < deadline) {
      await pause(POLL_MS);
      left = this.processes();
    }
    if (left.length === 0) return;
    const described = left.map(describeProcess);
    for (const pid of left) signal(pid, 'SIGKILL');
    throw new Error(`nimbus worker ${this.pid} ended, but its processes were still running ${ORPHAN_BOUND_MS} ms later: ${described.join(', ')}`);
  }

  #transcript(): string {
    return `\n--- stdout\n${this.#stdout}\n--- stderr\n${this.#stderr}`;
  }
}

function workerArgs(options: WorkerOptions): string[] {
  const args = ['worker', '--redis', options.redis, '--queue', options.queue];
  if (options.cores !== undefined) args.push('--cores', String(options.cores));
  if (options.computeUnits !== undefined) args.push('--compute-units', String(options.computeUnits));
  if (options.isolation !== undefined) args.push('--isolation', options.isolation);
  if (options.files !== undefined) args.push('--files', options.files);
  return [...args, ...(options.args ?? [])];
}

/** Every live process (zombies excluded) whose environment holds `entry` (NAME=value). */
function markedProcesses(entry: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(entry) && !isZombie(pid)) found.push(pid);
    } catch {
      // Gone while we read, or not ours to read.
    }
  }
  return found;
}

function isZombie(pid: number): boolean {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat[stat.lastIndexOf(')') + 2] === 'Z';
}

function describeProcess(pid: number): string {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return `${pid} (${command})`;
  } catch {
    return `${pid} (gone)`;
  }
}

function describeExit(exit: WorkerExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
