import { afterAll, describe, expect, it } from 'vitest';
import { WORKER_MODES, makeCloud } from '../support/clouds.js';
import { waitGone } from './pids.js';

describe('idle workers killed from outside (process)', () => {
  const cloud = makeCloud('process', { cores: 2 });
  afterAll(() => cloud.close());

  it('jobs sent to them run elsewhere: all 40 succeed, and the runtime never sees an EPIPE', async () => {
    for (let round = 0; round < 3; round++) {
      // Jobs that take a moment, so that several worker processes start.
      const pids = new Set(
        await cloud.result(
          await cloud.map(
            async (_: number) => {
              await new Promise((resolve) => setTimeout(resolve, 20));
              return process.pid;
            },
            Array.from({ length: 10 }, (_, i) => i),
          ),
        ),
      );
      expect(pids.has(process.pid)).toBe(false);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      const jids = await cloud.map(
        (x: number) => x * 3,
        Array.from({ length: 40 }, (_, i) => i),
      );
      expect(await cloud.result(jids)).toEqual(Array.from({ length: 40 }, (_, i) => i * 3));
      const attempts = (await cloud.info(jids, ['attempts'])).map((info) => info.attempts);
      expect(attempts.every((n) => (n ?? 0) <= 2)).toBe(true);
      await waitGone([...pids]);
    }
  });

  it('killing a worker while its batch is on the way returns the batch, never blaming a job', async () => {
    const pid = await cloud.result(await cloud.call(() => process.pid));
    // Stopped, it cannot take (acknowledge) the batch sent to it; killed then, the batch was on
    // the way: it comes back, and no innocent job fails. (Killed a moment later, after it took the
    // batch, the job it was on would be the one blamed: that is the dying-worker rule, not this.)
    process.kill(pid, 'SIGSTOP');
    const jids = await cloud.map(
      (x: number) => x + 1,
      Array.from({ length: 200 }, (_, i) => i),
    );
    process.kill(pid, 'SIGKILL');
    expect(await cloud.result(jids)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });
});

/** Returns x, and leaves behind something that goes off 0-5 ms later. */
const leaveTimer = (x: number, kind: string) => {
  const delay = x % 6;
  if (kind === 'exit') setTimeout(() => process.exit(1), delay);
  if (kind === 'throw')
    setTimeout(() => {
      throw new Error(`left by ${x}`);
    }, delay);
  if (kind === 'reject')
    setTimeout(() => {
      void Promise.reject(new Error(`rejection left by ${x}`));
    }, delay);
  return x;
};

describe.each(WORKER_MODES)('jobs that leave timers that exit or throw (%s)', (mode) => {
  const cloud = makeCloud(mode, { cores: 2 });
  afterAll(() => cloud.close());

  it.each(['exit', 'throw', 'reject'])('the leaver ends done, and 60 innocent jobs submitted after all succeed (%s)', async (kind) => {
    const innocent = (x: number) => new Promise<number>((resolve) => setTimeout(() => resolve(x * 10), x % 4));
    const leavers: number[] = [];
    const innocents: number[] = [];
    for (let i = 0; i < 20; i++) {
      leavers.push(await cloud.call(leaveTimer, i, kind));
      innocents.push(...(await cloud.map(innocent, [3 * i, 3 * i + 1, 3 * i + 2])));
    }
    expect(await cloud.result(innocents)).toEqual(Array.from({ length: 60 }, (_, i) => i * 10));
    expect(await cloud.result(leavers)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('jobs after a leaver that exits while idle run on a fresh worker', async () => {
    const leaver = await cloud.call(leaveTimer, 0, 'exit');
    await cloud.join(leaver);
    expect(await cloud.result(await cloud.map((x: number) => x - 1, [1, 2, 3]))).toEqual([0, 1, 2]);
  });
});
