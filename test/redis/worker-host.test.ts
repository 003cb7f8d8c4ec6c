/**
 * `startWorker` against a real redis-server: workers made in this process (their jobs still run in
 * worker processes or threads), clients on the same Redis. What a worker does with the jobs it
 * takes: runs them as a local runtime does and says so in Redis, takes only what it has room for,
 * parks a waiting parent, stops a killed job's code, refuses what it must not run.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Cloud, CloudError, CloudException, startWorker, type NimbusWorker, type WorkerOptions } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveJobOptions } from '../../src/options.js';
import { bullJobId, ChunkQueues } from '../../src/redis/chunk-queues.js';
import { RedisKeys } from '../../src/redis/redis-keys.js';
import { RedisRecords } from '../../src/redis/redis-records.js';
import { shipFunction } from '../../src/shipping/ship-function.js';
import type { Packed } from '../../src/types/job-outcome.js';
import type { ShippedFunction } from '../../src/types/shipped-function.js';
import { packArguments } from '../../src/wire/payload.js';
import { beat, worker } from '../support/redis-jobs.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

// A lost lock is noticed within two of these: short, so that a test never waits long for one.
process.env.NIMBUS_REDIS_LOCK_MS = '2000';

let server: RedisServer;
const closing: (() => Promise<unknown>)[] = [];
let queueNo = 0;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const close of closing.reverse()) await close().catch(() => {});
  await server?.stop();
});

/** A fresh queue, its client, and workers of it started with `options`. */
async function cluster(...workers: Partial<WorkerOptions>[]): Promise<{ cloud: Cloud; workers: NimbusWorker[]; queue: string }> {
  const queue = `w${++queueNo}`;
  const started = await Promise.all(workers.map((options) => startWorker({ redis: server.url, queue, isolation: 'thread', cores: 1, ...options })));
  for (const worker of started) closing.push(() => worker.close({ force: true }));
  const cloud = new Cloud({ redis: server.url, queue });
  closing.push(() => cloud.close());
  return { cloud, workers: started, queue };
}

/** Until `check` holds, looking again on each answer from Redis (the condition is the event). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('a worker runs jobs as a local runtime does', () => {
  it('runs a map, captures its output, and tells which worker ran each job', async () => {
    const { cloud, workers } = await cluster({});
    const jids = await cloud.map(
      (x: number) => {
        console.log(`doubling ${x}`);
        return x * 2;
      },
      [1, 2, 3, 4, 5],
    );
    expect(await cloud.result(jids)).toEqual([2, 4, 6, 8, 10]);
    const infos = await cloud.info(jids);
    expect(infos.map((info) => info.worker)).toEqual(jids.map(() => workers[0]!.name));
    expect(infos.map((info) => info.stdout)).toEqual([1, 2, 3, 4, 5].map((x) => `doubling ${x}\n`));
    expect(infos.every((info) => info.attempts === 1 && info.status === 'done')).toBe(true);
  });

  it('registers with its compute units, and leaves when closed', async () => {
    const { cloud, workers } = await cluster({ cores: 2, computeUnits: 3 });
    expect(workers[0]!.name).toMatch(/^.+:\d+$/);
    expect(workers[0]!.id.startsWith(`${workers[0]!.name}:`)).toBe(true);
    expect((await cloud.load()).computeUnits.total).toBe(3);
    await workers[0]!.close();
    expect((await cloud.load()).computeUnits.total).toBe(0);
  });

  it('ends a job that throws error, with its stack and code', async () => {
    const { cloud } = await cluster({});
    const jid = await cloud.call(() => {
      throw Object.assign(new RangeError('no cheese'), { code: 'E_CHEESE' });
    });
    const failure = (await cloud.result(jid).catch((error: unknown) => error)) as CloudException;
    expect(failure).toBeInstanceOf(CloudException);
    expect(failure).toMatchObject({ code: 'ERR_JOB_FAILED', remoteName: 'RangeError', remoteMessage: 'no cheese', remoteCode: 'E_CHEESE' });
  });

  it('holds a job to its maxRuntime, and names the job by its jid', async () => {
    const { cloud, queue } = await cluster({});
    // Jids the worker never saw (other clients' jobs): its own ids of jobs lag the jids.
    const redis = new Redis(server.url);
    closing.push(() => redis.quit());
    await redis.incrby(new RedisKeys(queue).jid, 10);
    const jid = await cloud.with({ maxRuntime: 200 }).call(() => new Promise(() => {}));
    const failure = (await cloud.result(jid).catch((error: unknown) => error)) as CloudException;
    expect(failure.remoteCode).toBe('ERR_MAX_RUNTIME');
    // Named by its jid (the prefix), never by the worker's own id of it (the worker ran other jobs before).
    expect(failure.message).toBe(`Job ${jid}: exceeded its maxRuntime of 200 ms and was stopped`);
  });
});

describe('taking work', () => {
  it('takes a chunk only while it has room: two workers of one slot each run one of two long jobs each', async () => {
    const { cloud, workers } = await cluster({ computeUnits: 1 }, { computeUnits: 1 });
    const jids = await cloud.map((ms: number) => new Promise((resolve) => setTimeout(() => resolve(ms), ms)), [600, 600]);
    expect(await cloud.result(jids)).toEqual([600, 600]);
    const ran = (await cloud.info(jids)).map((info) => info.worker);
    expect(new Set(ran)).toEqual(new Set(workers.map((worker) => worker.name)));
  });

  it('finishes a parent that maps 20 children on one worker with one compute unit: the waiting parent gives it back', async () => {
    const { cloud } = await cluster({ computeUnits: 1, isolation: 'process' });
    const parent = await cloud.call(async (n: number) => {
      const children = await cloud.map(
        (i: number) => i * i,
        Array.from({ length: n }, (_, i) => i),
      );
      const squares = await cloud.result(children);
      return squares.reduce((sum, square) => sum + square, 0);
    }, 20);
    expect(await cloud.result(parent, { timeout: 15_000 })).toBe(2470);
    const children = (await cloud.list({ limit: 100 })).filter((info) => info.jid !== parent);
    expect(children).toHaveLength(20);
    expect(children.every((child) => child.status === 'done')).toBe(true);
  });

  it('runs a job whose dependencies another worker ran', async () => {
    const { cloud, workers } = await cluster({}, {});
    const first = await cloud.call(() => 20);
    const second = await cloud.with({ dependsOn: first }).call(() => 22);
    expect(await cloud.result([first, second])).toEqual([20, 22]);
    expect(workers.map((worker) => worker.name)).toContain((await cloud.info(second)).worker);
  });
});

describe('a chunk handed over while another worker holds its jobs', () => {
  it('claims them again once that worker stopped beating, and runs them', async () => {
    const { cloud, workers, queue } = await cluster({});
    const redis = new Redis(server.url);
    closing.push(() => redis.quit());
    const records = new RedisRecords(redis, queue);
    // A worker that claimed the job and went quiet: its alive key outlives BullMQ's lock by a little.
    const ghost = worker('ghost');
    await beat(records, ghost, 2_500);
    const { first, ready } = await records.submit(
      { fn: shipFunction((x: number) => x + 1), argsList: [packArguments([41]) as Packed], options: resolveJobOptions({}) },
      1,
    );
    expect((await records.claim([first], ghost, 3)).verdicts).toEqual([{ kind: 'run' }]);
    // As BullMQ hands a chunk over when its holder's lock ran out: the job is still the ghost's until its alive key runs out.
    const queues = new ChunkQueues(redis, records.keys, 'test');
    closing.push(() => queues.close());
    await queues.add(ready);
    expect(await cloud.result(first, { timeout: 15_000 })).toBe(42);
    expect((await cloud.info(first)).worker).toBe(workers[0]!.name);
  });
});

describe('kill', () => {
  it('stops the code of an endless loop running on a worker (its process ends)', async () => {
    const { cloud } = await cluster({ isolation: 'process' });
    const pidFile = join(mkdtempSync(join(tmpdir(), 'nimbus-kill-')), 'pid');
    const jid = await cloud.call((path: string) => {
      process.getBuiltinModule('node:fs').writeFileSync(path, String(process.pid));
      for (;;);
    }, pidFile);
    await until(async () => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await cloud.kill(jid);
    expect(await cloud.status(jid)).toBe('killed');
    await until(async () => !isRunning(pid));
    // The worker goes on: its slot is free again.
    expect(await cloud.result(await cloud.call(() => 'after'))).toBe('after');
  });
});

describe('what a worker refuses', () => {
  it('ends the jobs of a chunk of another wire version error, naming both versions and the worker', async () => {
    const { cloud, workers, queue } = await cluster({});
    const redis = new Redis(server.url);
    closing.push(() => redis.quit());
    const records = new RedisRecords(redis, queue);
    const { first, ready } = await records.submit(
      { fn: shipFunction((x: number) => x), argsList: [packArguments([1]) as Packed], options: resolveJobOptions({}) },
      1,
    );
    const bull = new Queue(records.keys.bullQueue('c1'), { connection: redis, prefix: 'nimbus' });
    closing.push(() => bull.close());
    const chunk = ready[0]!.id;
    await bull.add('chunk', { v: 999, version: '9.9.9', chunk, type: 'c1', first, count: 1 }, { jobId: bullJobId(chunk), removeOnComplete: true });
    const failure = (await cloud.result(first).catch((error: unknown) => error)) as CloudException;
    expect(failure.remoteCode).toBe('ERR_WIRE_VERSION');
    expect(failure.remoteMessage).toContain('9.9.9');
    expect(failure.remoteMessage).toContain('wire version 999');
    expect(failure.remoteMessage).toContain(workers[0]!.name);
  });

  it('ends a job whose module the worker cannot load error, naming the module and the worker', async () => {
    const { cloud, workers, queue } = await cluster({});
    const missing = join(tmpdir(), 'nimbus-nowhere', 'helper.mjs');
    const fn: ShippedFunction = {
      id: 'uses-a-missing-module',
      name: 'usesHelper',
      root: 0,
      nodes: [
        { kind: 'source', name: 'usesHelper', expression: '(x) => helper(x)', strict: true, module: undefined, bindings: [['helper', 1]] },
        { kind: 'import', url: pathToFileURL(missing).href, name: 'helper', attributes: undefined },
      ],
      data: undefined,
    };
    const redis = new Redis(server.url);
    closing.push(() => redis.quit());
    const records = new RedisRecords(redis, queue);
    const { first } = await records.submit({ fn, argsList: [packArguments([1]) as Packed], options: resolveJobOptions({}) }, 1);
    // The chunk reaches BullMQ through the worker's sweep of ready chunks, as one whose adder died would.
    const failure = (await cloud.result(first, { timeout: 10_000 }).catch((error: unknown) => error)) as CloudException;
    expect(failure).toBeInstanceOf(CloudException);
    expect(failure.remoteMessage).toContain(missing);
    expect(failure.remoteMessage).toContain(`nimbus worker ${workers[0]!.name}`);
  });

  it('leaves a job larger than the worker queued, unclaimed, and a larger worker that comes runs it', async () => {
    const { cloud, queue } = await cluster({ computeUnits: 2 });
    const jid = await cloud.with({ type: 'c2' }).call(() => 'big');
    const small = await cloud.with({ cores: 2 }).call(() => 'two cores');
    expect(await cloud.result(small)).toBe('two cores');
    expect(await cloud.status(jid)).toBe('queued');
    const larger = await startWorker({ redis: server.url, queue, isolation: 'thread', cores: 1 });
    closing.push(() => larger.close({ force: true }));
    expect(await cloud.result(jid)).toBe('big');
    expect((await cloud.info(jid)).worker).toBe(larger.name);
  });
});

describe('startWorker options', () => {
  it('refuses an unknown option, a missing redis and a memory file store', async () => {
    await expect(startWorker({ redis: server.url, bogus: 1 } as WorkerOptions)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_OPTION' });
    await expect(startWorker({} as WorkerOptions)).rejects.toMatchObject({ code: 'ERR_BAD_OPTION' });
    await expect(startWorker({ redis: server.url, files: 'memory' })).rejects.toMatchObject({ code: 'ERR_BAD_OPTION' });
    await expect(startWorker({ redis: 'http://nowhere' })).rejects.toBeInstanceOf(CloudError);
  });

  it('rejects with ERR_REDIS_UNREACHABLE when nothing answers, leaving nothing behind', async () => {
    const closed = await startRedisServer();
    await closed.stop();
    await expect(startWorker({ redis: closed.url })).rejects.toMatchObject({ code: 'ERR_REDIS_UNREACHABLE' });
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
