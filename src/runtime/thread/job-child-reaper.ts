/**
 * The host's record of the child processes jobs start in worker threads, each the leader of a
 * process group of its own (job-children.ts). A thread ends its job's children when the job
 * ends; this ends them when the thread cannot: the job was stopped, its thread died, the cloud
 * closed, or the host itself died. For the last, a small watcher process, started at the first
 * child, holds the list of groups and ends them when its stdin closes, which happens whatever the
 * host dies of, SIGKILL included. Bound: a child whose announcement the host had not read yet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { killGroup } from '../../platform/process-tree.js';

/** Reads "+pid" and "-pid" lines; at the end of its input (the host is gone), ends each group. */
const WATCHER_SCRIPT = `
const groups = new Set();
let rest = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (rest + chunk).split('\\n');
  rest = lines.pop();
  for (const line of lines) {
    if (line[0] === '+') groups.add(Number(line.slice(1)));
    else groups.delete(Number(line.slice(1)));
  }
});
process.stdin.on('end', () => {
  for (const pid of groups) { try { process.kill(-pid, 'SIGKILL'); } catch {} }
  process.exit(0);
});
process.stdin.on('error', () => {});
`;

export class JobChildReaper {
  readonly #byJob = new Map<number, number[]>();
  #watcher: ChildProcess | undefined;

  /** A job running in a thread started `pid`, leading its own group. */
  track(jid: number, pid: number): void {
    const pids = this.#byJob.get(jid);
    if (pids) pids.push(pid);
    else this.#byJob.set(jid, [pid]);
    this.#tell(`+${pid}`);
  }

  /** These jobs ended in their thread, which ended their children. */
  forget(jids: readonly number[]): void {
    if (this.#byJob.size === 0) return;
    for (const jid of jids) this.#take(jid);
  }

  /** These jobs' threads were stopped or died: their children are ended here. */
  end(jids: readonly number[]): void {
    if (this.#byJob.size === 0) return;
    for (const jid of jids) for (const pid of this.#take(jid)) killGroup(pid);
  }

  close(): void {
    this.end([...this.#byJob.keys()]);
    // Its input ends: the watcher ends what is left (nothing) and exits.
    this.#watcher?.stdin?.end();
    this.#watcher = undefined;
  }

  #take(jid: number): number[] {
    const pids = this.#byJob.get(jid) ?? [];
    this.#byJob.delete(jid);
    for (const pid of pids) this.#tell(`-${pid}`);
    return pids;
  }

  #tell(line: string): void {
    this.#watcher ??= startWatcher();
    this.#watcher.stdin?.write(`${line}\n`);
  }
}

function startWatcher(): ChildProcess {
  // Detached: a Ctrl-C meant for the host must leave the watcher to end the groups after it.
  const watcher = spawn(process.execPath, ['-e', WATCHER_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watcher.on('error', () => {});
  watcher.stdin.on('error', () => {});
  // The watcher must never keep the host alive.
  watcher.unref();
  (watcher.stdin as { unref?: () => void }).unref?.();
  return watcher;
}
