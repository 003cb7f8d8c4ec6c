/**
 * `new Cloud({ redis })` as a user holds it, with the worker's side of the records driven by hand:
 * the config it refuses, Redis unreachable within the connect timeout, the same API over Redis, a
 * second client reading the jobs of the first, and a script that exits without close.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Cloud, CloudError, type Jid } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnvironment } from '../../src/options.js';
import { connectRedis } from '../../src/redis/redis-connection.js';
import { beat, done, openRecords, run, worker } from '../support/redis-jobs.js';
import { freePort, startRedisServer, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
const closing: (() => Promise<unknown> | void)[] = [];
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const close of closing) await close();
  await server?.stop();
});

const w1 = worker('w1');
let queueNo = 0;

/** A Cloud on a fresh queue, and the worker's side of its records. */
async function cloudOnRedis() {
  const queue = `c${++queueNo}`;
  const cloud = new Cloud({ redis: server.url, queue });
  const side = openRecords(server.url, queue);
  closing.push(() => cloud.close(), side.close);
  await beat(side.records, w1);
  return { cloud, records: side.records, queue };
}

describe('the config of a Cloud on Redis', () => {
  it.each([
    [{ redis: 'redis://127.0.0.1:1/0', simulator: true }, /simulator/],
    [{ redis: 'redis://127.0.0.1:1/0', home: '.nimbus' }, /home/],
    [{ redis: 'redis://127.0.0.1:1/0', files: 'memory' }, /files/],
    [{ queue: 'q' }, /queue/],
    [{ redis: 'http://127.0.0.1:6379' }, /redis must be a Redis URL/],
    [{ redis: 'redis://127.0.0.1:1/0', queue: 'a:b' }, /queue must be a queue name/],
  ])('refuses %o', (config, message) => {
    expect(() => new Cloud(config as never)).toThrow(message);
    try {
      new Cloud(config as never);
    } catch (error) {
      expect((error as CloudError).code).toBe('ERR_BAD_OPTION');
    }
  });

  it('reads NIMBUS_REDIS and NIMBUS_QUEUE', () => {
    expect(configFromEnvironment({ NIMBUS_REDIS: 'redis://h:1/2', NIMBUS_QUEUE: 'team' })).toEqual({ redis: 'redis://h:1/2', queue: 'team' });
  });
});

describe('Redis unreachable', () => {
  it('rejects the first request with ERR_REDIS_UNREACHABLE when nothing listens, and tries again on the next', async () => {
    const cloud = new Cloud({ redis: `redis://127.0.0.1:${await freePort()}/0` });
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await cloud.call((x: number) => x, 1).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(CloudError);
      expect(error).toMatchObject({ code: 'ERR_REDIS_UNREACHABLE' });
    }
    expect(await cloud.close()).toBe(false);
  });

  it('gives up within the connect timeout on a server that never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    closing.push(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    const { port } = silent.address() as { port: number };
    const error = await connectRedis(`redis://:secret@127.0.0.1:${port}/0`, { connectTimeoutMs: 300 }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'ERR_REDIS_UNREACHABLE' });
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('secret');
  });
});

describe('the API over Redis', () => {
  it('calls, maps, waits, informs, lists and kills as the local runtime does', async () => {
    const { cloud, records } = await cloudOnRedis();
    const jid = await cloud.with({ label: 'one' }).call(function double(x: number) {
      return x * 2;
    }, 21);
    const jids = await cloud.map((x: number) => x, [1, 2, 3]);
    expect(await cloud.status(jid)).toBe('queued');
    const waiting = cloud.result(jid);
    await run(records, w1, [done(jid, 42)]);
    expect(await waiting).toBe(42);
    expect(await cloud.info(jid, ['status', 'fn', 'label', 'worker', 'attempts'])).toEqual({
      status: 'done',
      fn: 'double',
      label: 'one',
      worker: 'w1:100',
      attempts: 1,
    });
    expect((await cloud.list({ label: 'one' })).map((info) => info.jid)).toEqual([jid]);
    expect(await cloud.load()).toMatchObject({ computeUnits: { total: 5 }, queued: 3 });
    await cloud.kill(jids[0]);
    await expect(cloud.result(jids[0]!)).rejects.toMatchObject({ code: 'ERR_JOB_KILLED' });
    await expect(cloud.status(99_999 as Jid)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_JID' });
    await cloud.delete(jid);
    await expect(cloud.info(jid)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_JID' });
  });

  it('lets a second client read the jobs of one that closed, and leaves the jobs running when it closes', async () => {
    const { cloud, records, queue } = await cloudOnRedis();
    const jid = await cloud.call((x: number) => x + 1, 1);
    expect(await cloud.close()).toBe(true);
    expect(await records.status([jid])).toEqual(['queued']);
    await run(records, w1, [done(jid, 2)]);
    const second = new Cloud({ redis: server.url, queue });
    closing.push(() => second.close());
    expect(await second.result(jid)).toBe(2);
  });

  it('ends a wait with ERR_CLOSED when its cloud closes', async () => {
    const { cloud } = await cloudOnRedis();
    const jid = await cloud.call((x: number) => x, 1);
    const waiting = cloud.result(jid).catch((thrown: unknown) => thrown);
    await cloud.status(jid);
    await cloud.close();
    expect(await waiting).toMatchObject({ code: 'ERR_CLOSED' });
  });
});

describe('a script on Redis', () => {
  it('stays alive while it waits and exits by itself, without close', async () => {
    const queue = `c${++queueNo}`;
    const side = openRecords(server.url, queue);
    closing.push(side.close);
    await beat(side.records, w1);
    const script = fileURLToPath(new URL('../fixtures/redis/wait-no-close.mjs', import.meta.url));
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, NIMBUS_REDIS: server.url, NIMBUS_QUEUE: queue },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    closing.push(() => void child.kill('SIGKILL'));
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const submitted = JSON.parse((await lines.next()).value as string) as { jid: number; status: string };
    expect(submitted.status).toBe('queued');
    await run(side.records, w1, [done(submitted.jid, 42)]);
    expect(JSON.parse((await lines.next()).value as string)).toEqual({ result: 42 });
    expect(await exited).toEqual([0, null]);
  });
});
