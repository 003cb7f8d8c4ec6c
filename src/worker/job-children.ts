/**
 * The child processes job code starts, in a worker, so that none outlives its job. Every
 * asynchronous spawn (spawn, exec, execFile, fork) goes through ChildProcess.prototype.spawn,
 * which is wrapped here; the synchronous ones are wrapped where child_process exports them. When
 * a job that spawned ends, what it left is ended. Nothing is scanned after a job that spawned
 * nothing.
 *
 * - In a worker process (`ownProcess`), the worker leads its own process group: at the job's end,
 *   every descendant of the worker and every other member of its group is ended. That includes
 *   grandchildren whose parent exited (they keep the group), and detached children while their
 *   parent lives.
 * - In a worker thread the job shares the host's process: each child it spawns is put in a group
 *   of its own (detached), recorded under its job and announced to the host (which ends it if the
 *   thread is stopped first); at the job's end each such group is ended, with its descendants.
 *   Bound: a background grandchild of a synchronous spawn (execSync('cmd &')) escapes here.
 */
import childProcess, { ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { currentJob } from './job-context.js';
import { killAll, leftBehind } from '../platform/process-tree.js';

const SYNC_SPAWNS = ['spawnSync', 'execSync', 'execFileSync'] as const;

export interface ChildWatchOptions {
  /** True in a worker process that leads its own group; false in a worker thread. */
  readonly ownProcess: boolean;
  /** The job that runs now, for a spawn from code outside any job's context. */
  readonly runningJob: () => number | undefined;
  /** Told of each child a job in a thread starts, with the job's jid. */
  readonly announce?: (jid: number, pid: number) => void;
}

export class JobChildren {
  readonly #options: ChildWatchOptions;
  /** In a process: whether anything was spawned since the last sweep. */
  #spawned = false;
  /** In a thread: the children each job started, by jid. */
  readonly #byJob = new Map<number, number[]>();

  constructor(options: ChildWatchOptions) {
    this.#options = options;
    this.#wrapSpawns();
  }

  /** Ends what the job left, if it spawned anything. */
  jobEnded(jid: number): void {
    if (this.#options.ownProcess) {
      if (!this.#spawned) return;
      this.#spawned = false;
      killAll(leftBehind([process.pid], [process.pid]));
      return;
    }
    // Most jobs start no child: no lookup per job then.
    if (this.#byJob.size === 0) return;
    const pids = this.#byJob.get(jid);
    if (!pids) return;
    this.#byJob.delete(jid);
    killAll([...pids, ...leftBehind(pids, pids)]);
  }

  /** Ends what this worker process's jobs left, now: before the process exits. */
  endAll(): void {
    if (!this.#options.ownProcess || !this.#spawned) return;
    this.#spawned = false;
    killAll(leftBehind([process.pid], [process.pid]));
  }

  #spawnedBy(pid: number | undefined): void {
    this.#spawned = true;
    if (this.#options.ownProcess || pid === undefined) return;
    const jid = currentJob()?.jid ?? this.#options.runningJob();
    if (jid === undefined) return;
    const pids = this.#byJob.get(jid);
    if (pids) pids.push(pid);
    else this.#byJob.set(jid, [pid]);
    this.#options.announce?.(jid, pid);
  }

  #wrapSpawns(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapped method needs the child process it is called on
    const watch = this;
    const ownGroup = !this.#options.ownProcess;
    const prototype = ChildProcess.prototype as unknown as { spawn: (this: ChildProcess, options: { detached?: boolean }) => unknown };
    const spawn = prototype.spawn;
    prototype.spawn = function spawnWatched(this: ChildProcess, options: { detached?: boolean }) {
      // In a thread, a group of its own lets the job's end reach grandchildren whose parent exited.
      if (ownGroup && options && typeof options === 'object') options.detached = true;
      const result = spawn.call(this, options);
      watch.#spawnedBy(this.pid);
      return result;
    };
    const exports = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of SYNC_SPAWNS) {
      const original = exports[name]!;
      exports[name] = function syncSpawnWatched(this: unknown, ...args: unknown[]) {
        watch.#spawned = true;
        return original.apply(this, args);
      };
    }
    // `import { execSync } from 'node:child_process'` sees the wrapped functions too.
    syncBuiltinESMExports();
  }
}
