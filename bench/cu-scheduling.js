/**
 * Scenario `cu-scheduling`: resource profiles at work. 20 c1 jobs and 8 c2 jobs of 200 ms of CPU
 * each, all submitted at once: c1 jobs share a core 2.5 ways, a c2 job has one to itself. The
 * makespan is set beside the ideal, the total CPU time spread over every core with none idle.
 */
import { availableParallelism } from 'node:os';
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { timed } from './stopwatch.js';
import { atMost } from './target.js';
import { burn, iterationsFor } from './work.js';

export const name = 'cu-scheduling';
export const title = 'Compute units: c1 and c2 jobs together, makespan against the ideal';

const FULL = { c1: 20, c2: 8, jobMs: 200 };
const QUICK = { c1: 5, c2: 2, jobMs: 50 };
const CORES = availableParallelism();
/** Slots of each profile: the runtime offers 2.5 compute units a core; c1 = 1, c2 = 2.5. */
const C1_SLOTS = Math.floor(CORES * 2.5);
const C2_SLOTS = CORES;
/** Each warm-up job's length: enough for all of a profile's workers to start while it runs. */
const WARM_UP_MS = 100;

export async function run({ quick, cloudConfig }) {
  const { c1, c2, jobMs } = quick ? QUICK : FULL;
  const iterations = iterationsFor(jobMs);
  const cloud = new Cloud(cloudConfig);
  let measured;
  try {
    // Untimed: start every worker of both profiles and compile burn() in each. The jobs overlap
    // (each long enough to hold its slot while the others start), so each lands on a worker of
    // its own; and the scheduler learns how long burn() runs, as it would have in a steady state.
    const warmUpIterations = iterationsFor(WARM_UP_MS);
    await cloud.result(await cloud.map(burn, new Array(C1_SLOTS).fill(warmUpIterations)));
    await cloud.result(await cloud.with({ type: 'c2' }).map(burn, new Array(C2_SLOTS).fill(warmUpIterations)));
    measured = await timed(async () => {
      const startedAt = Date.now();
      const c1Jobs = await cloud.map(burn, new Array(c1).fill(iterations));
      const c2Jobs = await cloud.with({ type: 'c2' }).map(burn, new Array(c2).fill(iterations));
      await cloud.join([...c1Jobs, ...c2Jobs]);
      return { startedAt, infos: await cloud.info([...c1Jobs, ...c2Jobs], ['type', 'cputime', 'runtime', 'started', 'finished']) };
    });
  } finally {
    await cloud.close();
  }
  const { infos, startedAt } = measured.value;
  const busy = coresGivenWork(infos, startedAt, CORES);
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
    ['core time with a job to run (whatever else loads the machine)', show.fraction(busy)],
    ['c1 job: mean runtime (mean CPU)', `${show.millis(mean('c1', 'runtime'))} (${show.millis(mean('c1', 'cputime'))})`],
    ['c2 job: mean runtime (mean CPU)', `${show.millis(mean('c2', 'runtime'))} (${show.millis(mean('c2', 'cputime'))})`],
  ];
  return {
    config: { c1, c2, jobMs, iterationsPerJob: iterations, cores: CORES },
    table: { header: ['figure', 'value'], rows },
    notes: [
      `${c1} c1 jobs and ${c2} c2 jobs of about ${jobMs} ms of CPU each, submitted at once; on ${CORES} cores the runtime offers ${CORES * 2.5} compute units (c1 = 1, c2 = 2.5).`,
      'A c1 job runs slower than a c2 job (it shares its core), but together they keep every core busy: the ratio says how close.',
      'Core time with a job to run: the share of cores x makespan during which the scheduler had given each core a job; load from elsewhere slows the jobs and so the ratio, not this.',
    ],
    measurements: { makespanMs: measured.ms, idealMs, cpuMs, coresGivenWork: busy },
    targets: [atMost('cu-scheduling: makespan / ideal', measured.ms / idealMs, 1.05, show.ratio)],
  };
}

/**
 * The share of cores x (last finish - start) during which the jobs running could keep every core
 * busy: a job is one thread, so `running` jobs occupy min(running, cores) cores.
 */
function coresGivenWork(infos, startedAt, cores) {
  const events = infos.flatMap((info) => [
    [info.started, 1],
    [info.finished, -1],
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let last = startedAt;
  let occupied = 0;
  for (const [at, change] of events) {
    occupied += Math.min(running, cores) * (at - last);
    running += change;
    last = at;
  }
  return occupied / (cores * (last - startedAt));
}
