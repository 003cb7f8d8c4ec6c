/**
 * Scenario `cu-scheduling`: resource profiles at work. 20 c1 jobs and 8 c2 jobs of 200 ms of CPU
 * each, all submitted at once: c1 jobs share a core 2.5 ways, a c2 job has one to itself. The
 * makespan is set beside the ideal, the total CPU time spread over every core with none idle.
 */
import { availableParallelism } from 'node:os';
import { Cloud } from 'nimbus';
import * as show from './format.js';
import { timed } from './stopwatch.js';
import { burn, iterationsFor } from './work.js';

export const name = 'cu-scheduling';
export const title = 'Compute units: c1 and c2 jobs together, makespan against the ideal';

const FULL = { c1: 20, c2: 8, jobMs: 200 };
const QUICK = { c1: 5, c2: 2, jobMs: 50 };
const CORES = availableParallelism();

export async function run({ quick, cloudConfig }) {
  const { c1, c2, jobMs } = quick ? QUICK : FULL;
  const iterations = iterationsFor(jobMs);
  const cloud = new Cloud(cloudConfig);
  let measured;
  try {
    // Untimed: start both profiles' workers and compile burn() in them.
    await cloud.result([...(await cloud.map(burn, [1000])), ...(await cloud.with({ type: 'c2' }).map(burn, [1000]))]);
    measured = await timed(async () => {
      const c1Jobs = await cloud.map(burn, new Array(c1).fill(iterations));
      const c2Jobs = await cloud.with({ type: 'c2' }).map(burn, new Array(c2).fill(iterations));
      await cloud.join([...c1Jobs, ...c2Jobs]);
      return cloud.info([...c1Jobs, ...c2Jobs], ['type', 'cputime', 'runtime']);
    });
  } finally {
    await cloud.close();
  }
  const infos = measured.value;
  const cpuMs = infos.reduce((sum, info) => sum + (info.cputime ?? jobMs), 0);
  const idealMs = cpuMs / CORES;
  const mean = (type, field) => {
    const ofType = infos.filter((info) => info.type === type);
    return ofType.reduce((sum, info) => sum + (info[field] ?? 0), 0) / ofType.length;
  };
  const rows = [
    ['makespan', show.millis(measured.ms)],
    [`ideal: ${show.millis(cpuMs)} of CPU over ${CORES} cores`, show.millis(idealMs)],
    ['makespan / ideal', show.ratio(measured.ms / idealMs)],
    ['c1 job: mean runtime (mean CPU)', `${show.millis(mean('c1', 'runtime'))} (${show.millis(mean('c1', 'cputime'))})`],
    ['c2 job: mean runtime (mean CPU)', `${show.millis(mean('c2', 'runtime'))} (${show.millis(mean('c2', 'cputime'))})`],
  ];
  return {
    config: { c1, c2, jobMs, iterationsPerJob: iterations, cores: CORES },
    table: { header: ['figure', 'value'], rows },
    notes: [
      `${c1} c1 jobs and ${c2} c2 jobs of about ${jobMs} ms of CPU each, submitted at once; on ${CORES} cores the runtime offers ${CORES * 2.5} compute units (c1 = 1, c2 = 2.5).`,
      'A c1 job runs slower than a c2 job (it shares its core), but together they keep every core busy: the ratio says how close.',
    ],
    measurements: { makespanMs: measured.ms, idealMs, cpuMs },
    targets: [],
  };
}
