/**
 * Scenario `scaling`: the CPU-bound map on `new Cloud({ cores: 1 })` and `new Cloud({ cores: 2 })`,
 * each set beside the ideal, the same jobs run one after another in the main thread divided by the
 * cores. The jobs are c2 (one job per core): c1 jobs run 2.5 to a core, so a 1-core cloud would
 * run two at once, and nothing pins those two workers to one core, so they would take both cores
 * of the machine and the 1-core figure would mean nothing. The runners take turns for a few
 * rounds; each keeps its fastest, the round least disturbed by other processes.
 */
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { timeInTurns } from './stopwatch.js';
import { atLeast } from './target.js';
import { burn, burnWork } from './work.js';

export const name = 'scaling';
export const title = 'Scaling: the CPU-bound map at cores = 1 and 2, efficiency per core';

const FULL = { jobs: 32, jobMs: 50, rounds: 3 };
const QUICK = { jobs: 8, jobMs: 20, rounds: 2 };
const CORE_COUNTS = [1, 2];
/** Issue 14 item 5: the efficiency at every core count. */
const MIN_EFFICIENCY = 0.85;

export async function run({ quick, cloudConfig }) {
  const { jobs, jobMs, rounds } = quick ? QUICK : FULL;
  const { work, iterations, check } = burnWork(jobs, jobMs);

  const clouds = CORE_COUNTS.map((cores) => new Cloud({ ...cloudConfig, cores }));
  const c2 = clouds.map((cloud) => cloud.with({ type: 'c2' }));
  /** Each cloud's jids, round by round, to read the jobs' runtimes once the timing is over. */
  const jidsByRound = c2.map(() => []);
  const makespan = (view, i) => async () => {
    const jids = await view.map(burn, work);
    check(await view.result(jids));
    jidsByRound[i].push(jids);
  };
  let times;
  let runtimes;
  try {
    // One untimed map on each, so that its workers are up and burn() is compiled in them.
    for (const view of c2) await view.result(await view.map(burn, work.slice(0, Math.max(...CORE_COUNTS))));
    times = await timeInTurns(rounds, [() => check(work.map(burn)), ...c2.map(makespan)]);
    runtimes = await Promise.all(c2.map((view, i) => Promise.all(jidsByRound[i].map((jids) => totalRuntimeMs(view, jids)))));
  } finally {
    await Promise.all(clouds.map((cloud) => cloud.close()));
  }

  const sequentialMs = Math.min(...times[0]);
  const figures = CORE_COUNTS.map((cores, i) => {
    const roundsMs = times[i + 1];
    const ms = Math.min(...roundsMs);
    const fastest = roundsMs.indexOf(ms);
    const idealMs = sequentialMs / cores;
    // Slots busy running a job, over the fastest round: what the runtime keeps busy, whatever
    // share of the CPU other processes leave those jobs.
    const occupancy = runtimes[i][fastest] / (cores * ms);
    return { cores, ms, slowestMs: Math.max(...roundsMs), idealMs, speedup: sequentialMs / ms, efficiency: idealMs / ms, occupancy, roundsMs };
  });
  const rows = [
    ['main-thread loop (sequential)', '-', show.millis(sequentialMs), show.millis(Math.max(...times[0])), '-', '1.00x', '-', '-'],
    ...figures.map((f) => [
      `nimbus, cores: ${f.cores} (c2 jobs)`,
      String(f.cores),
      show.millis(f.ms),
      show.millis(f.slowestMs),
      show.millis(f.idealMs),
      show.ratio(f.speedup),
      show.fraction(f.efficiency),
      show.fraction(f.occupancy),
    ]),
  ];
  return {
    config: { jobs, jobMs, iterationsPerJob: iterations, coreCounts: CORE_COUNTS, rounds, type: 'c2' },
    table: { header: ['runner', 'jobs at once', 'makespan', 'slowest round', 'ideal', 'speedup', 'efficiency', 'slots busy'], rows },
    notes: [
      `${jobs} c2 jobs of burn(${show.count(iterations)}), about ${jobMs} ms each in the main thread; ideal = sequential / cores, efficiency = ideal / makespan.`,
      `${rounds} rounds, the runners taking turns; makespan = the fastest round. A busy machine lowers the 2-core figure first: read it beside the load average.`,
      "slots busy = the jobs' runtimes (start to end, in the worker) / (cores x makespan): near 1 with a low efficiency means the jobs ran slowly (a busy machine), not that slots idled.",
      'Beyond the cores this machine has, see the simulated-cluster scenario: the scheduler alone, on a fake clock.',
    ],
    measurements: { sequentialMs, sequentialRoundsMs: times[0], byCores: figures },
    targets: figures.map((f) => atLeast(`scaling: efficiency at cores = ${f.cores}`, f.efficiency, MIN_EFFICIENCY, show.fraction)),
  };
}

/** The jobs' runtimes (wall clock in their worker, start to end), summed. */
async function totalRuntimeMs(view, jids) {
  const infos = await view.info(jids, ['runtime']);
  return infos.reduce((sum, info) => sum + (info.runtime ?? 0), 0);
}
