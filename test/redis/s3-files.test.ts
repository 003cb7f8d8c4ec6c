/**
 * Jobs on every worker see the same cloud.files on S3 (a real s3rver): the workers are given the
 * store as an operator gives it (`--files s3://bucket/prefix --s3-endpoint URL`, the credentials in
 * the AWS SDK's environment variables), the client as a Cloud config.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cloud } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3Server } from '../files/support/s3-server.js';
import { redisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { exchangeFiles, readText } from './support/jobs.js';

const PREFIX = 'shared/';

describe('cloud.files on S3 across workers', () => {
  let scratch: string;
  let s3: S3Server;
  let cluster: RedisCluster;
  let client: Cloud;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'nimbus-redis-s3-'));
    s3 = await startS3Server();
    const { bucket, endpoint, credentials } = s3.config;
    // The credentials in the AWS SDK's environment variables, as an operator gives them.
    const env = {
      AWS_ACCESS_KEY_ID: credentials!.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials!.secretAccessKey,
      AWS_REGION: 'us-east-1',
    };
    cluster = await redisCluster({ workers: 2, worker: { cores: 1, files: `s3://${bucket}/${PREFIX}`, args: ['--s3-endpoint', endpoint!], env } });
    client = cluster.cloud({ files: { s3: { ...s3.config, prefix: PREFIX } } });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await s3?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('a job on one worker reads what a job on the other wrote, and so does the client', async () => {
    // c2 jobs take a 1-core worker's 2.5 units: the worker running one cannot take the other.
    const jids = await client.with({ type: 'c2' }).map(exchangeFiles, [scratch, scratch], ['a', 'b'], ['b', 'a']);
    const [aRead, bRead] = await client.result(jids);
    const [aWrote, bWrote] = await Promise.all([readText(client, 'exchange/a.txt'), readText(client, 'exchange/b.txt')]);
    expect([aRead, bRead]).toEqual([bWrote, aWrote]);
    const writers = [aWrote, bWrote].map((text) => Number(/ on (\d+)$/.exec(text)?.[1]));
    expect(new Set(writers)).toEqual(new Set(cluster.workers.map((worker) => worker.pid)));
    // Under the prefix, in the bucket.
    expect(s3.requests.some((request) => request.startsWith(`PUT /${s3.config.bucket}/${PREFIX}exchange/a.txt`))).toBe(true);
  });
});
