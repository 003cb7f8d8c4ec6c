/**
 * Scenario `latency`: K sequential round trips, each waiting for its answer before the next is
 * sent, so nothing overlaps and the figure is the full cost of one job: nimbus `call` + `result`,
 * an awaited piscina `run`, and a bare worker_threads postMessage ping-pong as the floor.
 */
import { Cloud } from 'nimbus';
import * as show from './format.js';
import { startPiscina, startRawWorker } from './peers.js';
import { timed } from './stopwatch.js';
import { atMost } from './target.js';
import { addTwo } from './work.js';

export const name = 'latency';
export const title = 'Latency: K sequential round trips of x => x + 2';

const ROUND_TRIPS = 5_000;
const QUICK_ROUND_TRIPS = 300;
/** Untimed round trips first, so threads are up and both sides' code is compiled. */
const WARM_UP_ROUND_TRIPS = 200;

export async function run({ quick }) {
  const trips = quick ? QUICK_ROUND_TRIPS : ROUND_TRIPS;
  const nimbus = await measureNimbus(trips);
  const piscina = await measurePeer(startPiscina(), trips);
  const raw = await measurePeer(startRawWorker(), trips);

  const microsPerTrip = (ms) => (ms * 1000) / trips;
  const runs = [['nimbus call + result', nimbus], ['piscina run', piscina], ['raw postMessage ping-pong', raw]];
  const rows = runs.map(([runner, ms]) => [runner, show.millis(ms), show.micros(microsPerTrip(ms)), show.ratio(ms / raw)]);
  return {
    config: { roundTrips: trips, warmUpRoundTrips: WARM_UP_ROUND_TRIPS },
    table: { header: ['runner', 'time', 'per round trip', 'this / raw'], rows },
    notes: ['Each round trip awaits its answer before the next starts; each answer is checked.'],
    measurements: {
      nimbus: { ms: nimbus, microsPerRoundTrip: microsPerTrip(nimbus) },
      piscina: { ms: piscina, microsPerRoundTrip: microsPerTrip(piscina) },
      raw: { ms: raw, microsPerRoundTrip: microsPerTrip(raw) },
    },
    targets: [atMost('latency: nimbus round trip / raw ping-pong', nimbus / raw, 1.3, show.ratio)],
  };
}

async function measureNimbus(trips) {
  const cloud = new Cloud();
  const roundTrip = async (x) => cloud.result(await cloud.call(addTwo, x));
  try {
    await roundTrips(roundTrip, WARM_UP_ROUND_TRIPS);
    return (await timed(() => roundTrips(roundTrip, trips))).ms;
  } finally {
    await cloud.close();
  }
}

async function measurePeer(peer, trips) {
  try {
    await roundTrips(peer.run, WARM_UP_ROUND_TRIPS);
    return (await timed(() => roundTrips(peer.run, trips))).ms;
  } finally {
    await peer.close();
  }
}

async function roundTrips(roundTrip, count) {
  for (let x = 0; x < count; x++) {
    const answer = await roundTrip(x);
    if (answer !== addTwo(x)) throw new Error(`round trip ${x} answered ${answer}`);
  }
}
