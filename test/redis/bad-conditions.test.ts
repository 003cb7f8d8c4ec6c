/**
 * What a Redis cloud refuses, and how it fails when Redis cannot be reached: a CloudError with a
 * code within the connect timeout, never a hang. A config that cannot work is refused at once:
 * jobs on other machines could never see a 'memory' file store, and a simulator or a home would
 * mean two backends at once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cloud, type CloudConfig } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/redis-server.js';
import { refusal } from '../support/refusal.js';

describe('Redis that cannot be reached', () => {
  let clouds: Cloud[] = [];
  afterAll(() => Promise.all(clouds.map((cloud) => cloud.close())));
  const unreachable = async (): Promise<Cloud> => {
    const cloud = new Cloud({ redis: `redis://127.0.0.1:${await freePort()}/0` });
    clouds = [...clouds, cloud];
    return cloud;
  };

  it('call rejects with ERR_REDIS_UNREACHABLE naming the server, and so do later requests', async () => {
    const cloud = await unreachable();
    const error = await refusal(() => cloud.call(() => 1));
    expect(error.code).toBe('ERR_REDIS_UNREACHABLE');
    expect(error.message).toContain('127.0.0.1');
    expect((await refusal(() => cloud.status(1 as never))).code).toBe('ERR_REDIS_UNREACHABLE');
    expect((await refusal(() => cloud.load())).code).toBe('ERR_REDIS_UNREACHABLE');
  });

  it('every request of a fresh cloud fails the same way (no hang on the first one)', async () => {
    expect((await refusal(async () => (await unreachable()).result(1 as never))).code).toBe('ERR_REDIS_UNREACHABLE');
    expect((await refusal(async () => (await unreachable()).map((x: number) => x, [1, 2]))).code).toBe('ERR_REDIS_UNREACHABLE');
    expect((await refusal(async () => (await unreachable()).kill())).code).toBe('ERR_REDIS_UNREACHABLE');
  });

  it('a bad URL is refused at new Cloud', async () => {
    expect((await refusal(() => new Cloud({ redis: 'http://127.0.0.1:6379' }))).code).toBe('ERR_BAD_OPTION');
    expect((await refusal(() => new Cloud({ redis: 42 } as never))).code).toBe('ERR_BAD_OPTION');
  });
});

describe('configs a Redis cloud refuses', () => {
  let home: string;
  // Nothing listens there: a config refused before any connection is not ERR_REDIS_UNREACHABLE.
  let redis: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'nimbus-redis-refusals-'));
    redis = `redis://127.0.0.1:${await freePort()}/0`;
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  /** A refused config: at new Cloud, or at the latest on its first request (nothing is sent). */
  const refused = (config: CloudConfig) =>
    refusal(async () => {
      const cloud = new Cloud(config);
      try {
        await cloud.call(() => 1);
      } finally {
        await cloud.close();
      }
    });

  it("files: 'memory' (jobs on other machines could never see it)", async () => {
    const error = await refused({ redis, files: 'memory' });
    expect(error.code).toMatch(/^ERR_/);
    expect(error.code).not.toBe('ERR_REDIS_UNREACHABLE');
    expect(error.message).toMatch(/memory/);
    expect(error.message).toMatch(/redis/i);
  });

  it('the simulator, or a home, beside redis', async () => {
    for (const config of [
      { redis, simulator: true },
      { redis, home },
    ]) {
      const error = await refused(config);
      expect(error.code).not.toBe('ERR_REDIS_UNREACHABLE');
      expect(error.message).toMatch(/redis/i);
    }
  });
});
