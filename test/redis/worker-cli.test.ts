/**
 * `nimbus worker` as an operator runs it: a child process (node dist/cli/main.js worker) on a real
 * redis-server, stopped by real signals. The first SIGTERM lets the running job finish and exits 0;
 * a second stops it at once and gives back what had not started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Cloud, CloudException, startWorker } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server } from '../files/support/s3-server.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const LOCK_MS = '2000';
process.env.NIMBUS_REDIS_LOCK_MS = LOCK_MS;

let server: RedisServer;
const closing: (() => Promise<unknown>)[] = [];
const children = new Set<ChildProcess>();
let queueNo = 0;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  const running = [...children].filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(running.map((child) => once(child, 'exit')));
  for (const close of closing.reverse()) await close().catch(() => {});
  await server?.stop();
});

interface CliWorker {
  child: ChildProcess;
  /** The line it printed when it took jobs. */
  ready: string;
  /** `host:pid`, as info().worker names it. */
  name: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** `nimbus worker --redis <server> <args>`, resolved once it prints its ready line. */
async function nimbusWorker(args: string[], env: Record<string, string> = {}): Promise<CliWorker> {
  const child = spawn(process.execPath, [MAIN, 'worker', '--redis', server.url, ...args], {
    env: { ...process.env, NIMBUS_HOME: '', NIMBUS_REDIS_LOCK_MS: LOCK_MS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    void exit.then((code) => reject(new Error(`nimbus worker exited ${code} before it was ready: ${stderr}`)));
  });
  return { child, ready, name: `${ready.split(' ')[2]!.split(':').slice(0, 2).join(':')}`, stderr: () => stderr, exit };
}

function fresh(): { cloud: Cloud; queue: string } {
  const queue = `cli${++queueNo}`;
  const cloud = new Cloud({ redis: server.url, queue });
  closing.push(() => cloud.close());
  return { cloud, queue };
}

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

const sleep = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));

describe('nimbus worker', () => {
  it('prints one line when it takes jobs: its id, the Redis, the queue, cores and compute units', async () => {
    const { cloud, queue } = fresh();
    const worker = await nimbusWorker(['--queue', queue, '--cores', '1', '--compute-units', '1.5', '--isolation', 'thread']);
    expect(worker.ready).toMatch(
      new RegExp(`^nimbus worker \\S+:${worker.child.pid}:\\S+ ready on ${server.url} queue ${queue} \\(1 cores, 1.5 compute units\\)$`),
    );
    expect((await cloud.load()).computeUnits.total).toBe(1.5);
    expect(await cloud.result(await cloud.call(() => 'ran'))).toBe('ran');
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
  });

  it('SIGTERM: takes no more jobs, lets the running one finish, leaves the registry and exits 0', async () => {
    const { cloud, queue } = fresh();
    const worker = await nimbusWorker(['--queue', queue, '--cores', '1', '--compute-units', '1', '--isolation', 'thread']);
    const running = await cloud.call(sleep, 1_000);
    await until(async () => (await cloud.status(running)) === 'processing');
    worker.child.kill('SIGTERM');
    const later = await cloud.call(() => 'later');
    expect(await worker.exit).toBe(0);
    expect(worker.stderr()).toContain('stopping');
    expect(await cloud.result(running)).toBe(1_000);
    expect((await cloud.info(running)).worker).toBe(worker.name);
    expect((await cloud.load()).computeUnits.total).toBe(0);
    // Submitted as it stopped: not taken, it waits for the next worker.
    expect(await cloud.status(later)).toBe('queued');
  });

  it('a second signal: stops the running job (lost, not restartable) and gives back the one not started, which another worker runs', async () => {
    const { cloud, queue } = fresh();
    const worker = await nimbusWorker(['--queue', queue, '--cores', '1', '--compute-units', '1', '--isolation', 'thread']);
    // 16 jobs on a cluster of one core travel two to a chunk: the worker takes the first chunk, runs its first job and holds the second.
    const jids = await cloud.map(sleep, [60_000, ...Array.from({ length: 15 }, () => 10)]);
    await until(async () => (await cloud.status(jids[0]!)) === 'processing');
    worker.child.kill('SIGTERM');
    await until(() => worker.stderr().includes('stopping'));
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toBe(4);
    expect(await cloud.status(jids[1]!)).toBe('queued');
    const other = await startWorker({ redis: server.url, queue, isolation: 'thread', cores: 1 });
    closing.push(() => other.close({ force: true }));
    const [lost, ...rest] = (await cloud.result(jids, { ignoreErrors: true })) as unknown[];
    expect(lost).toBeInstanceOf(CloudException);
    expect((lost as CloudException).remoteCode).toBe('ERR_WORKER_LOST');
    expect((lost as CloudException).remoteMessage).toContain(worker.name);
    expect(rest).toEqual(jids.slice(1).map(() => 10));
    expect((await cloud.info(jids[1]!)).worker).toBe(other.name);
  });

  it("SIGKILL: within twice the lock duration another worker takes the lost worker's chunks; a restartable job runs again, others end ERR_WORKER_LOST", async () => {
    const { cloud, queue } = fresh();
    const worker = await nimbusWorker(['--queue', queue, '--cores', '1', '--compute-units', '2', '--isolation', 'process']);
    const lost = await cloud.call(sleep, 60_000);
    const rerun = await cloud.with({ restartable: true }).call((ms: number) => sleep(ms).then(() => process.pid), 60_000);
    await until(async () => (await cloud.status([lost, rerun])).every((status) => status === 'processing'));
    worker.child.kill('SIGKILL');
    await worker.exit;
    const other = await startWorker({ redis: server.url, queue, isolation: 'thread', cores: 1 });
    closing.push(() => other.close({ force: true }));
    const failure = (await cloud.result(lost).catch((error: unknown) => error)) as CloudException;
    expect(failure.remoteCode).toBe('ERR_WORKER_LOST');
    expect(failure.remoteMessage).toContain(worker.name);
    await until(async () => (await cloud.info(rerun)).attempts === 2);
    expect(await cloud.status(rerun)).toBe('processing');
    expect((await cloud.info(rerun)).worker).toBe(other.name);
    await cloud.kill(rerun);
  });

  it('--files: the jobs see that store', async () => {
    const { cloud, queue } = fresh();
    const dir = mkdtempSync(join(tmpdir(), 'nimbus-worker-files-'));
    const worker = await nimbusWorker(['--queue', queue, '--cores', '1', '--isolation', 'thread', '--files', dir]);
    const jid = await cloud.call(async () => {
      await cloud.files.putf('hello from a worker', 'greeting.txt');
      return 'put';
    });
    expect(await cloud.result(jid)).toBe('put');
    expect(existsSync(join(dir, 'greeting.txt')) && readFileSync(join(dir, 'greeting.txt'), 'utf8')).toBe('hello from a worker');
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
  });

  it('--files s3://bucket/prefix with --s3-endpoint: the jobs and the clients share one S3 store', async () => {
    const s3 = await startS3Server();
    closing.push(() => s3.stop());
    const queue = `cli${++queueNo}`;
    const cloud = new Cloud({ redis: server.url, queue, files: { s3: { ...s3.config, prefix: 'shared/' } } });
    closing.push(() => cloud.close());
    const { accessKeyId, secretAccessKey } = s3.config.credentials!;
    const worker = await nimbusWorker(
      ['--queue', queue, '--cores', '1', '--isolation', 'thread', '--files', `s3://${s3.config.bucket}/shared/`, '--s3-endpoint', s3.config.endpoint!],
      {
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
      },
    );
    await cloud.files.putf('from the client', 'in.txt');
    const jid = await cloud.call(async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of await cloud.files.getf('in.txt')) chunks.push(chunk as Buffer);
      await cloud.files.putf(`${Buffer.concat(chunks).toString()}, and back`, 'out.txt');
    });
    await cloud.result(jid);
    const chunks: Buffer[] = [];
    for await (const chunk of await cloud.files.getf('out.txt')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('from the client, and back');
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
  });

  it('refuses a command line it cannot run (exit 2), and says when Redis is unreachable (exit 4)', async () => {
    const run = (args: string[], env: Record<string, string> = {}) => {
      const child = spawn(process.execPath, [MAIN, 'worker', ...args], {
        env: { ...process.env, NIMBUS_REDIS: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      return once(child, 'exit').then(([code]) => ({ code: code as number, stderr }));
    };
    expect(await run([])).toMatchObject({ code: 2, stderr: expect.stringContaining('--redis') as unknown });
    expect(await run(['--redis', server.url, '--isolation', 'fork'])).toMatchObject({ code: 2 });
    expect(await run(['--redis', server.url, '--s3-endpoint', 'http://127.0.0.1:1'])).toMatchObject({ code: 2 });
    const closed = await startRedisServer();
    await closed.stop();
    const unreachable = await run(['--redis', closed.url], { NIMBUS_REDIS_CONNECT_TIMEOUT_MS: '1000' });
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain('unreachable');
  });
});
