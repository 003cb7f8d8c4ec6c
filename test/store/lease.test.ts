/**
 * Owner liveness is a lease in the database, not the owner's pid: a stopped owner, or a zombie
 * (killed, not reaped), still has a pid, but its lease runs out, and a process already waiting
 * on its jobs recovers them while it waits: the restartable one runs again (its attempts
 * counting both runs), the other ends 'error'. NIMBUS_LEASE_MS (internal) makes the lease short.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Cloud } from '@nimbus-js/nimbus';
import { afterEach, describe, expect, it } from 'vitest';

const LEASE_MS = '600';
process.env.NIMBUS_LEASE_MS = LEASE_MS;
const fixture = fileURLToPath(new URL('../fixtures/store/own-and-stay.mjs', import.meta.url));
const POLL_MS = 20;
const DEADLINE_MS = 15_000;

interface Owner {
  pid: number;
  restartable: number;
  hanging: number;
}

const started: ChildProcess[] = [];
const pids: number[] = [];
const clouds: Cloud[] = [];
afterEach(async () => {
  for (const pid of pids.splice(0)) killQuietly(pid);
  for (const child of started.splice(0)) if (child.pid) killQuietly(child.pid);
  for (const cloud of clouds.splice(0)) await cloud.close();
});

/** Starts the owner; `zombie`: under a parent (sh, then sleep) that never reaps it. */
async function startOwner(home: string, zombie: boolean): Promise<Owner> {
  const env = { ...process.env, NIMBUS_LEASE_MS: LEASE_MS };
  const child = zombie
    ? spawn('sh', ['-c', '"$0" "$1" "$2" & exec sleep 60', process.execPath, fixture, home], { env })
    : spawn(process.execPath, [fixture, home], { env });
  started.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const owner = JSON.parse((await lines.next()).value as string) as Owner;
  pids.push(owner.pid);
  return owner;
}

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function processState(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
  } catch {
    return undefined;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone already */
  }
}

describe.each([
  ['stopped (SIGSTOP)', false],
  ['a zombie (SIGKILLed, not reaped)', true],
])('an owner that is %s while another process waits on its jobs', (_, zombie) => {
  it('loses its lease; the waiter recovers its jobs and its waits end', async () => {
    const home = mkdtempSync(join(tmpdir(), 'nimbus-lease-'));
    const owner = await startOwner(home, zombie);
    const cloud = new Cloud({ home, cores: 2 });
    clouds.push(cloud);
    // Both jobs are seen processing in the store: their first run has begun in the owner.
    await until(async () => (await cloud.status([owner.restartable, owner.hanging])).every((status) => status === 'processing'));

    const waits = Promise.allSettled([cloud.result(owner.restartable), cloud.result(owner.hanging)]);
    process.kill(owner.pid, zombie ? 'SIGKILL' : 'SIGSTOP');
    await until(() => processState(owner.pid) === (zombie ? 'Z' : 'T'));
    // The pid is still there: only the lease tells that the owner is gone.
    expect(() => process.kill(owner.pid, 0)).not.toThrow();

    const [restarted, ended] = await waits;
    expect(restarted).toEqual({ status: 'fulfilled', value: 'second run' });
    expect(ended.status).toBe('rejected');
    expect(String((ended as PromiseRejectedResult).reason)).toContain(`Job ${owner.hanging}: runtime stopped before the job finished`);
    expect(await cloud.info(owner.restartable, ['status', 'attempts'])).toEqual({ status: 'done', attempts: 2 });
  });
});
