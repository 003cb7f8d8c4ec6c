/**
 * Several workers share one queue: a map is spread over them, dependencies are held in Redis (a
 * diamond runs after the client that submitted it has exited, and another client reads it), their
 * jobs share one file store (a directory every worker is given), and load() sums the workers alive.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CloudException, type Cloud, type Jid } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTUALLY } from '../support/clouds.js';
import { TEST_LOCK_MS } from '../support/nimbus-workers.js';
import { redisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { exchangeFiles, meetWorkers, readText } from './support/jobs.js';

const run = promisify(execFile);
const SUBMIT_DIAMOND = fileURLToPath(new URL('../fixtures/redis/submit-diamond.mjs', import.meta.url));
/** One core each: 2.5 compute units, two c1 jobs at once. */
const CORES = 1;
const UNITS_PER_WORKER = 2.5;

describe('a cluster of two workers', () => {
  let scratch: string;
  let cluster: RedisCluster;
  let client: Cloud;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'nimbus-redis-sharing-'));
    cluster = await redisCluster({ workers: 2, worker: { cores: CORES, files: join(scratch, 'files') } });
    client = cluster.cloud({ files: { dir: join(scratch, 'files') } });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  /** A fresh empty directory under the scratch one. */
  const freshDir = (name: string) => mkdtemp(join(scratch, `${name}-`));

  it('spreads a map over both workers: each runs some, as info().worker says', async () => {
    const meeting = await freshDir('meeting');
    const jids = await client.map(meetWorkers, Array(8).fill(meeting), Array(8).fill(2));
    const pids = await client.result(jids);
    const [first, second] = cluster.workers;
    expect(new Set(pids)).toEqual(new Set([first!.pid, second!.pid]));
    const ranOn = (await client.info(jids)).map((info) => info.worker);
    expect(ranOn).toEqual(pids.map((pid) => cluster.workers.find((worker) => worker.pid === pid)!.name));
  });

  it('runs a dependency diamond after the client that submitted it exited; another client reads it', async () => {
    const gate = join(scratch, 'diamond-gate');
    const meeting = await freshDir('diamond-meeting');
    // The submitting client exits before the top can end (it waits for the gate), so the rest
    // becomes ready with no client alive: the edges are in Redis.
    const { stdout } = await run(process.execPath, [SUBMIT_DIAMOND, cluster.url, cluster.queue, gate, meeting], { timeout: 30_000 });
    const { top, left, right, bottom } = JSON.parse(stdout) as Record<'top' | 'left' | 'right' | 'bottom', Jid<string>>;
    expect(await client.status([left, right, bottom])).toEqual(['waiting', 'waiting', 'waiting']);
    await writeFile(gate, '');
    const reader = cluster.cloud();
    expect(await reader.result([top, left, right, bottom])).toEqual(['top', 'left', 'right', 'bottom']);
    const sides = (await reader.info([left, right])).map((info) => info.worker);
    expect(new Set(sides).size).toBe(2);
    expect((await reader.info(bottom)).dependsOn).toEqual([left, right]);
  });

  it('shares one file store: a job on one worker reads what a job on the other wrote, and so does the client', async () => {
    const meeting = await freshDir('files-meeting');
    // c2 jobs take a 1-core worker's 2.5 units: the second cannot go to the worker running the
    // first, so the two meet (two c1 jobs in one chunk would wait for each other on one worker).
    const c2 = client.with({ type: 'c2' });
    const jids = [await c2.call(exchangeFiles, meeting, 'a', 'b'), await c2.call(exchangeFiles, meeting, 'b', 'a')];
    const [aRead, bRead] = await client.result(jids);
    const [aWrote, bWrote] = await Promise.all([readText(client, 'exchange/a.txt'), readText(client, 'exchange/b.txt')]);
    expect([aRead, bRead]).toEqual([bWrote, aWrote]);
    const writers = [aWrote, bWrote].map((text) => Number(/ on (\d+)$/.exec(text)?.[1]));
    expect(new Set(writers)).toEqual(new Set(cluster.workers.slice(0, 2).map((worker) => worker.pid)));
  });

  it("errors a worker's runtime gives name the job by its jid, not by the worker's own count", async () => {
    // Each worker has run only some of the queue's jobs: its own count of them lags the jids.
    const jid = await client.with({ maxRuntime: 50 }).call(() => {
      for (;;);
    });
    const error = (await client.result(jid).catch((e: unknown) => e)) as CloudException;
    expect(error).toBeInstanceOf(CloudException);
    expect(error.message).toBe(`Job ${jid}: exceeded its maxRuntime of 50 ms and was stopped`);
    expect((await client.info(jid)).exception?.message).toBe('exceeded its maxRuntime of 50 ms and was stopped');
  });

  it('load() and the dashboard list the live workers by name, with their compute units', async () => {
    const names = cluster.workers.map((worker) => worker.name).sort();
    await expect.poll(async () => ((await client.load()).workers ?? []).map((worker) => worker.name).sort(), EVENTUALLY).toEqual(names);
    const dashboard = await client.dashboard({ port: 0 });
    try {
      const load = (await (await fetch(new URL('api/load', dashboard.url))).json()) as { workers: { name: string; computeUnits: number }[] };
      expect(load.workers.map((worker) => worker.name).sort()).toEqual(names);
      expect(load.workers.every((worker) => worker.computeUnits === UNITS_PER_WORKER)).toBe(true);
    } finally {
      await dashboard.close();
    }
  });

  it('load() sums the live workers, and drops one that was SIGKILLed once the bound has passed', async () => {
    await expect.poll(async () => (await client.load()).computeUnits.total, EVENTUALLY).toBe(2 * UNITS_PER_WORKER);
    const third = await cluster.startWorker();
    await expect.poll(async () => (await client.load()).computeUnits.total, EVENTUALLY).toBe(3 * UNITS_PER_WORKER);
    await third.kill();
    // It sends no more heartbeats: it drops out after the lock duration.
    await expect
      .poll(async () => (await client.load()).computeUnits.total, { ...EVENTUALLY, timeout: TEST_LOCK_MS + EVENTUALLY.timeout })
      .toBe(2 * UNITS_PER_WORKER);
  });
});
