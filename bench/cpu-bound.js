/**
 * Scenario `cpu-bound`: a batch of jobs of pure arithmetic, each long enough that messages cost
 * nothing beside it. It measures how well nimbus turns cores into speed: makespan against the
 * same jobs run one after another in the main thread, as c1 (2.5 jobs per core, the default)
 * and as c2 (one job per core).
 */
import { availableParallelism } from 'node:os';
import { Cloud } from 'nimbus';
import * as show from './format.js';
import { timed } from './stopwatch.js';
import { atLeast } from './target.js';
import { burn } from './work.js';

export const name = 'cpu-bound';
export const title = 'CPU-bound: jobs of pure arithmetic, makespan against one thread';

const FULL = { jobs: 64, jobMs: 50 };
const QUICK = { jobs: 16, jobMs: 20 };
/** Iterations timed to calibrate burn(); about 10 ms, long enough for the timer's resolution. */
const CALIBRATION_ITERATIONS = 10_000_000;
const CORES = availableParallelism();
/** Jobs of each kind that nimbus runs at once by default: 2.5 compute units per core. */
const SLOTS = { c1: Math.floor(CORES * 2.5), c2: CORES };

export async function run({ quick }) {
  const { jobs, jobMs } = quick ? QUICK : FULL;
  const iterations = iterationsFor(jobMs);
  const work = new Array(jobs).fill(iterations);

  const sequential = await timed(() => work.map(burn));
  const expected = sequential.value[0];
  const cloud = new Cloud();
  let c1, c2;
  try {
    c1 = await measureMakespan(cloud, work, expected);
    c2 = await measureMakespan(cloud.with({ type: 'c2' }), work, expected);
  } finally {
    await cloud.close();
  }

  const figures = (ms) => ({ ms, speedup: sequential.ms / ms, efficiency: sequential.ms / ms / CORES });
  const runs = [
    ['main-thread loop (sequential)', '1', figures(sequential.ms)],
    ['nimbus c1 (default)', String(SLOTS.c1), figures(c1)],
    ['nimbus c2', String(SLOTS.c2), figures(c2)],
  ];
  const rows = runs.map(([runner, atOnce, f]) => [runner, atOnce, show.millis(f.ms), show.ratio(f.speedup), show.fraction(f.efficiency)]);
  return {
    config: { jobs, jobMs, iterationsPerJob: iterations, cores: CORES },
    table: { header: ['runner', 'jobs at once', 'makespan', 'speedup', 'efficiency'], rows },
    notes: [
      `${jobs} jobs of burn(${show.count(iterations)}), about ${jobMs} ms each in the main thread; efficiency = speedup / ${CORES} cores.`,
      `Each nimbus run follows an untimed round of ${SLOTS.c1} such jobs, so its threads are up and compiled.`,
    ],
    measurements: { sequential: figures(sequential.ms), c1: figures(c1), c2: figures(c2) },
    targets: [
      atLeast('cpu-bound: efficiency, c1 (default)', figures(c1).efficiency, 0.9, show.fraction),
      atLeast('cpu-bound: efficiency, c2', figures(c2).efficiency, 0.9, show.fraction),
    ],
  };
}

/** Iterations of burn() that take about `ms` in this thread, once the JIT has compiled it. */
function iterationsFor(ms) {
  burn(CALIBRATION_ITERATIONS);
  const start = performance.now();
  burn(CALIBRATION_ITERATIONS);
  return Math.round((CALIBRATION_ITERATIONS * ms) / (performance.now() - start));
}

async function measureMakespan(cloud, work, expected) {
  await cloud.result(await cloud.map(burn, work.slice(0, SLOTS.c1)));
  const { ms, value } = await timed(async () => cloud.result(await cloud.map(burn, work)));
  if (value.some((result) => result !== expected)) throw new Error('nimbus returned a wrong burn() result');
  return ms;
}
