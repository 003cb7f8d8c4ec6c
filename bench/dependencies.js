/**
 * Scenario `dependencies`: the cost of the dependency graph. A chain of N jobs, each submitted
 * with `dependsOn` the one before (so none can start before its predecessor is done), and a
 * fan-in of N independent jobs into one that depends on all of them.
 */
import { Cloud } from 'nimbus';
import * as show from './format.js';
import { timed } from './stopwatch.js';
import { atLeast } from './target.js';
import { addTwo } from './work.js';

export const name = 'dependencies';
export const title = 'Dependencies: a chain of N jobs and a fan-in of N -> 1';

const JOBS = 10_000;
const QUICK_JOBS = 500;
/** An untimed chain first, so threads are up and the code is compiled. */
const WARM_UP_JOBS = 200;

export async function run({ quick }) {
  const jobs = quick ? QUICK_JOBS : JOBS;
  const cloud = new Cloud();
  let chainMs, fanInMs;
  try {
    await runChain(cloud, WARM_UP_JOBS);
    chainMs = (await timed(() => runChain(cloud, jobs))).ms;
    fanInMs = (await timed(() => runFanIn(cloud, jobs))).ms;
  } finally {
    await cloud.close();
  }

  const chainRate = jobs / (chainMs / 1000);
  const fanInRate = (jobs + 1) / (fanInMs / 1000);
  return {
    config: { jobs, warmUpJobs: WARM_UP_JOBS },
    table: {
      header: ['shape', 'jobs', 'time', 'throughput'],
      rows: [
        ['chain (each dependsOn the previous)', show.count(jobs), show.millis(chainMs), show.jobsPerSecond(chainRate)],
        [`fan-in (${show.count(jobs)} -> 1)`, show.count(jobs + 1), show.millis(fanInMs), show.jobsPerSecond(fanInRate)],
      ],
    },
    notes: ['Timed from the first submission until the last job\'s result is in hand, which it can only be once all are done.'],
    measurements: {
      chain: { ms: chainMs, jobsPerSecond: chainRate },
      fanIn: { ms: fanInMs, jobsPerSecond: fanInRate },
    },
    targets: [atLeast('dependencies: chain throughput', chainRate, 50_000, show.jobsPerSecond)],
  };
}

async function runChain(cloud, jobs) {
  let previous = await cloud.call(addTwo, 0);
  for (let i = 1; i < jobs; i++) previous = await cloud.with({ dependsOn: previous }).call(addTwo, i);
  await expectResult(cloud, previous, addTwo(jobs - 1));
}

async function runFanIn(cloud, jobs) {
  const inputs = await cloud.map(addTwo, Array.from({ length: jobs }, (_, i) => i));
  const last = await cloud.with({ dependsOn: inputs }).call(addTwo, jobs);
  await expectResult(cloud, last, addTwo(jobs));
}

async function expectResult(cloud, jid, expected) {
  const result = await cloud.result(jid);
  if (result !== expected) throw new Error(`job ${jid} returned ${result}, expected ${expected}`);
}
