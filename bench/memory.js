/**
 * Scenario `memory`: what a finished job costs to remember. A child process started with
 * --expose-gc (job-heap-probe.js) reads the main thread's memory after full collections, before
 * and after an N-job map whose results it fetched and dropped; the difference over N is the
 * memory per job record.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as show from './format.js';
import { atMost } from './target.js';

export const name = 'memory';
export const title = 'Memory: heap per finished job record after an N-job map';

const JOBS = 1_000_000;
const QUICK_JOBS = 20_000;
const PROBE = fileURLToPath(new URL('./job-heap-probe.js', import.meta.url));

export async function run({ quick, cloudConfig }) {
  const jobs = quick ? QUICK_JOBS : JOBS;
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', PROBE, String(jobs), JSON.stringify(cloudConfig ?? {})]);
  const { before, after } = JSON.parse(stdout.trim().split('\n').at(-1));

  const perJob = (field) => (after[field] - before[field]) / jobs;
  const heapPerJob = perJob('heapUsed');
  const arrayBuffersPerJob = perJob('arrayBuffers');
  const row = (what, b, a, per) => [what, show.count(b), show.count(a), show.bytes(per)];
  return {
    config: { jobs },
    table: {
      header: ['memory (main thread)', 'before (B)', 'after (B)', 'per job'],
      rows: [
        row('V8 heap (heapUsed)', before.heapUsed, after.heapUsed, heapPerJob),
        row('ArrayBuffers (typed-array columns)', before.arrayBuffers, after.arrayBuffers, arrayBuffersPerJob),
        row('both', before.heapUsed + before.arrayBuffers, after.heapUsed + after.arrayBuffers, heapPerJob + arrayBuffersPerJob),
      ],
    },
    notes: [
      `Measured in a child \`node --expose-gc\`: ${show.count(jobs)} jobs of x => x + 2 mapped, results fetched and dropped,`,
      'then process.memoryUsage() after gc() (3 times, a turn of the event loop between), minus the same reading taken',
      "before the map (after a 1,000-job warm-up). heapUsed leaves out typed arrays' backing stores, counted in ArrayBuffers.",
    ],
    measurements: { before, after, heapBytesPerJob: heapPerJob, arrayBufferBytesPerJob: arrayBuffersPerJob },
    targets: [
      atMost('memory: heap per finished job record', heapPerJob, 200, show.bytes),
      // The typed-array columns are part of the record too, though heapUsed does not see them.
      atMost('memory: heap + ArrayBuffers per job record', heapPerJob + arrayBuffersPerJob, 200, show.bytes),
    ],
  };
}
