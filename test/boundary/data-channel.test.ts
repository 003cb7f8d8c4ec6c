import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENTUALLY, makeCloud } from '../support/clouds.js';
import { waitGone } from './pids.js';

/**
 * A worker process and its host talk on a data channel, a socket on a descriptor of the worker's
 * own (process-protocol.ts, DATA_FD). Job code can write on it, or close it: the host must read
 * nothing a job wrote as a message, end that worker (it can no longer be told or heard), fail the
 * job that broke it, and go on with the next jobs in a new worker.
 */
describe('the data channel of a worker process', () => {
  const cloud = makeCloud('process', { cores: 1, computeUnits: 1 });
  afterAll(() => cloud.close());

  const breakers = {
    'writes text on it': () => {
      process.getBuiltinModule('node:fs').writeSync(5, 'garbage written by a job\n');
      return process.pid;
    },
    'writes what looks like a frame head on it': () => {
      process.getBuiltinModule('node:fs').writeSync(5, Buffer.from([6, 0, 0, 0, 0, 99, 1, 2, 3, 4]));
      return process.pid;
    },
    'closes it': () => {
      process.getBuiltinModule('node:fs').closeSync(5);
      return process.pid;
    },
    'closes it and never yields again': () => {
      process.getBuiltinModule('node:fs').closeSync(5);
      for (;;);
    },
  };

  it.each(Object.entries(breakers))('a job that %s fails, its worker ends, and the next jobs run', async (_name, breaker) => {
    const before = await cloud.result(await cloud.call(() => process.pid));
    const broken = await cloud.call(breaker);
    await expect(cloud.result(broken)).rejects.toThrow(/worker exited \(ended: a job wrote on or closed its data channel, descriptor 5\)/);
    expect(await cloud.status(broken)).toBe('error');
    await waitGone([before]);
    expect(await cloud.result(await cloud.map((x: number) => x * 2, [1, 2, 3]))).toEqual([2, 4, 6]);
  });

  it('carries messages many times a socket read, both ways, byte for byte', async () => {
    const text = 'nimbus 🙂 '.repeat(500_000);
    const numbers = Float64Array.from({ length: 200_000 }, (_, i) => i / 7);
    const echoed = await cloud.result(await cloud.call((t: string, n: Float64Array) => [t + '!', n.length, n[199_999]], text, numbers));
    expect(echoed).toEqual([text + '!', 200_000, 199_999 / 7]);
    const items = Array.from({ length: 200 }, (_, i) => `${i}:${'x'.repeat(50_000)}`);
    expect(await cloud.result(await cloud.map((item: string) => item.length, items))).toEqual(items.map((item) => item.length));
  });

  it("a job finds no token of its worker's in its environment, nor in the one its worker started with", async () => {
    const [now, started] = await cloud.result(
      await cloud.call(() => {
        const environ = process.getBuiltinModule('node:fs').readFileSync('/proc/self/environ', 'utf8').split('\0');
        const nimbus = (names: string[]) => names.filter((name) => name.startsWith('NIMBUS_'));
        return [nimbus(Object.keys(process.env)), nimbus(environ.map((entry) => entry.split('=')[0]!))];
      }),
    );
    expect(now).toEqual([]);
    // The host's pid, which the worker must die with, is no secret; nothing else of nimbus's is there.
    expect(started).toEqual(['NIMBUS_HOST_PID']);
  });

  it('a worker killed from outside is not said to have broken its channel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nimbus-channel-'));
    try {
      const file = join(dir, 'pid');
      const running = await cloud.call(async (path: string) => {
        process.getBuiltinModule('node:fs').writeFileSync(path, String(process.pid));
        await new Promise(() => {});
      }, file);
      await expect.poll(() => readPid(file), EVENTUALLY).toBeGreaterThan(0);
      process.kill(readPid(file), 'SIGKILL');
      await expect(cloud.result(running)).rejects.toThrow('worker exited (signal SIGKILL)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function readPid(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8'));
  } catch {
    return 0;
  }
}
