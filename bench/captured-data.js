/**
 * Scenario `captured-data` (issue 14, item 1): 300 jobs of about 5 ms whose function captures a
 * 16 MB Float64Array, against the same jobs capturing 8 numbers, in process and thread modes.
 * Jobs of 5 ms travel about one per batch, so before the data cache the 16 MB went with nearly
 * every job; now it goes to each worker once (README: Captured data moves once per worker).
 * Each round captures arrays of new content, so every timed map sends its data afresh: the cost
 * measured includes hashing the array and sending it to each worker once. The two maps take
 * turns for a few rounds; each keeps its fastest. Beside the wall time, the CPU time of the host's
 * main thread per map (Linux: /proc), which other load on the machine barely moves: what moving the
 * data costs the thread that dispatches every job.
 */
import { readFileSync } from 'node:fs';
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { timeInTurns } from './stopwatch.js';
import { atMost } from './target.js';
import { addTwo, burn, iterationsFor } from './work.js';

export const name = 'captured-data';
export const title = 'captured data: jobs of 5 ms capturing 16 MB against capturing 8 numbers';

const FULL = { jobs: 300, jobMs: 5, bigLength: 2 * 1024 * 1024, rounds: 3 };
const QUICK = { jobs: 40, jobMs: 5, bigLength: 256 * 1024, rounds: 1 };
const SMALL_LENGTH = 8;
const MODES = ['process', 'thread'];
const TARGET_RATIO = 1.2;

/** A job of `iterations` of burn() that reads element i of what it captured: a new function object each time. */
const jobOf = (values, iterations) => (i) => burn(iterations) + values[i % values.length];

/** CPU ms the main thread has used (user + system, in 10 ms ticks); undefined off Linux. */
function mainThreadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** `length` numbers, different for every `seed`: equal content would be found cached. */
function numbers(length, seed) {
  const values = new Float64Array(length);
  for (let k = 0; k < length; k++) values[k] = k + seed;
  return values;
}

export async function run({ quick, cloudConfig }) {
  const { jobs, jobMs, bigLength, rounds } = quick ? QUICK : FULL;
  const iterations = iterationsFor(jobMs);
  const expected = burn(iterations);
  const indexes = Array.from({ length: jobs }, (_, i) => i);
  let seed = 0;
  /** Main-thread CPU ms of each round, by length. */
  let cpu = {};
  const timedMap = (cloud, length) => async () => {
    const before = mainThreadCpuMs();
    const values = numbers(length, ++seed);
    const results = await cloud.result(await cloud.map(jobOf(values, iterations), indexes));
    if (results.some((result, i) => result !== expected + values[i % length])) throw new Error('a wrong result');
    if (before !== undefined) (cpu[length] ??= []).push(mainThreadCpuMs() - before);
  };

  const measured = {};
  for (const isolation of MODES) {
    const cloud = new Cloud({ ...cloudConfig, isolation });
    try {
      // Every worker up and its code compiled, with no data: the timed maps pay only for theirs.
      await cloud.result(await cloud.map(jobOf(numbers(SMALL_LENGTH, 0), iterations), indexes.slice(0, 50)));
      await cloud.result(await cloud.map(addTwo, indexes));
      cpu = {};
      const [small, big] = await timeInTurns(rounds, [timedMap(cloud, SMALL_LENGTH), timedMap(cloud, bigLength)]);
      measured[isolation] = { smallMs: Math.min(...small), bigMs: Math.min(...big), smallRoundsMs: small, bigRoundsMs: big };
      if (cpu[bigLength]) {
        Object.assign(measured[isolation], { smallCpuMs: median(cpu[SMALL_LENGTH]), bigCpuMs: median(cpu[bigLength]) });
        Object.assign(measured[isolation], { smallRoundsCpuMs: cpu[SMALL_LENGTH], bigRoundsCpuMs: cpu[bigLength] });
      }
    } finally {
      await cloud.close();
    }
  }

  const mb = (bigLength * 8) / (1024 * 1024);
  const cpuShown = (ms) => (ms === undefined ? 'n/a' : show.millis(ms));
  const rows = MODES.map((mode) => {
    const { smallMs, bigMs, smallCpuMs, bigCpuMs } = measured[mode];
    return [mode, show.millis(smallMs), show.millis(bigMs), show.ratio(bigMs / smallMs), cpuShown(smallCpuMs), cpuShown(bigCpuMs)];
  });
  return {
    config: { jobs, jobMs, iterationsPerJob: iterations, bigBytes: bigLength * 8, smallLength: SMALL_LENGTH, rounds },
    table: {
      header: ['isolation', `capturing ${SMALL_LENGTH} numbers`, `capturing ${mb} MB`, 'ratio', 'main CPU, 8 numbers', `main CPU, ${mb} MB`],
      rows,
    },
    notes: [
      `${jobs} jobs of burn(${show.count(iterations)}), about ${jobMs} ms each; each round captures arrays of new content (sent afresh).`,
      `${rounds} rounds, the two maps taking turns; each time is the fastest round.`,
      "main CPU: the host's main thread's CPU time per map (user + system, 10 ms ticks), the median round.",
    ],
    measurements: measured,
    targets: MODES.map((mode) =>
      atMost(`captured-data: ${mb} MB captured / 8 numbers, ${mode}`, measured[mode].bigMs / measured[mode].smallMs, TARGET_RATIO, show.ratio),
    ),
  };
}
