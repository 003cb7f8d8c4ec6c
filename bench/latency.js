/**
 * Scenario `latency`: K sequential round trips, each waiting for its answer before the next is
 * sent, so nothing overlaps and the figure is the full cost of one job: nimbus `call` + `result`,
 * an awaited piscina `run`, and a bare worker_threads postMessage ping-pong as the floor.
 * A thread's wake-up costs anything from ten to a hundred microseconds, as the OS places threads
 * and as other processes come and go, and that noise would swamp the overhead being measured.
 * So the runners take turns, round after round, and the ratio that counts is between their
 * fastest rounds, where the scheduler treated each best; the median round is shown beside it.
 */
import { Cloud } from 'nimbus';
import * as show from './format.js';
import { startPiscina, startRawWorker } from './peers.js';
import { timeInTurns } from './stopwatch.js';
import { atMost } from './target.js';
import { addTwo } from './work.js';

export const name = 'latency';
export const title = 'Latency: K sequential round trips of x => x + 2';

const ROUND_TRIPS = 5_000;
const QUICK_ROUND_TRIPS = 300;
/** The K round trips of each runner are split into this many turns, interleaved with the others'. */
const ROUNDS = 10;
/** Untimed round trips first, so workers are up and both sides' code is compiled. */
const WARM_UP_ROUND_TRIPS = 1_000;

export async function run({ quick, cloudConfig }) {
  const trips = quick ? QUICK_ROUND_TRIPS : ROUND_TRIPS;
  const perRound = Math.ceil(trips / ROUNDS);
  const cloud = new Cloud(cloudConfig);
  const runners = [
    { runner: 'nimbus call + result', run: async (x) => cloud.result(await cloud.call(addTwo, x)), close: () => cloud.close() },
    { runner: 'piscina run', ...startPiscina() },
    { runner: 'raw postMessage ping-pong', ...startRawWorker() },
  ];
  let times;
  try {
    for (const r of runners) await roundTrips(r.run, WARM_UP_ROUND_TRIPS);
    times = await timeInTurns(ROUNDS, runners.map((r) => () => roundTrips(r.run, perRound)));
  } finally {
    await Promise.all(runners.map((r) => r.close()));
  }

  const [nimbus, piscina, raw] = runners.map((r, i) => {
    const rounds = times[i].map((ms) => (ms * 1000) / perRound);
    return { runner: r.runner, fastest: Math.min(...rounds), median: median(rounds), rounds };
  });
  const rows = [nimbus, piscina, raw].map((r) => [
    r.runner, show.micros(r.fastest), show.micros(r.median), show.micros(Math.max(...r.rounds)),
    show.ratio(r.fastest / raw.fastest), show.ratio(r.median / raw.median),
  ]);
  return {
    config: { roundTrips: perRound * ROUNDS, rounds: ROUNDS, warmUpRoundTrips: WARM_UP_ROUND_TRIPS },
    table: { header: ['runner (µs per round trip)', 'fastest round', 'median round', 'slowest round', 'this / raw, fastest', 'this / raw, median'], rows },
    notes: [
      `${show.count(perRound * ROUNDS)} round trips per runner in ${ROUNDS} interleaved rounds; the target compares the fastest rounds.`,
      'Each round trip awaits its answer before the next starts; each answer is checked.',
    ],
    measurements: {
      nimbus: { fastestMicros: nimbus.fastest, medianMicros: nimbus.median, roundMicros: nimbus.rounds },
      piscina: { fastestMicros: piscina.fastest, medianMicros: piscina.median, roundMicros: piscina.rounds },
      raw: { fastestMicros: raw.fastest, medianMicros: raw.median, roundMicros: raw.rounds },
    },
    targets: [atMost('latency: nimbus round trip / raw ping-pong', nimbus.fastest / raw.fastest, 1.3, show.ratio)],
  };
}

async function roundTrips(roundTrip, count) {
  for (let x = 0; x < count; x++) {
    const answer = await roundTrip(x);
    if (answer !== addTwo(x)) throw new Error(`round trip ${x} answered ${answer}`);
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
