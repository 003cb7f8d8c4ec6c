/**
 * A function's captured data goes to each worker once and stays cached there by content (the hash
 * of its bytes); batches refer to it. A value that changed is a new entry; the cache is bounded
 * (NIMBUS_DATA_CACHE_MB), and what it let go of is fetched again, never an error. Counted with the
 * counters each worker publishes (worker-functions.ts), never timed.
 */
import type { Cloud } from '@nimbus-js/nimbus';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readerOf, writerOf } from '../fixtures/shipping/captured-data.mjs';
import { WORKER_MODES, makeCloud } from '../support/clouds.js';
import type { Reading, Stats } from './support/readings.js';

/** 100,000 numbers: 800 KB, shared with threads rather than copied (function-wire.ts). */
const LENGTH = 100_000;
const filled = (value: number) => new Float64Array(LENGTH).fill(value);
const indexes = (count: number) => Array.from({ length: count }, (_, i) => i * 997);

/** Each worker's counters at its last job: they only grow. */
function lastStats(readings: readonly Reading[]): Map<string, Stats> {
  const byWorker = new Map<string, Stats>();
  for (const { worker, stats } of readings) {
    const seen = byWorker.get(worker);
    if (!seen || stats.hits + stats.misses > seen.hits + seen.misses) byWorker.set(worker, stats);
  }
  return byWorker;
}

async function readAll(cloud: Cloud, fn: (i: number) => Reading, count: number): Promise<Reading[]> {
  return cloud.result(await cloud.map(fn, indexes(count)));
}

describe.each(WORKER_MODES)('captured data, once per worker (%s)', (mode) => {
  let cloud: Cloud | undefined;
  afterEach(() => cloud?.close());

  it('sends a big captured array to each worker once, not with every batch', async () => {
    cloud = makeCloud(mode);
    // Jobs of 3 ms: a batch carries about a millisecond of work, so nearly every job is one.
    const readings = await readAll(cloud, readerOf(filled(7), 3) as (i: number) => Reading, 60);
    expect(readings.every(({ value }) => value === 7)).toBe(true);
    const workers = lastStats(readings);
    for (const stats of workers.values()) {
      expect(stats.misses).toBe(1);
      expect(stats.fetches).toBe(0);
      // A process reads the blob once, from a file the host wrote once for all of them (never
      // through its channel); a thread reads it from memory it shares with the host.
      expect(stats.received).toBe(0);
      expect(stats.read).toBe(mode === 'process' ? 1 : 0);
      expect(stats.unreadable).toBe(0);
    }
    const batches = [...workers.values()].reduce((sum, stats) => sum + stats.hits + stats.misses, 0);
    expect(batches).toBeGreaterThan(workers.size);
  });

  it('runs a changed captured value with it: same source, different data, a new entry', async () => {
    cloud = makeCloud(mode, { cores: 1, computeUnits: 1 });
    const ones = await readAll(cloud, readerOf(filled(1)) as (i: number) => Reading, 20);
    const twos = await readAll(cloud, readerOf(filled(2)) as (i: number) => Reading, 20);
    expect(ones.map(({ value }) => value)).toEqual(new Array(20).fill(1));
    expect(twos.map(({ value }) => value)).toEqual(new Array(20).fill(2));
    expect(twos.at(-1)!.stats.misses).toBe(2);
    // Another function object capturing equal bytes finds them cached: one entry per content.
    const again = await readAll(cloud, readerOf(filled(2)) as (i: number) => Reading, 20);
    expect(again.map(({ value }) => value)).toEqual(new Array(20).fill(2));
    expect(again.at(-1)!.stats.misses).toBe(2);
    expect(new Set([...ones, ...twos, ...again].map(({ worker }) => worker)).size).toBe(1);
  });

  it("gives each worker data of its own: a job's writes reach no other worker", async () => {
    cloud = makeCloud(mode, { cores: 1, computeUnits: 1 });
    // 256 KB: a thread gets it in memory shared with the host, and must decode a copy of it.
    const shared = await cloud.result(await cloud.map(writerOf(Buffer.alloc(256 * 1024)) as (i: number) => boolean, [1, 2]));
    expect(shared).toEqual([false, false]);
  });
});

describe.each(WORKER_MODES)('a bounded data cache (%s)', (mode) => {
  // Set before the cloud starts its workers, which read it as they start.
  const before = process.env.NIMBUS_DATA_CACHE_MB;
  beforeAll(() => {
    process.env.NIMBUS_DATA_CACHE_MB = '1';
  });
  afterAll(() => {
    if (before === undefined) delete process.env.NIMBUS_DATA_CACHE_MB;
    else process.env.NIMBUS_DATA_CACHE_MB = before;
  });
  let cloud: Cloud | undefined;
  afterAll(() => cloud?.close());

  it('fetches an evicted entry again: right results, no error', async () => {
    cloud = makeCloud(mode, { cores: 1, computeUnits: 1 });
    const threes = readerOf(filled(3)) as (i: number) => Reading;
    const fours = readerOf(filled(4)) as (i: number) => Reading;
    await readAll(cloud, threes, 5);
    // 800 KB more than a 1 MB cache holds: the threes leave.
    await readAll(cloud, fours, 5);
    const again = await readAll(cloud, threes, 5);
    expect(again.map(({ value }) => value)).toEqual(new Array(5).fill(3));
    const { stats } = again.at(-1)!;
    expect(stats.misses).toBe(3);
    // The host took the worker to have the threes still (a process or a thread: each is sent a
    // function's data once, process/sent-functions.ts, thread/thread-sent-functions.ts): it asked.
    expect(stats.fetches).toBe(1);
  });
});
