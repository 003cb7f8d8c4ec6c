/**
 * Scenario `cpu-bound`: a batch of jobs of pure arithmetic, each long enough that messages cost
 * nothing beside it. It measures how well nimbus turns cores into speed: makespan against the
 * same jobs run one after another in the main thread, as c1 (2.5 jobs per core, the default)
 * and as c2 (one job per core). The three take turns for a few rounds; each keeps its fastest,
 * the round least disturbed by other processes.
 */
import { availableParallelism } from 'node:os';
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { timeInTurns } from './stopwatch.js';
import { atLeast } from './target.js';
import { burn, iterationsFor } from './work.js';

export const name = 'cpu-bound';
export const title = 'CPU-bound: jobs of pure arithmetic, makespan against one thread';

const FULL = { jobs: 64, jobMs: 50 };
const QUICK = { jobs: 16, jobMs: 20 };
const ROUNDS = 3;
const CORES = availableParallelism();
/** Jobs of each kind that nimbus runs at once by default: 2.5 compute units per core. */
const SLOTS = { c1: Math.floor(CORES * 2.5), c2: CORES };

export async function run({ quick, cloudConfig }) {
  const { jobs, jobMs } = quick ? QUICK : FULL;
  const iterations = iterationsFor(jobMs);
  const work = new Array(jobs).fill(iterations);
  const expected = burn(iterations);
  const check = (results) => {
    if (results.length !== jobs || results.some((result) => result !== expected)) throw new Error('a wrong burn() result');
  };

  const cloud = new Cloud(cloudConfig);
  const c2 = cloud.with({ type: 'c2' });
  const makespan = (view) => async () => check(await cloud.result(await view.map(burn, work)));
  let times;
  try {
    // One untimed round of each kind first, so that its workers are up and compiled.
    for (const view of [cloud, c2]) await cloud.result(await view.map(burn, work.slice(0, SLOTS.c1)));
    times = await timeInTurns(ROUNDS, [() => check(work.map(burn)), makespan(cloud), makespan(c2)]);
  } finally {
    await cloud.close();
  }

  const sequentialMs = Math.min(...times[0]);
  const figures = (rounds) => {
    const ms = Math.min(...rounds);
    return { ms, slowestMs: Math.max(...rounds), speedup: sequentialMs / ms, efficiency: sequentialMs / ms / CORES, roundsMs: rounds };
  };
  const [sequential, c1Figures, c2Figures] = times.map(figures);
  const runs = [
    ['main-thread loop (sequential)', '1', sequential],
    ['nimbus c1 (default)', String(SLOTS.c1), c1Figures],
    ['nimbus c2', String(SLOTS.c2), c2Figures],
  ];
  const rows = runs.map(([runner, atOnce, f]) => [
    runner,
    atOnce,
    show.millis(f.ms),
    show.millis(f.slowestMs),
    show.ratio(f.speedup),
    show.fraction(f.efficiency),
  ]);
  return {
    config: { jobs, jobMs, iterationsPerJob: iterations, cores: CORES, rounds: ROUNDS },
    table: { header: ['runner', 'jobs at once', 'makespan', 'slowest round', 'speedup', 'efficiency'], rows },
    notes: [
      `${jobs} jobs of burn(${show.count(iterations)}), about ${jobMs} ms each in the main thread; efficiency = speedup / ${CORES} cores.`,
      `${ROUNDS} rounds, the three runners taking turns; makespan = the fastest round, from which speedup and efficiency.`,
    ],
    measurements: { sequential, c1: c1Figures, c2: c2Figures },
    targets: [
      atLeast('cpu-bound: efficiency, c1 (default)', c1Figures.efficiency, 0.9, show.fraction),
      atLeast('cpu-bound: efficiency, c2', c2Figures.efficiency, 0.9, show.fraction),
    ],
  };
}
