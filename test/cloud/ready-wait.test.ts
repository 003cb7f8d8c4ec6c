/** cloud.wait: the ready/not-ready split (Ray's wait, Dask's wait), which never throws for a job's failure. */
import { CloudError } from '@nimbus-js/nimbus';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SHARED_MODES, makeCloud } from '../support/clouds.js';

const forever = (): Promise<never> => new Promise(() => {});

describe.each(SHARED_MODES)('cloud.wait (%s)', (mode) => {
  const runtime = makeCloud(mode);
  afterAll(() => runtime.close());
  afterEach(() => runtime.kill());

  it('resolves when all are complete, whatever their ending, by default', async () => {
    const ok = await runtime.call(() => 1);
    const failed = await runtime.call(() => {
      throw new Error('no');
    });
    const stalled = await runtime.with({ dependsOn: failed }).call(() => 2);
    const split = await runtime.wait([ok, failed, stalled]);
    expect(split).toEqual({ done: [ok, failed, stalled], pending: [] });
  });

  it('resolves once count jobs are complete, with the others pending', async () => {
    const quick = await runtime.map((x: number) => x, [1, 2]);
    const slow = await runtime.call(forever);
    const { done, pending } = await runtime.wait([slow, ...quick], { count: 2 });
    expect(done).toEqual(quick);
    expect(pending).toEqual([slow]);
  });

  it('resolves with what is complete when the timeout passes, never rejecting', async () => {
    // The simulator runs one job at a time: the quick job goes first.
    const quick = await runtime.call(() => 'quick');
    await runtime.join(quick);
    const slow = await runtime.call(forever);
    expect(await runtime.wait([quick, slow], { timeout: 50 })).toEqual({ done: [quick], pending: [slow] });
    expect(await runtime.wait([slow], { timeout: 0 })).toEqual({ done: [], pending: [slow] });
    await runtime.kill(slow);
    expect(await runtime.wait([slow], { count: 1 })).toEqual({ done: [slow], pending: [] });
  });

  it('counts a jid asked twice once; an empty list resolves at once', async () => {
    const job = await runtime.call(() => 3);
    expect(await runtime.wait([job, job])).toEqual({ done: [job], pending: [] });
    expect(await runtime.wait([])).toEqual({ done: [], pending: [] });
  });

  it('rejects with the reason when its signal aborts', async () => {
    const slow = await runtime.call(forever);
    const controller = new AbortController();
    const waiting = runtime.wait([slow], { signal: controller.signal });
    controller.abort('enough');
    await expect(waiting).rejects.toBe('enough');
  });

  it('refuses a bad count with a CloudError', async () => {
    const jobs = await runtime.map((x: number) => x, [1, 2]);
    for (const count of [0, -1, 1.5, 3, '1']) {
      await expect(runtime.wait(jobs, { count: count as number })).rejects.toThrow(CloudError);
    }
    await expect(runtime.wait(jobs, { count: 3 })).rejects.toThrow('count must be at most the number of distinct jobs asked about (2), got 3');
    await expect(runtime.wait(jobs, { timeout: -1 })).rejects.toMatchObject({ code: 'ERR_BAD_OPTION' });
    await expect(runtime.wait(jobs, { ignoreErrors: true } as never)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_OPTION' });
  });
});
