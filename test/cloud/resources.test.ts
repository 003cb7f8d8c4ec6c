import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CloudException, type Cloud, type Jid } from '@nimbus-js/nimbus';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MODES, WORKER_MODES, hang, makeCloud } from '../support/clouds.js';

const run = promisify(execFile);

/** Counts each status among these jobs. */
async function countStatuses(cloud: Cloud, jids: Jid[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const status of await cloud.status(jids)) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** Counts each status among these jobs once `processing` of them have started (their workers take a moment). */
async function countOnceProcessing(cloud: Cloud, jids: Jid[], processing: number): Promise<Record<string, number>> {
  while (((await countStatuses(cloud, jids)).processing ?? 0) < processing) await new Promise((resolve) => setTimeout(resolve, 5));
  return countStatuses(cloud, jids);
}

describe.each(WORKER_MODES)('compute units (%s)', (mode) => {
  // 2 cores offer 5 compute units: c1 = 1, c2 = 2.5, m1 = 3.25.
  const cloud = makeCloud(mode, { cores: 2 });
  afterAll(() => cloud.close());
  afterEach(() => cloud.kill());

  it('runs up to five c1 jobs at once on two cores', async () => {
    const jids = await cloud.map((_: number) => new Promise(() => {}), [1, 2, 3, 4, 5, 6, 7]);
    expect(await countOnceProcessing(cloud, jids, 5)).toEqual({ processing: 5, queued: 2 });
  });

  it('runs two c2 jobs at once', async () => {
    const jids = await cloud.with({ type: 'c2' }).map((_: number) => new Promise(() => {}), [1, 2, 3]);
    expect(await countOnceProcessing(cloud, jids, 2)).toEqual({ processing: 2, queued: 1 });
  });

  it('runs one m1 job beside one c1 job', async () => {
    const big = await cloud.with({ type: 'm1' }).call(hang);
    const small = await cloud.map((_: number) => new Promise(() => {}), [1, 2, 3]);
    expect(await countOnceProcessing(cloud, [big, ...small], 2)).toEqual({ processing: 2, queued: 2 });
    expect(await cloud.status(big)).toBe('processing');
  });

  it('runs c1 jobs beside an m1 job while a second m1 waits for the units (backfill)', async () => {
    const first = await cloud.with({ type: 'm1' }).call(hang); // 3.25 units held: 1.75 free
    const second = await cloud.with({ type: 'm1' }).call(function secondM1() {
      return process.hrtime.bigint();
    });
    const small = await cloud.map((_: number) => process.hrtime.bigint(), [1, 2]);
    const smallAt = await cloud.result(small); // one after the other, beside the first m1
    expect(await cloud.status(second)).toBe('queued');
    await cloud.kill(first);
    const secondAt = await cloud.result(second);
    expect(smallAt.every((at) => at < secondAt)).toBe(true);
  });

  it('cores multiplies what a job reserves', async () => {
    const jids = await cloud.with({ cores: 2 }).map((_: number) => new Promise(() => {}), [1, 2, 3]);
    expect(await countOnceProcessing(cloud, jids, 2)).toEqual({ processing: 2, queued: 1 });
  });

  it('runs at most s1Concurrency scraping jobs at once (default: cores)', async () => {
    const jids = await cloud.with({ type: 's1' }).map((_: number) => new Promise(() => {}), [1, 2, 3]);
    expect(await countOnceProcessing(cloud, jids, 2)).toEqual({ processing: 2, queued: 1 });
  });
});

// Memory shapes that end only their own job. A job allocates until stopped.
const SHAPES = {
  'a growing array of objects': () => {
    const a: object[] = [];
    for (;;) a.push({ x: Math.random(), y: [1, 2, 3] });
  },
  'one huge string built by concatenation': () => {
    let s = 'x';
    for (;;) s += s.length + 'abcdefgh'.repeat(100);
  },
  'Buffers allocated in a loop': () => {
    const a: Buffer[] = [];
    for (;;) a.push(Buffer.alloc(1 << 20, 1));
  },
  'one huge ArrayBuffer': () => new Uint8Array(new ArrayBuffer(1536 * 1024 * 1024)).fill(1).length,
  'a growing Map': () => {
    const m = new Map();
    for (let i = 0; ; i++) m.set(i, { i });
  },
};
const LIMIT_MB = 160;

describe('memory limits on worker processes', () => {
  const cloud = makeCloud('process', { cores: 2, memoryLimits: { c1: LIMIT_MB } });
  afterAll(() => cloud.close());

  it.each(Object.entries(SHAPES))('%s ends only that job, with error, and the runtime goes on', async (_shape, body) => {
    const bystander = await cloud.call(async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      return 'survived';
    }, 200);
    const hog = await cloud.call(body);
    const error = (await cloud.result(hog).catch((e: unknown) => e)) as CloudException;
    expect(error).toBeInstanceOf(CloudException);
    expect(error.status).toBe('error');
    expect(error.message).toBe(`Job ${hog}: exceeded the c1 memory limit of ${LIMIT_MB} MB`);
    expect(await cloud.result(bystander)).toBe('survived');
    expect(await cloud.result(await cloud.call(() => 'later'))).toBe('later');
  });

  it('info reports peak memory and CPU time for every finished job', async () => {
    const jid = await cloud.call(() => {
      let x = 0;
      for (let i = 0; i < 1e6; i++) x += i;
      return Buffer.alloc(32 << 20, 1).length + x * 0;
    });
    await cloud.join(jid);
    const info = await cloud.info(jid);
    expect(info.memory).toBeGreaterThan(32 << 20);
    expect(info.cputime).toBeGreaterThan(0);
  });
});

describe('memory limits on worker threads', () => {
  const cloud = makeCloud('thread', { cores: 2, memoryLimits: { c1: 64 } });
  afterAll(() => cloud.close());

  // Only the JS heap is held by a thread's limit: Buffers, ArrayBuffers and a growing Map
  // (which makes V8 abort the whole process) need process isolation; see the README.
  it.each(['a growing array of objects', 'one huge string built by concatenation'] as const)('%s ends only that job', async (shape) => {
    const hog = await cloud.call(SHAPES[shape]);
    const error = (await cloud.result(hog).catch((e: unknown) => e)) as CloudException;
    expect(error.message).toBe(`Job ${hog}: exceeded the c1 memory limit of 64 MB`);
    expect(await cloud.result(await cloud.call(() => 'later'))).toBe('later');
  });
});

describe.each(WORKER_MODES)('workers that die (%s)', (mode) => {
  const cloud = makeCloud(mode, { cores: 1, computeUnits: 1, maxRestarts: 2 });
  afterAll(() => cloud.close());

  it('jobs queued behind a job whose worker exits are not lost', async () => {
    const exits = await cloud.call(() => process.exit(7));
    const behind = await cloud.map((x: number) => x * 2, [1, 2, 3]);
    const error = (await cloud.result(exits).catch((e: unknown) => e)) as CloudException;
    expect(error.message).toBe(`Job ${exits}: worker exited (code 7)`);
    expect(await cloud.result(behind)).toEqual([2, 4, 6]);
  });

  it('an error thrown by a timer the job left running kills the worker and ends the job error', async () => {
    const jid = await cloud.call(async () => {
      setTimeout(() => {
        throw new Error('thrown later');
      }, 0);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    });
    const error = (await cloud.result(jid).catch((e: unknown) => e)) as CloudException;
    expect(error.message).toMatch(new RegExp(`^Job ${jid}: worker exited \\(code 1\\)|thrown later`));
    expect(await cloud.result(await cloud.call(() => 'later'))).toBe('later');
  });

  it('a restartable job whose worker died runs again, and info counts the attempts', async () => {
    const script = fileURLToPath(new URL('../fixtures/restart-once.mjs', import.meta.url));
    const { stdout } = await run(process.execPath, [script, mode], { timeout: 15_000 });
    expect(JSON.parse(stdout)).toEqual({ result: 'second run', attempts: 2 });
  });

  it('a restartable job that always dies ends error after maxRestarts more runs', async () => {
    const jid = await cloud.with({ restartable: true }).call(() => process.exit(4));
    const error = (await cloud.result(jid).catch((e: unknown) => e)) as CloudException;
    expect(error.message).toBe(`Job ${jid}: worker exited (code 4)`);
    expect((await cloud.info(jid)).attempts).toBe(3);
  });
});

describe.each(MODES)('resource options (%s)', (mode) => {
  it('info tells the memory limit a job is held to, and that the simulator holds none', async () => {
    const cloud = makeCloud(mode, { memoryLimits: { c2: 500 } });
    const jid = await cloud.with({ type: 'c2', cores: 2 }).call(() => 1);
    await cloud.join(jid);
    expect((await cloud.info(jid)).memoryLimit).toBe(mode === 'simulator' ? undefined : 1000);
    await cloud.close();
  });

  it('a memory limit larger than the machine is clamped, with a warning', async () => {
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(warning.message);
    process.on('warning', listener);
    const cloud = makeCloud(mode, { memoryLimits: { m1: 10_000_000 } });
    await cloud.result(await cloud.call(() => 1));
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', listener);
    await cloud.close();
    expect(warnings.some((w) => /the m1 memory limit of 10000000 MB is more than this machine's \d+ MB/.test(w))).toBe(true);
  });
});
