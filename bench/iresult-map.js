/**
 * Scenario `iresult-map`: reading a big map's results with `for await (const r of
 * cloud.iresult(jids))`, in thread and process modes. Two ways per mode:
 *
 * - streaming: `map` then at once `iresult`, so results are read while the jobs run. Timed from
 *   the first result in hand to the last (the rate iresult yields at) and from the `map` call to
 *   the last result (total). The first-to-last rate cannot pass the rate the jobs complete at.
 * - complete: `map`, `join`, then `iresult`: iresult's own cost, with nothing left to wait for.
 * - the bound: `map` + `result` of the same items, which no reading in order can beat.
 *
 * Each keeps its fastest of a few rounds, the two taking turns. The results are checked in order.
 */
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { atLeast } from './target.js';
import { addTwo } from './work.js';

export const name = 'iresult-map';
export const title = 'iresult over a map of N trivial jobs: results/s while the map runs, and over a complete map';

const ITEMS = 100_000;
const QUICK_ITEMS = 5_000;
const WARM_UP_ITEMS = 20_000;
const ROUNDS = 3;
const MODES = ['thread', 'process'];
/** Issue 14, item 4: iresult over a 100,000-job map. */
const TARGET_RESULTS_PER_SECOND = 500_000;

export async function run({ quick, cloudConfig }) {
  const items = quick ? QUICK_ITEMS : ITEMS;
  const xs = Array.from({ length: items }, (_, i) => i);
  const measured = {};
  for (const isolation of MODES) measured[isolation] = await measureMode({ ...cloudConfig, isolation }, xs);

  const rate = (ms) => items / (ms / 1000);
  const rows = MODES.flatMap((mode) => {
    const { streaming, complete, bound } = measured[mode];
    return [
      [`${mode}, map + result (the bound)`, '-', '-', show.millis(bound.totalMs), '-'],
      [
        `${mode}, streaming`,
        show.millis(streaming.firstMs),
        show.millis(streaming.firstToLastMs),
        show.millis(streaming.totalMs),
        show.jobsPerSecond(rate(streaming.firstToLastMs)),
      ],
      [`${mode}, complete map`, '-', show.millis(complete.firstToLastMs), show.millis(complete.totalMs), show.jobsPerSecond(rate(complete.firstToLastMs))],
    ];
  });
  return {
    config: { items, warmUpItems: WARM_UP_ITEMS, rounds: ROUNDS },
    table: { header: ['isolation, way', 'first result', 'first to last', 'total', 'results/s (first to last)'], rows },
    notes: [
      `${show.count(items)} jobs of x => x + 2; each figure the fastest of ${ROUNDS} rounds, the three ways taking turns.`,
      'streaming: iresult starts as soon as map() answers; total is from the map() call to the last result.',
      'complete: map, join, then iresult (timed from the iresult call); iresult alone, nothing to wait for.',
      'The streaming rate is bounded by the map itself: results cannot come faster than the jobs complete (map + result).',
      ...MODES.map((mode) => `${mode}: streaming total / map + result = ${show.ratio(measured[mode].streaming.totalMs / measured[mode].bound.totalMs)}`),
    ],
    measurements: measured,
    targets: MODES.flatMap((mode) => [
      atLeast(
        `iresult over ${show.count(items)} jobs, ${mode}, while running (first to last)`,
        rate(measured[mode].streaming.firstToLastMs),
        TARGET_RESULTS_PER_SECOND,
        show.jobsPerSecond,
      ),
      atLeast(
        `iresult over ${show.count(items)} jobs, ${mode}, complete map`,
        rate(measured[mode].complete.firstToLastMs),
        TARGET_RESULTS_PER_SECOND,
        show.jobsPerSecond,
      ),
    ]),
  };
}

async function measureMode(config, xs) {
  const cloud = new Cloud(config);
  const streaming = [];
  const complete = [];
  const bound = [];
  try {
    await readInOrder(cloud, await cloud.map(addTwo, xs.slice(0, WARM_UP_ITEMS)), xs.slice(0, WARM_UP_ITEMS));
    for (let round = 0; round < ROUNDS; round++) {
      streaming.push(await timeStreaming(cloud, xs));
      complete.push(await timeComplete(cloud, xs));
      bound.push(await timeResult(cloud, xs));
    }
  } finally {
    await cloud.close();
  }
  const fastest = (rounds) => rounds.reduce((best, r) => (r.firstToLastMs < best.firstToLastMs ? r : best));
  return { streaming: fastest(streaming), complete: fastest(complete), bound: fastest(bound), rounds: { streaming, complete, bound } };
}

async function timeStreaming(cloud, xs) {
  const start = performance.now();
  const jids = await cloud.map(addTwo, xs);
  const { first, last } = await readInOrder(cloud, jids, xs);
  return { firstMs: first - start, firstToLastMs: last - first, totalMs: last - start };
}

async function timeResult(cloud, xs) {
  const start = performance.now();
  const results = await cloud.result(await cloud.map(addTwo, xs));
  const totalMs = performance.now() - start;
  if (results.length !== xs.length || results.at(-1) !== addTwo(xs.at(-1))) throw new Error('map + result gave wrong results');
  return { firstToLastMs: totalMs, totalMs };
}

async function timeComplete(cloud, xs) {
  const jids = await cloud.map(addTwo, xs);
  await cloud.join(jids);
  const start = performance.now();
  const { last } = await readInOrder(cloud, jids, xs);
  return { firstToLastMs: last - start, totalMs: last - start };
}

/** Reads every result through iresult, checking each against its item; when the first and the last came. */
async function readInOrder(cloud, jids, xs) {
  let i = 0;
  let first = 0;
  for await (const result of cloud.iresult(jids)) {
    if (i === 0) first = performance.now();
    if (result !== addTwo(xs[i])) throw new Error(`iresult gave ${result} at item ${i}, expected ${addTwo(xs[i])}`);
    i++;
  }
  if (i !== xs.length) throw new Error(`iresult gave ${i} results of ${xs.length}`);
  return { first, last: performance.now() };
}
