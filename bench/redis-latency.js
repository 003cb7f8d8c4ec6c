/**
 * Scenario `redis-latency`: K sequential round trips of x => x + 2 through one Redis, each awaited
 * before the next: nimbus `call` + `result` on a Redis cloud (two `nimbus worker`s) against raw
 * BullMQ on the same Redis (Queue.add, then job.waitUntilFinished through QueueEvents, two BullMQ
 * Worker processes). Both sets of workers are up throughout and the runners take turns, round after
 * round; the ratio compares their fastest rounds (as the latency scenario does), the median beside.
 */
import { Cloud } from '@nimbus-js/nimbus';
import { startBullmq } from './bullmq-peer.js';
import * as show from './format.js';
import { startNimbusWorkers, startRedisServer } from './redis-cluster.js';
import { BULLMQ_CONCURRENCY } from './redis-map.js';
import { timeInTurns } from './stopwatch.js';
import { atMost } from './target.js';
import { addTwo } from './work.js';
import { roundTrips, median } from './round-trips.js';

export const name = 'redis-latency';
export const title = 'Redis: K sequential call -> result round trips, nimbus against raw BullMQ add -> completed';

const ROUND_TRIPS = 2_000;
const QUICK_ROUND_TRIPS = 100;
const ROUNDS = 10;
const WARM_UP_ROUND_TRIPS = 100;
const WORKERS = 2;
const NIMBUS_WORKER_ARGS = ['--cores', '1'];
/** Issue 13: a nimbus round trip costs at most this many raw BullMQ round trips. */
const MAX_RATIO = 1.5;

export async function run({ quick }) {
  const trips = quick ? QUICK_ROUND_TRIPS : ROUND_TRIPS;
  const perRound = Math.ceil(trips / ROUNDS);
  const redis = await startRedisServer();
  const closers = [redis.stop];
  try {
    const bullmq = await startBullmq(redis.url, 'bench-latency-bullmq', WORKERS, BULLMQ_CONCURRENCY);
    closers.unshift(bullmq.close);
    const runners = [{ key: 'bullmq', runner: 'raw BullMQ add + waitUntilFinished', run: bullmq.roundTrip }];
    let failure;
    try {
      const workers = await startNimbusWorkers(redis.url, 'bench-latency', WORKERS, NIMBUS_WORKER_ARGS);
      closers.unshift(workers.stop);
      const cloud = new Cloud({ redis: redis.url, queue: 'bench-latency' });
      closers.unshift(() => cloud.close());
      const nimbus = { key: 'nimbus', runner: 'nimbus call + result on Redis', run: async (x) => cloud.result(await cloud.call(addTwo, x)) };
      await roundTrips(nimbus.run, WARM_UP_ROUND_TRIPS);
      runners.unshift(nimbus);
    } catch (error) {
      failure = error;
    }
    await roundTrips(bullmq.roundTrip, WARM_UP_ROUND_TRIPS);
    const times = await timeInTurns(
      ROUNDS,
      runners.map((r) => () => roundTrips(r.run, perRound)),
    );
    return report(runners, times, perRound, failure);
  } finally {
    for (const close of closers) await close();
  }
}

function report(runners, times, perRound, failure) {
  const figures = runners.map((r, i) => {
    const rounds = times[i].map((ms) => (ms * 1000) / perRound);
    return { key: r.key, runner: r.runner, fastest: Math.min(...rounds), median: median(rounds), rounds };
  });
  const by = Object.fromEntries(figures.map((f) => [f.key, f]));
  const rows = figures.map((f) => [
    f.runner,
    show.micros(f.fastest),
    show.micros(f.median),
    show.ratio(f.fastest / by.bullmq.fastest),
    show.ratio(f.median / by.bullmq.median),
  ]);
  if (failure) rows.unshift(['nimbus call + result on Redis', 'failed', '-', '-', '-']);
  const ratio = by.nimbus ? by.nimbus.fastest / by.bullmq.fastest : Infinity;
  return {
    config: { roundTrips: perRound * ROUNDS, rounds: ROUNDS, warmUpRoundTrips: WARM_UP_ROUND_TRIPS, workers: WORKERS, nimbusWorkerArgs: NIMBUS_WORKER_ARGS },
    table: { header: ['runner (µs per round trip)', 'fastest round', 'median round', '/ BullMQ, fastest', '/ BullMQ, median'], rows },
    notes: [
      failure
        ? `nimbus on Redis failed: ${failure.message}`
        : `${show.count(perRound * ROUNDS)} round trips per runner in ${ROUNDS} interleaved rounds; each answer is checked.`,
      'One redis-server for both, started by the scenario; both runners have two workers up throughout.',
    ],
    measurements: Object.fromEntries(figures.map((f) => [f.key, { fastestMicros: f.fastest, medianMicros: f.median, roundMicros: f.rounds }])),
    targets: [atMost('redis latency: nimbus round trip / raw BullMQ round trip', ratio, MAX_RATIO, show.ratio)],
  };
}
