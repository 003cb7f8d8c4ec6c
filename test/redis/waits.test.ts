/**
 * Waits do not poll: a client waiting on jobs hears of their completion through Redis pub/sub, so
 * the commands it sends Redis during a wait do not grow with how long the wait lasts. Counted by
 * the server itself (INFO commandstats) while no worker is alive, so that every command is the
 * waiting client's.
 */
import { Redis } from 'ioredis';
import type { Cloud } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCluster, type RedisCluster } from '../support/redis-cluster.js';

const SHORT_WAIT_MS = 200;
const LONG_WAIT_MS = 3_000;
/** What a wait may cost beyond another, whatever its length: a subscription, a read or two. */
const SLACK_COMMANDS = 2;
/** How long Redis holds its clients' commands (CLIENT PAUSE) in the timeout test. */
const PAUSE_MS = 500;

describe('waits on a Redis cloud', () => {
  let cluster: RedisCluster;
  let client: Cloud;
  let stats: Redis;
  beforeAll(async () => {
    cluster = await redisCluster({ workers: 0, worker: { cores: 1 } });
    client = cluster.cloud();
    stats = new Redis(cluster.url);
  }, 60_000);
  afterAll(async () => {
    stats?.disconnect();
    await cluster?.stop();
  });

  /** The commands the server ran, all clients together, but for the INFO this count sends. */
  async function commandsSoFar(): Promise<number> {
    const text = await stats.info('commandstats');
    let total = 0;
    for (const [, name, calls] of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (name !== 'info') total += Number(calls);
    return total;
  }

  async function commandsDuring(wait: () => Promise<unknown>): Promise<number> {
    const before = await commandsSoFar();
    await wait();
    return (await commandsSoFar()) - before;
  }

  it('cost the same number of commands whether they last 200 ms or 3 s', { timeout: 30_000 }, async () => {
    // No worker: the job stays queued, and each wait ends by its timeout.
    const jid = await client.call(() => 'late');
    expect(await client.status(jid)).toBe('queued');
    const expire = (wait: Promise<unknown>) =>
      wait.then(
        () => expect.unreachable('the wait ended with no worker alive'),
        () => undefined,
      );
    const short = await commandsDuring(() => expire(client.result(jid, { timeout: SHORT_WAIT_MS })));
    const long = await commandsDuring(() => expire(client.result(jid, { timeout: LONG_WAIT_MS })));
    expect(long).toBeLessThanOrEqual(short + SLACK_COMMANDS);
    const shortJoin = await commandsDuring(() => expire(client.join(jid, { timeout: SHORT_WAIT_MS })));
    const longJoin = await commandsDuring(() => expire(client.join(jid, { timeout: LONG_WAIT_MS })));
    expect(longJoin).toBeLessThanOrEqual(shortJoin + SLACK_COMMANDS);
  });

  it('count a job complete before the wait began even when Redis answers after the timeout', async () => {
    // No worker: one job is killed (complete), the other stays queued.
    const jids = await client.map((x: number) => x, [1, 2]);
    const killed = jids[0]!;
    const queued = jids[1]!;
    await client.kill(killed);
    // Redis holds every client's commands for a while: the wait's reads answer after its timeout.
    await stats.client('PAUSE', String(PAUSE_MS), 'ALL');
    expect(await client.wait([killed, queued], { timeout: PAUSE_MS / 10 })).toEqual({ done: [killed], pending: [queued] });
  });

  it('end when the job completes, and a wait on a complete job answers at once', async () => {
    const jid = await client.call((x: number) => x * 2, 21);
    const waiting = client.result(jid);
    await cluster.startWorker();
    expect(await waiting).toBe(42);
    // Complete already: no wait for a message that was published before it began (which would
    // never come: the bound only turns that hang into a failure, and a loaded machine needs room).
    expect(await client.result(jid, { timeout: 2_000 })).toBe(42);
  });
});
