/**
 * Scenario `redis-map`: x => x + 2 over N items through one Redis, with two workers: nimbus (a
 * Cloud on Redis, two `nimbus worker`s of one core each) against raw BullMQ on the same Redis
 * (Queue.addBulk, two processes each running a BullMQ Worker doing x + 2). nimbus carries ready
 * jobs in chunks of many, BullMQ one job per job: the goal is ten times BullMQ's rate.
 */
import { Cloud } from '@nimbus-js/nimbus';
import { startBullmq } from './bullmq-peer.js';
import * as show from './format.js';
import { startNimbusWorkers, startRedisServer } from './redis-cluster.js';
import { atLeast } from './target.js';
import { addTwo, checkAddTwo, timeAddTwoMap } from './work.js';

export const name = 'redis-map';
export const title = 'Redis: trivial map x => x + 2 over 2 workers, nimbus against raw BullMQ';

const FULL = { nimbusItems: 200_000, bullmqItems: 20_000 };
const QUICK = { nimbusItems: 5_000, bullmqItems: 2_000 };
const WORKERS = 2;
/** Each nimbus worker takes one core of the machine (2.5 compute units: two c1 jobs at once). */
const NIMBUS_WORKER_ARGS = ['--cores', '1'];
/** Jobs each BullMQ worker runs at once: enough that a worker waits on Redis for little. */
export const BULLMQ_CONCURRENCY = 16;
/** Untimed first, so that workers are up and code is compiled when the clock starts. */
const WARM_UP_ITEMS = 1_000;
/** Issue 13: batching makes the map at least this many times faster than one BullMQ job per item. */
const MIN_RATIO = 10;

export async function run({ quick }) {
  const { nimbusItems, bullmqItems } = quick ? QUICK : FULL;
  const redis = await startRedisServer();
  try {
    const bullmq = await measureBullmq(redis.url, bullmqItems);
    const nimbus = await measureNimbus(redis.url, nimbusItems).catch((error) => ({ error }));
    return report({ nimbusItems, bullmqItems }, nimbus, bullmq);
  } finally {
    await redis.stop();
  }
}

async function measureBullmq(url, items) {
  const peer = await startBullmq(url, 'bench-map', WORKERS, BULLMQ_CONCURRENCY);
  try {
    await peer.map(range(WARM_UP_ITEMS));
    const xs = range(items);
    const start = performance.now();
    const results = await peer.map(xs);
    const ms = performance.now() - start;
    checkAddTwo('BullMQ', xs, results);
    return { ms, rate: items / (ms / 1000) };
  } finally {
    await peer.close();
  }
}

async function measureNimbus(url, items) {
  const workers = await startNimbusWorkers(url, 'bench-map', WORKERS, NIMBUS_WORKER_ARGS);
  const cloud = new Cloud({ redis: url, queue: 'bench-map' });
  try {
    await cloud.result(await cloud.map(addTwo, range(WARM_UP_ITEMS)));
    const xs = range(items);
    const { ms, submitMs } = await timeAddTwoMap(cloud, xs);
    return { ms, submitMs, rate: items / (ms / 1000) };
  } finally {
    await cloud.close();
    await workers.stop();
  }
}

function report(config, nimbus, bullmq) {
  const failed = 'error' in nimbus;
  const ratio = failed ? 0 : nimbus.rate / bullmq.rate;
  const rows = [
    [
      'nimbus map + result on Redis',
      `${WORKERS} x 1 core`,
      show.count(config.nimbusItems),
      failed ? 'failed' : show.millis(nimbus.ms),
      failed ? '-' : show.jobsPerSecond(nimbus.rate),
    ],
    [
      'raw BullMQ addBulk + QueueEvents',
      `${WORKERS} x ${BULLMQ_CONCURRENCY} at once`,
      show.count(config.bullmqItems),
      show.millis(bullmq.ms),
      show.jobsPerSecond(bullmq.rate),
    ],
  ];
  return {
    config: { ...config, workers: WORKERS, nimbusWorkerArgs: NIMBUS_WORKER_ARGS, bullmqConcurrency: BULLMQ_CONCURRENCY, warmUpItems: WARM_UP_ITEMS },
    table: { header: ['runner', 'workers', 'items', 'time', 'throughput'], rows },
    notes: [
      failed ? `nimbus on Redis failed: ${nimbus.error.message}` : `nimbus's map() handed back its jids after ${show.millis(nimbus.submitMs)}.`,
      'One redis-server for both, started by the scenario; BullMQ first, then nimbus. Every result is checked.',
      'BullMQ gets fewer items: one Redis job per item makes its rate flat in N, and a full-size run would take minutes.',
    ],
    measurements: { nimbus: failed ? { error: nimbus.error.message } : nimbus, bullmq },
    targets: [atLeast('redis map: nimbus / raw BullMQ throughput', ratio, MIN_RATIO, show.ratio)],
  };
}

function range(n) {
  return Array.from({ length: n }, (_, i) => i);
}
