/**
 * A worker's life as the cluster sees it: jobs submitted while no worker is alive wait `queued` and
 * run when one starts; kill reaches code that never yields on a worker and ends its process, and
 * the worker goes on; SIGTERM lets the running job finish `done`, takes no new job, and exits 0.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTimeoutError, type Cloud } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitGone } from '../boundary/pids.js';
import { EVENTUALLY } from '../support/clouds.js';
import { redisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { fileAppears, waitForFile } from './support/jobs.js';

/** Writes its process's pid to `path`, then loops forever without yielding. */
const spinForever = (path: string) => {
  const { writeFileSync } = process.getBuiltinModule('node:fs');
  writeFileSync(path, String(process.pid));
  for (;;);
};

describe('workers coming and going', () => {
  let scratch: string;
  let cluster: RedisCluster;
  let client: Cloud;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'nimbus-redis-lifecycle-'));
    cluster = await redisCluster({ workers: 0, worker: { cores: 1 } });
    client = cluster.cloud();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('a job submitted while no worker is alive stays queued, and runs when one starts', async () => {
    const jid = await client.call((x: number) => x + 2, 40);
    // A bounded wait with nobody to run the job: it times out and the job is still queued.
    const error = await client.result(jid, { timeout: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudTimeoutError);
    expect(await client.status(jid)).toBe('queued');
    const worker = await cluster.startWorker();
    expect(await client.result(jid)).toBe(42);
    expect((await client.info(jid)).worker).toBe(worker.name);
  });

  it('kill stops an endless loop on a worker: its process ends, and the worker takes the next job', async () => {
    const [worker] = cluster.workers;
    const pidFile = join(scratch, 'spinning');
    const jid = await client.call(spinForever, pidFile);
    await fileAppears(pidFile);
    const jobPid = Number(await readFile(pidFile, 'utf8'));
    expect(jobPid).not.toBe(worker!.pid);
    await client.kill(jid);
    expect(await client.status(jid)).toBe('killed');
    await waitGone([jobPid]);
    const next = await client.call(() => 'next');
    expect(await client.result(next)).toBe('next');
    expect((await client.info(next)).worker).toBe(worker!.name);
  });

  it('SIGTERM: the running job finishes done, the worker takes no new job and exits 0', async () => {
    const [worker] = cluster.workers;
    const release = join(scratch, 'release');
    const running = await client.call(waitForFile, release, 'finished');
    await expect.poll(() => client.status(running), EVENTUALLY).toBe('processing');
    const exit = worker!.stop(30_000);
    // It says it is stopping (on stderr) once it has stopped taking jobs.
    await worker!.waitForOutput(/\bstopping\b/, { stream: 'stderr' });
    const later = await client.call(() => 'later');
    await writeFile(release, '');
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(await client.result(running)).toBe('finished');
    expect((await client.info(running)).worker).toBe(worker!.name);
    expect(await client.status(later)).toBe('queued');
    const next = await cluster.startWorker();
    expect(await client.result(later)).toBe('later');
    expect((await client.info(later)).worker).toBe(next.name);
  });
});
