/**
 * Scenario `dependencies`: the cost of the dependency graph. A chain of N jobs, each submitted
 * with `dependsOn` the one before (so none can start before its predecessor is done), and a
 * fan-in of N independent jobs into one that depends on all of them. The two take turns for a
 * few rounds; each keeps its fastest, the round least disturbed by other processes.
 */
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { timeInTurns } from './stopwatch.js';
import { atLeast } from './target.js';
import { addTwo } from './work.js';

export const name = 'dependencies';
export const title = 'Dependencies: a chain of N jobs and a fan-in of N -> 1';

const JOBS = 10_000;
const QUICK_JOBS = 500;
const ROUNDS = 3;
/** An untimed chain first, so workers are up and the code is compiled. */
const WARM_UP_JOBS = 200;

export async function run({ quick, cloudConfig }) {
  const jobs = quick ? QUICK_JOBS : JOBS;
  const cloud = new Cloud(cloudConfig);
  let times;
  try {
    await runChain(cloud, WARM_UP_JOBS);
    times = await timeInTurns(ROUNDS, [() => runChain(cloud, jobs), () => runFanIn(cloud, jobs)]);
  } finally {
    await cloud.close();
  }

  const figures = (rounds, count) => {
    const ms = Math.min(...rounds);
    return { ms, slowestMs: Math.max(...rounds), jobsPerSecond: count / (ms / 1000), roundsMs: rounds };
  };
  const chain = figures(times[0], jobs);
  const fanIn = figures(times[1], jobs + 1);
  const row = (shape, count, f) => [shape, show.count(count), show.millis(f.ms), show.millis(f.slowestMs), show.jobsPerSecond(f.jobsPerSecond)];
  return {
    config: { jobs, rounds: ROUNDS, warmUpJobs: WARM_UP_JOBS },
    table: {
      header: ['shape', 'jobs', 'fastest round', 'slowest round', 'throughput'],
      rows: [row('chain (each dependsOn the previous)', jobs, chain), row(`fan-in (${show.count(jobs)} -> 1)`, jobs + 1, fanIn)],
    },
    notes: [
      "Timed from the first submission until the last job's result is in hand, which it can only be once all are done.",
      `${ROUNDS} rounds, chain and fan-in taking turns; throughput from the fastest round.`,
    ],
    measurements: { chain, fanIn },
    targets: [atLeast('dependencies: chain throughput', chain.jobsPerSecond, 50_000, show.jobsPerSecond)],
  };
}

async function runChain(cloud, jobs) {
  let previous = await cloud.call(addTwo, 0);
  for (let i = 1; i < jobs; i++) previous = await cloud.with({ dependsOn: previous }).call(addTwo, i);
  await expectResult(cloud, previous, addTwo(jobs - 1));
}

async function runFanIn(cloud, jobs) {
  const inputs = await cloud.map(
    addTwo,
    Array.from({ length: jobs }, (_, i) => i),
  );
  const last = await cloud.with({ dependsOn: inputs }).call(addTwo, jobs);
  await expectResult(cloud, last, addTwo(jobs));
}

async function expectResult(cloud, jid, expected) {
  const result = await cloud.result(jid);
  if (result !== expected) throw new Error(`job ${jid} returned ${result}, expected ${expected}`);
}
