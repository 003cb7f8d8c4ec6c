import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, killAll, readPids, waitGone } from './pids.js';

const HOST = fileURLToPath(new URL('../fixtures/boundary/busy-host.mjs', import.meta.url));
const SIGNALS = ['SIGKILL', 'SIGTERM', 'SIGINT'] as const;

let host: ChildProcess | undefined;
let leftovers: number[] = [];
afterEach(() => {
  host?.kill('SIGKILL');
  killAll(leftovers);
  leftovers = [];
});

/** Starts a host whose job loops; returns what it wrote: [idle workers..., job's process, job's child]. */
async function startHost(isolation: string, idle: boolean): Promise<number[]> {
  const pidFile = join(mkdtempSync(join(tmpdir(), 'nimbus-orphans-')), 'pids');
  host = spawn(process.execPath, [HOST, isolation, pidFile, idle ? 'idle' : ''], { stdio: ['ignore', 'inherit', 'inherit'] });
  const pids = await readPids(pidFile, idle ? 3 : 2);
  leftovers = pids.filter((pid) => pid !== host!.pid);
  return pids;
}

describe.each(SIGNALS)('a host killed by %s', (signal) => {
  it("takes its worker process with it, busy in a CPU-bound job, and the job's child", async () => {
    const pids = await startHost('process', false);
    expect(pids[0]).not.toBe(host!.pid);
    expect(pids.every(isRunning)).toBe(true);
    host!.kill(signal);
    await waitGone([host!.pid!, ...pids]);
  });

  it('takes its parked idle worker processes with it', async () => {
    const pids = await startHost('process', true);
    host!.kill(signal);
    await waitGone([host!.pid!, ...pids]);
  });

  it('in thread mode, leaves no child of a running job behind', async () => {
    const [jobProcess, child] = await startHost('thread', false);
    expect(jobProcess).toBe(host!.pid);
    host!.kill(signal);
    await waitGone([host!.pid!, child!]);
  });
});
