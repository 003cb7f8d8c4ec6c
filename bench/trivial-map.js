/**
 * Scenario `trivial-map`: x => x + 2 over N items. The work is so small that a job costs only
 * the runtime's own overhead, which is what is measured: nimbus `map` + `result` against one
 * piscina or workerpool task per item, with a plain main-thread loop as the ceiling.
 */
import { availableParallelism } from 'node:os';
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { PEER_THREADS, startPiscina, startWorkerpool } from './peers.js';
import { timed } from './stopwatch.js';
import { atLeast } from './target.js';
import { addTwo, checkAddTwo, timeAddTwoMap } from './work.js';

export const name = 'trivial-map';
export const title = 'Trivial map: x => x + 2 over N items';

const ITEMS = 1_000_000;
const QUICK_ITEMS = 20_000;
/** Run untimed first, so workers are up and the code is compiled when the clock starts. */
const WARM_UP_ITEMS = 2_000;
/** Peer tasks in flight at once: a promise per item for all of them would swamp the heap. */
const PEER_CHUNK = 50_000; // tasks
/** Issue 14, item 4: by where jobs run (the first round asked 1M of either). */
const TARGET_JOBS_PER_SECOND = { thread: 1_000_000, process: 600_000 };
/** nimbus's default c1 slots: 2.5 compute units per core, one per c1 job. */
const NIMBUS_C1_SLOTS = Math.floor(availableParallelism() * 2.5);

export async function run({ quick, cloudConfig }) {
  const items = quick ? QUICK_ITEMS : ITEMS;
  const xs = Array.from({ length: items }, (_, i) => i);

  const nimbus = await measureNimbus(xs, cloudConfig);
  const piscina = await measurePeer(startPiscina(), xs);
  const workerpool = await measurePeer(startWorkerpool(), xs);
  const loop = measureLoop(xs);

  const rateOf = (ms) => items / (ms / 1000);
  const runs = [
    ['nimbus map + result', `${NIMBUS_C1_SLOTS} c1 slots`, nimbus.ms],
    ['piscina run per item', String(PEER_THREADS), piscina.ms],
    ['workerpool exec per item', String(PEER_THREADS), workerpool.ms],
    ['main-thread loop', '0', loop.ms],
  ];
  const rows = runs.map(([runner, workers, ms]) => [runner, workers, show.millis(ms), show.jobsPerSecond(rateOf(ms)), show.ratio(ms / nimbus.ms)]);

  const nimbusRate = rateOf(nimbus.ms);
  const isolation = cloudConfig?.isolation ?? 'process';
  return {
    config: { items, warmUpItems: WARM_UP_ITEMS, peerThreads: PEER_THREADS, peerChunk: PEER_CHUNK },
    table: { header: ['runner', 'workers', 'time', 'throughput', 'nimbus rate / this'], rows },
    notes: [
      `nimbus's map() handed back all ${show.count(items)} jids after ${show.millis(nimbus.submitMs)}; the rest is running and collecting.`,
      `Peers run one task per item, ${show.count(PEER_CHUNK)} in flight at a time. Every runner's results are checked.`,
    ],
    measurements: {
      nimbus: { ms: nimbus.ms, submitMs: nimbus.submitMs, jobsPerSecond: nimbusRate },
      piscina: { ms: piscina.ms, jobsPerSecond: rateOf(piscina.ms) },
      workerpool: { ms: workerpool.ms, jobsPerSecond: rateOf(workerpool.ms) },
      loop: { ms: loop.ms, jobsPerSecond: rateOf(loop.ms) },
    },
    targets: [
      atLeast(`trivial map: nimbus throughput, ${isolation}`, nimbusRate, TARGET_JOBS_PER_SECOND[isolation], show.jobsPerSecond),
      atLeast('trivial map: nimbus / piscina rate', piscina.ms / nimbus.ms, 20, show.ratio),
    ],
  };
}

async function measureNimbus(xs, cloudConfig) {
  const cloud = new Cloud(cloudConfig);
  try {
    await cloud.result(await cloud.map(addTwo, xs.slice(0, WARM_UP_ITEMS)));
    const { ms, submitMs } = await timeAddTwoMap(cloud, xs);
    return { ms, submitMs };
  } finally {
    await cloud.close();
  }
}

async function measurePeer(peer, xs) {
  try {
    await runInChunks(peer, xs.slice(0, WARM_UP_ITEMS));
    const { ms, value } = await timed(() => runInChunks(peer, xs));
    checkAddTwo('peer', xs, value);
    return { ms };
  } finally {
    await peer.close();
  }
}

function measureLoop(xs) {
  const results = new Array(xs.length);
  const start = performance.now();
  for (let i = 0; i < xs.length; i++) results[i] = addTwo(xs[i]);
  const ms = performance.now() - start;
  checkAddTwo('loop', xs, results);
  return { ms };
}

/** Every item as its own task, PEER_CHUNK of them in flight at once. */
async function runInChunks(peer, xs) {
  const results = [];
  for (let start = 0; start < xs.length; start += PEER_CHUNK) {
    const chunk = xs.slice(start, start + PEER_CHUNK).map((x) => peer.run(x));
    results.push(...(await Promise.all(chunk)));
  }
  return results;
}
