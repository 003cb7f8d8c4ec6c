/**
 * Scenario `home-map`: x => x + 2 over N items, with a durable home and without one. A home
 * writes every job's record to SQLite; the target is that it costs at most twice a home-less
 * map, and that writing never blocks the event loop for long (the longest block is measured
 * with perf_hooks.monitorEventLoopDelay while the map runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { atMost } from './target.js';
import { addTwo } from './work.js';

export const name = 'home-map';
export const title = 'Trivial map with and without a home (SQLite job store)';

/** Set HOME_MAP_ITEMS to measure another size (the figures are for 100k and 1M). */
const ITEMS = Number(process.env.HOME_MAP_ITEMS ?? 1_000_000);
const QUICK_ITEMS = 20_000;
const WARM_UP_ITEMS = 2_000;
/** The home may cost at most this many times a home-less map. */
const MAX_RATIO = 2;
/** No stretch of writing may hold the event loop longer than this. */
const MAX_BLOCK_MS = 50;
/** The delay histogram's resolution. */
const RESOLUTION_MS = 10;

export async function run({ quick, cloudConfig }) {
  const items = quick ? QUICK_ITEMS : ITEMS;
  const xs = Array.from({ length: items }, (_, i) => i);
  const plain = await measure(xs, cloudConfig, undefined);
  const home = mkdtempSync(join(tmpdir(), 'nimbus-bench-home-'));
  let durable;
  try {
    durable = await measure(xs, cloudConfig, home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  const ratio = durable.ms / plain.ms;
  const row = (runner, m) => [runner, show.millis(m.submitMs), show.millis(m.ms), show.jobsPerSecond(items / (m.ms / 1000)), show.millis(m.maxBlockMs)];
  return {
    config: { items, warmUpItems: WARM_UP_ITEMS },
    table: { header: ['runner', 'map() returned', 'time', 'throughput', 'longest event-loop block'], rows: [row('no home', plain), row('home', durable)] },
    notes: [
      `${show.count(items)} jobs; the home costs ${show.ratio(ratio)} a home-less map (target <= ${MAX_RATIO}x).`,
      `The longest event-loop block is the largest delay perf_hooks.monitorEventLoopDelay saw (${RESOLUTION_MS} ms resolution).`,
    ],
    measurements: { plain, durable, ratio },
    targets: [
      atMost('home map: time with a home / without', ratio, MAX_RATIO, show.ratio),
      atMost('home map: longest event-loop block', durable.maxBlockMs, MAX_BLOCK_MS, show.millis),
    ],
  };
}

async function measure(xs, cloudConfig, home) {
  const cloud = new Cloud({ ...cloudConfig, ...(home === undefined ? {} : { home }) });
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  try {
    await cloud.result(await cloud.map(addTwo, xs.slice(0, WARM_UP_ITEMS)));
    delay.enable();
    const start = performance.now();
    const jids = await cloud.map(addTwo, xs);
    const submitMs = performance.now() - start;
    const results = await cloud.result(jids);
    // The records still being written are part of the home's cost: list() waits for them.
    if (home !== undefined) await cloud.list({ limit: 1 });
    const ms = performance.now() - start;
    delay.disable();
    const wrong = xs.findIndex((x, i) => results[i] !== addTwo(x));
    if (results.length !== xs.length || wrong !== -1) throw new Error(`wrong result at item ${wrong}`);
    return { ms, submitMs, maxBlockMs: delay.max / 1e6 };
  } finally {
    await cloud.close();
  }
}
