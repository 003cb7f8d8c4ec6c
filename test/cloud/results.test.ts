import { CloudException, CloudTimeoutError, type Jid } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENTUALLY, SHARED_MODES, hang, makeCloud } from '../support/clouds.js';

describe.each(SHARED_MODES)('results (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it('call returns a jid at once and result gives the return value', async () => {
    const jid = await cloud.call((x: number, y: number) => x + y, 1, 2);
    expect(Number.isInteger(jid) && jid > 0).toBe(true);
    expect(await cloud.result(jid)).toBe(3);
  });

  it('jids increase', async () => {
    const a = await cloud.call(() => 1);
    const b = await cloud.call(() => 2);
    expect(b).toBeGreaterThan(a);
  });

  it('map runs one job per index and pads shorter iterables with undefined', async () => {
    const jids = await cloud.map((x: number, y?: number) => [x, y ?? null], [1, 2, 3], [10]);
    expect(jids).toHaveLength(3);
    expect(await cloud.result(jids)).toEqual([
      [1, 10],
      [2, null],
      [3, null],
    ]);
  });

  it('map takes any iterable', async () => {
    function* numbers() {
      yield 1;
      yield 2;
    }
    const jids = await cloud.map((x: number, y: string) => `${x}${y}`, numbers(), new Set(['a', 'b']));
    expect(await cloud.result(jids)).toEqual(['1a', '2b']);
  });

  it('map over empty iterables makes no job', async () => {
    expect(await cloud.map((x: number) => x, [])).toEqual([]);
  });

  it('async functions are awaited and generators give the array of what they yield', async () => {
    const asyncJid = await cloud.call(async (x: number) => x * 2, 21);
    const genJid = await cloud.call(function* count(n: number) {
      for (let i = 0; i < n; i++) yield i;
    }, 3);
    expect(await cloud.result(asyncJid)).toBe(42);
    expect(await cloud.result(genJid)).toEqual([0, 1, 2]);
  });

  it('default, rest and destructured parameters work', async () => {
    const jid = await cloud.call(({ a }: { a: number }, b: number = 5, ...rest: number[]) => a + b + rest.length, { a: 1 }, undefined, 7, 8);
    expect(await cloud.result(jid)).toBe(8);
  });

  it('arguments and results are copied: objects, Maps, Dates, typed arrays and BigInts arrive whole', async () => {
    const input = { when: new Date(0), tags: new Map([['k', 1]]), bytes: new Uint8Array([1, 2]), big: 2n ** 70n };
    const jid = await cloud.call((value: typeof input) => ({ ...value, big: value.big + 1n }), input);
    const output = await cloud.result(jid);
    expect(output.when).toEqual(new Date(0));
    expect(output.tags.get('k')).toBe(1);
    expect([...output.bytes]).toEqual([1, 2]);
    expect(output.big).toBe(2n ** 70n + 1n);
  });

  it('arguments are a snapshot taken at call time', async () => {
    const list = [1, 2, 3];
    const jid = await cloud.call((xs: number[]) => xs.length, list);
    list.push(4);
    expect(await cloud.result(jid)).toBe(3);
  });

  it("a map's items are a snapshot taken at map time, whatever primitives they are", async () => {
    // Numbers, strings, booleans, null, undefined and bigints travel as the map's own column (no list per job).
    const items: unknown[] = [1, 'two', true, null, undefined, 3n, 2.5];
    for (let i = 0; i < 30; i++) items.push(i);
    const jids = await cloud.map((x: unknown) => (typeof x === 'bigint' ? `${x}n` : x === undefined ? 'undefined' : x), items);
    items[0] = 'changed';
    items.push('late');
    expect(jids).toHaveLength(37);
    expect(await cloud.result(jids)).toEqual([1, 'two', true, null, 'undefined', '3n', 2.5, ...Array.from({ length: 30 }, (_, i) => i)]);
    const many = Array.from({ length: 100 }, (_, i) => i);
    const manyJids = await cloud.map((x: number) => x * 2, many);
    many.fill(-1);
    expect(await cloud.result(manyJids)).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
  });

  it('result of several jids keeps their order', async () => {
    const jids = await cloud.map((x: number) => x * x, [3, 1, 2]);
    expect(await cloud.result(jids)).toEqual([9, 1, 4]);
  });

  it('result rejects with CloudException carrying the jid and the remote error', async () => {
    class ValidationError extends Error {
      override name = 'ValidationError';
    }
    void ValidationError;
    const jid = await cloud.call(() => {
      class ValidationError extends Error {
        override name = 'ValidationError';
      }
      throw new ValidationError('bad row 7');
    });
    const error = await cloud.result(jid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudException);
    const exception = error as CloudException;
    expect(exception.jid).toBe(jid);
    expect(exception.status).toBe('error');
    expect(exception.remoteName).toBe('ValidationError');
    expect(exception.remoteMessage).toBe('bad row 7');
    expect(exception.remoteStack).toContain('bad row 7');
    expect(exception.message).toBe(`Job ${jid}: bad row 7`);
    expect(await cloud.status(jid)).toBe('error');
    const info = await cloud.info(jid);
    expect(info.exception).toMatchObject({ name: 'ValidationError', message: 'bad row 7' });
  });

  it('ignoreErrors puts the CloudException in the failed slot', async () => {
    const jids = await cloud.map(
      (x: number) => {
        if (x === 2) throw new Error('two');
        return x;
      },
      [1, 2, 3],
    );
    const results = await cloud.result(jids, { ignoreErrors: true });
    expect(results[0]).toBe(1);
    expect(results[1]).toBeInstanceOf(CloudException);
    expect((results[1] as unknown as CloudException).remoteMessage).toBe('two');
    expect(results[2]).toBe(3);
  });

  it('join rejects as soon as one job fails, while others are not complete', async () => {
    const failing = await cloud.call(() => {
      throw new Error('early');
    });
    const slow = await cloud.call(hang);
    const error = await cloud.join([slow, failing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudException);
    expect((error as CloudException).jid).toBe(failing);
    expect(['queued', 'processing']).toContain(await cloud.status(slow));
    await cloud.kill(slow);
  });

  it('join with ignoreErrors waits for every job to complete', async () => {
    const jids = await cloud.map(
      (x: number) => {
        if (x) throw new Error('x');
        return x;
      },
      [0, 1],
    );
    await cloud.join(jids, { ignoreErrors: true });
    expect(await cloud.status(jids)).toEqual(['done', 'error']);
  });

  it('a timeout rejects with CloudTimeoutError and the job goes on', async () => {
    const jid = await cloud.call(hang);
    const error = await cloud.result(jid, { timeout: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudTimeoutError);
    expect((error as CloudTimeoutError).timeout).toBe(30);
    // It goes on: it reaches processing (a cluster's worker may take it after the 30 ms).
    await expect.poll(() => cloud.status(jid), EVENTUALLY).toBe('processing');
    await cloud.kill(jid);
  });

  it('iresult yields in the order of the jids', async () => {
    const jids = await cloud.map((x: number) => x + 1, [1, 2, 3, 4]);
    const seen: number[] = [];
    for await (const value of cloud.iresult(jids)) seen.push(value);
    expect(seen).toEqual([2, 3, 4, 5]);
  });

  it('iresult throws at the turn of a failed job, or yields its CloudException with ignoreErrors', async () => {
    const jids = await cloud.map(
      (x: number) => {
        if (x === 2) throw new Error('bad');
        return x;
      },
      [1, 2, 3],
    );
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const v of cloud.iresult(jids)) seen.push(v);
      })(),
    ).rejects.toBeInstanceOf(CloudException);
    expect(seen).toEqual([1]);
    const all: unknown[] = [];
    for await (const v of cloud.iresult(jids, { ignoreErrors: true })) all.push(v);
    expect(all[0]).toBe(1);
    expect(all[1]).toBeInstanceOf(CloudException);
    expect(all[2]).toBe(3);
  });

  it('iresult applies its timeout to each step', async () => {
    const done = await cloud.call(() => 'ready');
    const stuck = await cloud.call(hang);
    // Finished first, so that its step needs no time: on a loaded machine a job may take longer
    // than the 50 ms a step is given.
    await cloud.join(done);
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const v of cloud.iresult([done, stuck] as Jid<unknown>[], { timeout: 50 })) seen.push(v);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['ready']);
    expect(error).toBeInstanceOf(CloudTimeoutError);
    await cloud.kill(stuck);
  });

  it('iresultUnordered yields each job as it finishes', async () => {
    const quick = await cloud.call(() => 'quick');
    const stuck = await cloud.call(hang);
    const iterator = cloud.iresultUnordered([stuck, quick] as Jid<unknown>[])[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual([quick, 'quick']);
    await cloud.kill(stuck);
    const error = await iterator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudException);
    expect((error as CloudException).status).toBe('killed');
    expect((error as CloudException).message).toBe(`Job ${stuck}: killed`);
  });

  it('iresultUnordered gives every pair exactly once', async () => {
    const jids = await cloud.map((x: number) => x * 10, [1, 2, 3, 4, 5]);
    const pairs: [number, number][] = [];
    for await (const pair of cloud.iresultUnordered(jids)) pairs.push(pair);
    expect(pairs.sort((a, b) => a[0] - b[0])).toEqual(jids.map((jid, i) => [jid, (i + 1) * 10]));
  });
});
