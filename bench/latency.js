/**
 * Scenario `latency`: K sequential round trips, each waiting for its answer before the next is
 * sent, so nothing overlaps and the figure is the full cost of one job: nimbus `call` + `result`,
 * an awaited piscina `run`, and two floors: a bare worker_threads postMessage ping-pong and a bare
 * child-process IPC ping-pong (fork with serialization 'advanced', as nimbus's worker processes).
 * A thread's wake-up costs anything from ten to a hundred microseconds, as the OS places threads
 * and as other processes come and go, and that noise would swamp the overhead being measured.
 * So the runners take turns, round after round, and the ratio that counts is between their
 * fastest rounds, where the scheduler treated each best; the median round is shown beside it.
 * The targets follow the isolation measured: in process mode nimbus against the IPC floor, in
 * thread mode against piscina and the postMessage floor.
 */
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { startPiscina, startRawChildProcess, startRawWorker } from './peers.js';
import { timeInTurns } from './stopwatch.js';
import { atMost } from './target.js';
import { addTwo } from './work.js';
import { roundTrips, median } from './round-trips.js';

export const name = 'latency';
export const title = 'Latency: K sequential round trips of x => x + 2';

const ROUND_TRIPS = 5_000;
const QUICK_ROUND_TRIPS = 300;
/** The K round trips of each runner are split into this many turns, interleaved with the others'. */
const ROUNDS = 10;
/** Untimed round trips first, so workers are up and both sides' code is compiled. */
const WARM_UP_ROUND_TRIPS = 1_000;
/** nimbus's default isolation (README: `new Cloud()` runs jobs in worker processes). */
const DEFAULT_ISOLATION = 'process';

/** Issue 14: in process mode, a round trip costs at most this many raw IPC round trips. */
const PROCESS_VS_IPC = 2;
/** Issue 14: in thread mode, no slower than an awaited piscina run. */
const THREAD_VS_PISCINA = 1;
/** The first round's target in thread mode, kept: at most this many raw postMessage round trips. */
const THREAD_VS_POST_MESSAGE = 1.3;

export async function run({ quick, cloudConfig }) {
  const trips = quick ? QUICK_ROUND_TRIPS : ROUND_TRIPS;
  const perRound = Math.ceil(trips / ROUNDS);
  const isolation = cloudConfig?.isolation ?? DEFAULT_ISOLATION;
  const cloud = new Cloud(cloudConfig);
  const runners = [
    { key: 'nimbus', runner: `nimbus call + result (${isolation})`, run: async (x) => cloud.result(await cloud.call(addTwo, x)), close: () => cloud.close() },
    { key: 'piscina', runner: 'piscina run', ...startPiscina() },
    { key: 'raw', runner: 'raw postMessage ping-pong', ...startRawWorker() },
    { key: 'ipc', runner: 'raw child-process IPC ping-pong', ...startRawChildProcess() },
  ];
  let times;
  try {
    for (const r of runners) await roundTrips(r.run, WARM_UP_ROUND_TRIPS);
    times = await timeInTurns(
      ROUNDS,
      runners.map((r) => () => roundTrips(r.run, perRound)),
    );
  } finally {
    await Promise.all(runners.map((r) => r.close()));
  }

  const figures = runners.map((r, i) => {
    const rounds = times[i].map((ms) => (ms * 1000) / perRound);
    return { key: r.key, runner: r.runner, fastest: Math.min(...rounds), median: median(rounds), rounds };
  });
  const by = Object.fromEntries(figures.map((f) => [f.key, f]));
  const rows = figures.map((r) => [
    r.runner,
    show.micros(r.fastest),
    show.micros(r.median),
    show.micros(Math.max(...r.rounds)),
    show.ratio(r.fastest / by.raw.fastest),
    show.ratio(r.fastest / by.ipc.fastest),
    show.ratio(r.median / by.ipc.median),
  ]);
  return {
    config: { roundTrips: perRound * ROUNDS, rounds: ROUNDS, warmUpRoundTrips: WARM_UP_ROUND_TRIPS, isolation },
    table: {
      header: ['runner (µs per round trip)', 'fastest round', 'median round', 'slowest round', '/ postMessage, fastest', '/ IPC, fastest', '/ IPC, median'],
      rows,
    },
    notes: [
      `${show.count(perRound * ROUNDS)} round trips per runner in ${ROUNDS} interleaved rounds; the targets compare the fastest rounds.`,
      'Each round trip awaits its answer before the next starts; each answer is checked.',
      `Targets for ${isolation} mode: ${
        isolation === 'process'
          ? `nimbus <= ${PROCESS_VS_IPC}x the raw child-process IPC ping-pong (run with --isolation=thread for the thread-mode targets)`
          : `nimbus <= ${THREAD_VS_PISCINA}x an awaited piscina run and <= ${THREAD_VS_POST_MESSAGE}x the raw postMessage ping-pong`
      }.`,
    ],
    measurements: Object.fromEntries(figures.map((f) => [f.key, { fastestMicros: f.fastest, medianMicros: f.median, roundMicros: f.rounds }])),
    targets: targetsFor(isolation, by),
  };
}

/** Issue 14 item 4: each isolation has its own floor. */
function targetsFor(isolation, { nimbus, piscina, raw, ipc }) {
  if (isolation === 'process') {
    return [atMost('latency (process): nimbus round trip / raw IPC ping-pong', nimbus.fastest / ipc.fastest, PROCESS_VS_IPC, show.ratio)];
  }
  return [
    atMost('latency (thread): nimbus round trip / piscina run', nimbus.fastest / piscina.fastest, THREAD_VS_PISCINA, show.ratio),
    atMost('latency (thread): nimbus round trip / raw postMessage ping-pong', nimbus.fastest / raw.fastest, THREAD_VS_POST_MESSAGE, show.ratio),
  ];
}
