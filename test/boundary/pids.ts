/** Waiting on processes and files from a test: each wait polls every POLL_MS up to a deadline. */
import { existsSync, readFileSync } from 'node:fs';

const POLL_MS = 20;
const DEADLINE_MS = 15_000;

/** Is the process running? A zombie (dead, not yet reaped) is not. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A process as a failure message shows it: pid, state and command. */
function describe(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return `${pid} ${stat.slice(stat.indexOf('('), stat.lastIndexOf(')') + 3)}`;
  } catch {
    return `${pid} (gone)`;
  }
}

export async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export async function waitGone(pids: readonly number[]): Promise<void> {
  await until(() => pids.every((pid) => !isRunning(pid)), `processes ${pids.join(', ')} to end`).catch((error: Error) => {
    throw new Error(`${error.message}; still running: ${pids.filter(isRunning).map(describe).join(', ')}`);
  });
}

/** The numbers a job wrote to `path`, one a line, once there are `count` of them. */
export async function readPids(path: string, count: number): Promise<number[]> {
  const read = () => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map(Number) : []);
  await until(() => read().length >= count, `${count} pids in ${path}`);
  return read();
}

/** Ends processes a failed test left behind. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
