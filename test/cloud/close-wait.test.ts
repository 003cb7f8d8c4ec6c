/** close({ wait: true }) lets the jobs in flight finish; `await using` closes a cloud at the end of its block. */
import { Cloud, CloudError } from '@nimbus-js/nimbus';
import { describe, expect, it } from 'vitest';
import { EVENTUALLY, MODES, makeCloud } from '../support/clouds.js';

// Inside a job, the name `cloud` is the job's own client of the same runtime.
declare const cloud: import('@nimbus-js/nimbus').Cloud;

const nap = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));

describe.each(MODES)('close (%s)', (mode) => {
  it('close({ wait: true }) lets queued and running jobs, and the jobs they start, finish first', async () => {
    const runtime = makeCloud(mode, { cores: 1, computeUnits: 1 });
    try {
      const jobs = await runtime.map(nap, [100, 100, 100]);
      const parent = await runtime.call(async () => {
        const child = await cloud.call(() => 'child');
        return cloud.result(child);
      });
      expect(await runtime.close({ wait: true })).toBe(true);
      expect(await runtime.status([...jobs, parent])).toEqual(['done', 'done', 'done', 'done']);
      expect(await runtime.result(parent)).toBe('child');
    } finally {
      await runtime.close();
    }
  });

  it('close() without wait still kills what is unfinished', async () => {
    const runtime = makeCloud(mode, { cores: 1, computeUnits: 1 });
    const job = await runtime.call(nap, 60_000);
    expect(await runtime.close({ wait: false })).toBe(true);
    expect(await runtime.status(job)).toBe('killed');
  });

  // concurrent.futures' shutdown(wait=True) cannot be hurried; here a second close() is the way out (a SIGINT handler's).
  it('close() during a close({ wait: true }) kills the jobs it waits on, and both end', async () => {
    const runtime = makeCloud(mode, { cores: 1, computeUnits: 1 });
    const job = await runtime.call(() => new Promise<never>(() => {}));
    await expect.poll(() => runtime.status(job), EVENTUALLY).toBe('processing');
    const graceful = runtime.close({ wait: true });
    const forced = runtime.close();
    expect([await graceful, await forced].sort()).toEqual([false, true]);
    expect(await runtime.status(job)).toBe('killed');
  });

  it('await using closes the cloud at the end of the block', async () => {
    let outside: Cloud;
    let job: number;
    {
      await using inside = makeCloud(mode);
      outside = inside;
      job = await inside.call(nap, 60_000);
    }
    expect(await outside.status(job)).toBe('killed');
    expect(await outside.close()).toBe(false);
  });

  it('refuses bad close options', async () => {
    const runtime = makeCloud(mode);
    await expect(runtime.close({ wait: 'yes' as never })).rejects.toThrow(CloudError);
    await expect(runtime.close({ drain: true } as never)).rejects.toThrow(/close options has no option 'drain'/);
  });
});
