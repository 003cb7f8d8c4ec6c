/**
 * The nimbus command on a Redis cluster (`--redis URL`, `--queue Q`), spawned as a user runs it: it
 * reads the jobs another client submitted and a worker ran, and kills one running on a worker.
 */
import type { Cloud } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nimbusSpawned } from '../cli/support/nimbus.js';
import { EVENTUALLY, hang } from '../support/clouds.js';
import { redisCluster, type RedisCluster } from '../support/redis-cluster.js';

describe('nimbus jobs | info | result | kill --redis', () => {
  let cluster: RedisCluster;
  let client: Cloud;
  let jids: { greeting: number; failing: number };
  beforeAll(async () => {
    cluster = await redisCluster({ workers: 1, worker: { cores: 1 } });
    client = cluster.cloud();
    const greeting = await client.with({ label: 'greet' }).call(function greet(name: string) {
      console.log(`hello ${name}`);
      return `hello ${name}`;
    }, 'world');
    const failing = await client.with({ label: 'fails' }).call(function explode() {
      throw new RangeError('the input was out of range');
    });
    await client.join([greeting, failing], { ignoreErrors: true });
    jids = { greeting, failing };
  }, 60_000);
  afterAll(() => cluster?.stop());

  const nimbus = (...args: string[]) => nimbusSpawned([...args, '--redis', cluster.url, '--queue', cluster.queue]);

  it('result: the value and exit 0, or the error and exit 1', async () => {
    expect(await nimbus('result', String(jids.greeting))).toEqual({ code: 0, stdout: 'hello world\n', stderr: '' });
    const failed = await nimbus('result', String(jids.failing));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Job ${jids.failing}: the input was out of range\n  RangeError: the input was out of range\n      at explode`);
  });

  it('info shows the record, its output and the worker that ran it', async () => {
    const info = await nimbus('info', String(jids.greeting));
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/\nfn: +greet\nlabel: +greet\n/);
    expect(info.stdout).toContain('stdout:\n  hello world\n');
    expect(info.stdout).toContain(cluster.workers[0]!.name);
    const failed = JSON.parse((await nimbus('info', String(jids.failing), '--json')).stdout);
    expect(failed).toMatchObject({ status: 'error', fn: 'explode', worker: cluster.workers[0]!.name, exception: { name: 'RangeError' } });
  });

  it('jobs lists them, newest first, filtered by status', async () => {
    const jobs = await nimbus('jobs', '--status', 'error');
    expect(jobs.code).toBe(0);
    expect(jobs.stdout.trimEnd().split('\n').slice(1)).toEqual([expect.stringMatching(new RegExp(`^ *${jids.failing} +error +explode +fails +c1 `))]);
    const all = JSON.parse((await nimbus('jobs', '--json')).stdout) as { jid: number }[];
    expect(all.map((job) => job.jid)).toEqual([jids.failing, jids.greeting]);
  });

  it('kill stops a job running on a worker, and the client waiting on it hears so', async () => {
    const running = await client.call(hang);
    await expect.poll(() => client.status(running), EVENTUALLY).toBe('processing');
    const waiting = client.result(running).catch((e: unknown) => String(e));
    expect(await nimbus('kill', String(running))).toEqual({ code: 0, stdout: `${running}  killed\n`, stderr: '' });
    expect(await waiting).toBe(`CloudException: Job ${running}: killed`);
  });

  it('a Redis that cannot be reached: a message and a non-zero exit, no hang', async () => {
    const ran = await nimbusSpawned(['jobs', '--redis', 'redis://127.0.0.1:1/0']);
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toMatch(/^nimbus: .*127\.0\.0\.1:1/);
  });
});
