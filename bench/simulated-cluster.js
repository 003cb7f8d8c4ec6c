/**
 * Scenario `simulated-cluster`: the scheduler beyond the cores of this machine. The pure core
 * (dist/runtime/scheduler.js) is driven on a fake clock by a fake executor of 16, 64 and 256 cores
 * (fake-cluster.js), through one seeded workload: maps of c1, c2 and m1 jobs of about 50 ms and a
 * few dependency chains. What is measured is real: the time the scheduler's calls take per job, as
 * the cluster grows. It must stay flat, or the runtime would be what limits a big machine.
 */
import * as show from './format.js';
import { planWorkload, simulate } from './fake-cluster.js';
import { atMost } from './target.js';

export const name = 'simulated-cluster';
export const title = 'Simulated cluster: scheduler overhead per job at 16, 64 and 256 cores (fake clock)';

const CORE_COUNTS = [16, 64, 256];
const FULL = { jobs: 200_000, chains: 8, chainLength: 100, rounds: 5 };
const QUICK = { jobs: 20_000, chains: 4, chainLength: 25, rounds: 1 };
const WORKLOAD = { meanMs: 50, seed: 14 };
/** Untimed first at every size, so that the scheduler's code is compiled before any size is timed. */
const WARM_UP = { jobs: 20_000, chains: 2, chainLength: 10, ...WORKLOAD };
/** Issue 14 item 5: the overhead per job at the largest cluster, at most this many times the smallest's. */
const MAX_GROWTH = 1.5;

export async function run({ quick }) {
  const { rounds, ...sizes } = quick ? QUICK : FULL;
  const plan = planWorkload({ ...sizes, ...WORKLOAD });
  const warmUp = planWorkload(WARM_UP);
  for (const cores of CORE_COUNTS) simulate(warmUp, cores);
  // The sizes take turns, round after round; each keeps its fastest round, the least disturbed.
  const byCores = CORE_COUNTS.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, cores] of CORE_COUNTS.entries()) {
      byCores[i].push(simulate(plan, cores));
      await yieldToEventLoop();
    }
  }
  const figures = byCores.map((runs) => {
    const totals = runs.map((r) => r.acceptMicrosPerJob + r.dispatchMicrosPerJob);
    const best = runs[totals.indexOf(Math.min(...totals))];
    return { ...best, totalMicrosPerJob: Math.min(...totals), roundsTotalMicros: totals };
  });
  const smallest = figures[0];
  const largest = figures[figures.length - 1];
  const rows = figures.map((f) => {
    // The scheduler's share of one core while the cluster runs these jobs at its simulated rate.
    const jobsPerSecond = plan.jobs / (f.makespanMs / 1000);
    return [
      String(f.cores),
      show.count(f.capacity),
      show.seconds(f.makespanMs),
      show.fraction(f.utilisation),
      show.micros(f.acceptMicrosPerJob),
      show.micros(f.dispatchMicrosPerJob),
      show.micros(f.totalMicrosPerJob),
      show.ratio(f.totalMicrosPerJob / smallest.totalMicrosPerJob),
      show.fraction((f.totalMicrosPerJob * jobsPerSecond) / 1e6),
    ];
  });
  return {
    config: { ...sizes, ...WORKLOAD, coreCounts: CORE_COUNTS, rounds, submissions: plan.submissions.length },
    table: {
      header: [
        'cores',
        'compute units',
        'simulated makespan',
        'CU busy',
        'accept / job',
        'dispatch + finish / job',
        'scheduler / job',
        '/ 16 cores',
        'share of a core',
      ],
      rows,
    },
    notes: [
      `${show.count(plan.jobs)} jobs, one seeded workload for every size: maps of 20-2,000 jobs (85% c1, 10% c2, 5% m1) and ${sizes.chains} dependency chains of ${sizes.chainLength}, all submitted at once; each job runs ${WORKLOAD.meanMs} ms x 0.5-1.5 of simulated time.`,
      'scheduler / job = real time in accept, takeBatches and finished per job (the fake executor and the event queue are not counted), timed by the wall clock in stretches of 200 batch ends that no other process interrupted (CPU time >= 95% of wall time).',
      `${rounds} round(s), the sizes taking turns; each keeps its fastest round. CU busy = compute-unit time used / (capacity x makespan); share of a core = scheduler time per simulated second.`,
      'CU busy stays high at every size because smaller jobs run beside an m1 job waiting for room (backfill); without it, it fell with size.',
    ],
    measurements: { byCores: figures },
    targets: [
      atMost(
        `simulated-cluster: scheduler time per job, ${largest.cores} / ${smallest.cores} cores`,
        largest.totalMicrosPerJob / smallest.totalMicrosPerJob,
        MAX_GROWTH,
        show.ratio,
      ),
    ],
  };
}

/** Lets pending I/O (the terminal) through between the long synchronous simulations. */
function yieldToEventLoop() {
  return new Promise((resolve) => setImmediate(resolve));
}
