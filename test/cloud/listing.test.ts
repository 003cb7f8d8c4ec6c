import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EVENTUALLY, SHARED_MODES, makeCloud } from '../support/clouds.js';

describe.each(SHARED_MODES)('list and load (%s)', (mode) => {
  const cloud = makeCloud(mode, { cores: 1, computeUnits: 2.5 });
  afterAll(() => cloud.close());
  afterEach(() => cloud.kill());

  it('lists jobs newest first, filtered by status and label, up to a limit', async () => {
    const a = await cloud.with({ label: 'etl' }).call(() => 1);
    const b = await cloud.with({ label: 'etl' }).call(() => {
      throw new Error('x');
    });
    const c = await cloud.with({ label: 'other' }).call(() => 3);
    await cloud.join([a, b, c], { ignoreErrors: true });
    expect((await cloud.list({ label: 'etl' })).map((info) => info.jid)).toEqual([b, a]);
    expect((await cloud.list({ status: 'error', label: 'etl' })).map((info) => info.jid)).toEqual([b]);
    expect((await cloud.list({ status: ['done', 'error'], limit: 2 })).map((info) => info.jid)).toEqual([c, b]);
    expect((await cloud.list({ label: 'etl' }))[0]).toMatchObject({ jid: b, status: 'error', label: 'etl' });
  });

  it('pages on with before: the jobs with a smaller jid, so a page never repeats or skips one', async () => {
    const jids = await cloud.with({ label: 'pages' }).map((i: number) => i, [1, 2, 3, 4, 5]);
    await cloud.join(jids);
    const page = (before?: number) => cloud.list({ label: 'pages', limit: 2, before }).then((infos) => infos.map((info) => info.jid));
    const first = await page();
    expect(first).toEqual([jids[4], jids[3]]);
    const second = await page(first.at(-1));
    expect(second).toEqual([jids[2], jids[1]]);
    expect(await page(second.at(-1))).toEqual([jids[0]]);
    expect(await page(jids[0])).toEqual([]);
    expect(await cloud.list({ before: 1 })).toEqual([]);
    await expect(cloud.list({ before: 0 })).rejects.toThrow('before must be a positive integer, got 0');
  });

  it('refuses a bad filter', async () => {
    await expect(cloud.list({ status: 'finished' as never })).rejects.toThrow(
      "status must be one of 'queued', 'processing', 'waiting', 'done', 'error', 'killed', 'stalled', got \"finished\"",
    );
    await expect(cloud.list({ limit: 0 })).rejects.toThrow('limit must be a positive integer, got 0');
  });

  it('tells the load: compute units in use, running jobs per type, queued and waiting', async () => {
    const running = await cloud.with({ type: 'c2' }).call(() => new Promise(() => {}));
    const queued = await cloud.call(() => new Promise(() => {}));
    await cloud.with({ dependsOn: queued }).call(() => 1);
    await expect.poll(() => cloud.status(running), EVENTUALLY).toBe('processing');
    // On Redis, what a worker uses reaches load() with its next report.
    const expected = { computeUnits: { used: 2.5, total: 2.5, byType: { c2: 2.5 } }, running: { c2: 1 }, queued: 1, waiting: 1 };
    // A cluster also lists its workers (test/redis/sharing.test.ts tells what of them).
    const withoutWorkers = async () => {
      const { workers: _workers, ...load } = await cloud.load();
      return load;
    };
    await expect.poll(withoutWorkers, EVENTUALLY).toEqual(expected);
  });
});
