import { afterAll, describe, expect, it } from 'vitest';
import { SHARED_MODES, makeCloud } from '../support/clouds.js';

// Inside a job, the name `cloud` is the job's own client of the same runtime.
declare const cloud: import('@nimbus-js/nimbus').Cloud;

describe.each(SHARED_MODES)('jobs that start jobs (%s)', (mode) => {
  // One slot: a parent that held it while waiting would never see its children run. On Redis, a
  // cluster of one 1-core worker with one compute unit.
  const runtime = makeCloud(mode, { cores: 1, computeUnits: 1 });
  afterAll(() => runtime.close());

  it('a parent maps 20 children and waits on them, with one slot', async () => {
    const parent = await runtime.call(async (n: number) => {
      const children = await cloud.map(
        (x: number) => x * x,
        Array.from({ length: n }, (_, i) => i),
      );
      const squares = await cloud.result(children);
      return squares.reduce((a: number, b: number) => a + b, 0);
    }, 20);
    expect(await runtime.result(parent)).toBe(2470);
  });

  it('children are jobs of the same runtime, visible from outside', async () => {
    const parent = await runtime.call(async () => cloud.call((x: number) => x + 1, 41));
    const child = await runtime.result(parent);
    expect(child).toBeGreaterThan(parent);
    expect(await runtime.result(child as never)).toBe(42);
  });

  it('three generations deep still finish with one slot', async () => {
    const grandparent = await runtime.call(async () => {
      const parent = await cloud.call(async () => {
        const child = await cloud.call(() => 'leaf');
        return `${await cloud.result(child)} via parent`;
      });
      return `${await cloud.result(parent)} via grandparent`;
    });
    expect(await runtime.result(grandparent)).toBe('leaf via parent via grandparent');
  });

  it("a child's failure reaches the parent as a CloudException", async () => {
    const parent = await runtime.call(async () => {
      const child = await cloud.call(() => {
        throw new RangeError('child broke');
      });
      try {
        await cloud.result(child);
        return 'no error';
      } catch (error) {
        const e = error as { name: string; remoteName: string; jid: number };
        return `${e.name} ${e.remoteName} ${e.jid === child}`;
      }
    });
    expect(await runtime.result(parent)).toBe('CloudException RangeError true');
  });

  it('a bad request from inside a job is a CloudError there', async () => {
    const parent = await runtime.call(async () => {
      try {
        await cloud.status(987_654);
        return 'no error';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    });
    expect(await runtime.result(parent)).toBe('CloudError: unknown jid 987654: no such job (never created, or deleted)');
  });
});
