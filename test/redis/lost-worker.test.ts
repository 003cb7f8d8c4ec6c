/**
 * A worker lost mid-chunk (SIGKILL, as when its machine dies): within the bound (the lock
 * duration, NIMBUS_REDIS_LOCK_MS in tests) another worker takes its chunks back. What had started
 * there runs again if restartable (attempts 2), or ends `error` saying the worker was lost; what it
 * held and had not started runs once on the other worker. Nothing is lost, nothing else runs twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudException, type Cloud } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LOCK_MS } from '../support/nimbus-workers.js';
import { redisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { filesAppear, marks, runUnlessOn } from './support/jobs.js';

/** Jobs of the restartable map: enough that it is cut into chunks of several jobs. */
const MAPPED = 24;
/** Detection (the lock expires, a stalled check runs) and recovery, with room for a slow machine. */
const RECOVERY_BOUND_MS = 5 * TEST_LOCK_MS + 10_000;

describe('a worker SIGKILLed in the middle of a chunk', () => {
  let scratch: string;
  let cluster: RedisCluster;
  let client: Cloud;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'nimbus-redis-lost-'));
    // No worker yet: the first one must take the jobs this test gives it.
    cluster = await redisCluster({ workers: 0 });
    client = cluster.cloud();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('has its jobs finished by the other worker: restartable ones again, others end error (worker lost)', { timeout: RECOVERY_BOUND_MS + 30_000 }, async () => {
    // Two c1 slots: one for the non-restartable job, one for the map's first chunk, whose other
    // jobs wait in the lost worker's hands, claimed and not started.
    const lost = await cluster.startWorker({ cores: 1, computeUnits: 2 });
    const single = await client.call(runUnlessOn, lost.pid, scratch, 'single');
    await filesAppear(scratch, 1, (file) => file === `single@${lost.pid}`);
    const names = Array.from({ length: MAPPED }, (_, i) => `mapped-${i}`);
    const mapped = await client.with({ restartable: true }).map(runUnlessOn, Array(MAPPED).fill(lost.pid), Array(MAPPED).fill(scratch), names);
    await filesAppear(scratch, 2, (file) => file.endsWith(`@${lost.pid}`));

    // The other worker starts while the first holds its jobs: it runs the chunks left in the queue.
    const other = await cluster.startWorker({ cores: 1 });
    await lost.kill();
    await client.join([single, ...mapped], { ignoreErrors: true, timeout: RECOVERY_BOUND_MS });

    const error = (await client.result(single).catch((e: unknown) => e)) as CloudException;
    expect(error).toBeInstanceOf(CloudException);
    expect(error.status).toBe('error');
    expect(error.message).toMatch(/lost/);
    expect(error.message).toContain(lost.name);

    const ranOn = marks(scratch);
    const startedOnLost = names.filter((name) => ranOn.some(([n, pid]) => n === name && pid === lost.pid));
    expect(startedOnLost).toHaveLength(1);
    expect(await client.result(mapped)).toEqual(names.map((name) => `${name} on ${other.pid}`));
    const infos = await client.info(mapped);
    for (const [i, info] of infos.entries()) {
      const rerun = startedOnLost.includes(names[i]!);
      expect({ name: names[i], status: info.status, attempts: info.attempts, worker: info.worker }).toEqual({
        name: names[i],
        status: 'done',
        attempts: rerun ? 2 : 1,
        worker: other.name,
      });
      // Ran once on the other worker, and on the lost one only if it had started there.
      expect(ranOn.filter(([n]) => n === names[i]).map(([, pid]) => pid)).toEqual(rerun ? expect.arrayContaining([lost.pid, other.pid]) : [other.pid]);
    }
  });
});
