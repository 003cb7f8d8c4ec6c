/**
 * Scenario `captured-data` (issue 14, item 1): 300 jobs of about 5 ms whose function captures a
 * 16 MB Float64Array, against the same jobs capturing 8 numbers, in process and thread modes.
 * Jobs of 5 ms travel about one per batch, so before the data cache the 16 MB went with nearly
 * every job; now it goes to each worker once (README: Captured data moves once per worker).
 * Each round captures arrays of new content, so every timed map sends its data afresh: the cost
 * measured includes hashing the array and sending it to each worker once. The two maps take
 * turns for a few rounds; each keeps its fastest.
 */
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
  const timedMap = (cloud, length) => async () => {
    const values = numbers(length, ++seed);
    const results = await cloud.result(await cloud.map(jobOf(values, iterations), indexes));
    if (results.some((result, i) => result !== expected + values[i % length])) throw new Error('a wrong result');
  };

  const measured = {};
  for (const isolation of MODES) {
    const cloud = new Cloud({ ...cloudConfig, isolation });
    try {
      // Every worker up and its code compiled, with no data: the timed maps pay only for theirs.
      await cloud.result(await cloud.map(jobOf(numbers(SMALL_LENGTH, 0), iterations), indexes.slice(0, 50)));
      await cloud.result(await cloud.map(addTwo, indexes));
      const [small, big] = await timeInTurns(rounds, [timedMap(cloud, SMALL_LENGTH), timedMap(cloud, bigLength)]);
      measured[isolation] = { smallMs: Math.min(...small), bigMs: Math.min(...big), smallRoundsMs: small, bigRoundsMs: big };
    } finally {
      await cloud.close();
    }
  }

  const mb = (bigLength * 8) / (1024 * 1024);
  const rows = MODES.map((mode) => {
    const { smallMs, bigMs } = measured[mode];
    return [mode, show.millis(smallMs), show.millis(bigMs), show.ratio(bigMs / smallMs)];
  });
  return {
    config: { jobs, jobMs, iterationsPerJob: iterations, bigBytes: bigLength * 8, smallLength: SMALL_LENGTH, rounds },
    table: { header: ['isolation', `capturing ${SMALL_LENGTH} numbers`, `capturing ${mb} MB`, 'ratio'], rows },
    notes: [
      `${jobs} jobs of burn(${show.count(iterations)}), about ${jobMs} ms each; each round captures arrays of new content (sent afresh).`,
      `${rounds} rounds, the two maps taking turns; each figure is the fastest round.`,
    ],
    measurements: measured,
    targets: MODES.map((mode) =>
      atMost(`captured-data: ${mb} MB captured / 8 numbers, ${mode}`, measured[mode].bigMs / measured[mode].smallMs, TARGET_RATIO, show.ratio),
    ),
  };
}
