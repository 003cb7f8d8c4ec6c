// Estimates pi by throwing random darts at a square, on every core, then compares with the same
// work done in a plain loop in this thread. Run it with `npm run demo`.
import os from 'node:os';
import cloud from '@nimbus-js/nimbus';
import { watchMachine } from './machine-load.js';

// One job: how many of `samples` random points in the unit square fall inside the quarter circle.
// It is shipped by its source, so it uses nothing from outside itself: it brings its own
// random number generator (mulberry32), seeded so that every job draws different points.
function countInside(samples, seed) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let inside = 0;
  for (let i = 0; i < samples; i++) {
    const x = random();
    const y = random();
    if (x * x + y * y <= 1) inside++;
  }
  return inside;
}

const cores = os.availableParallelism();
const jobs = 4 * cores;
const samplesPerJob = Number(process.argv[2] ?? 40_000_000); // `node examples/monte-carlo-pi.js 1000000`: a quick run
// CPU-bound work: c2 gives each job a core of its own (c1, the default, shares a core 2.5 ways).
const crunch = cloud.with({ type: 'c2' });
const seeds = Array.from({ length: jobs }, (_, i) => i + 1);
const estimate = (inside) => (4 * inside) / (jobs * samplesPerJob);

const machine = watchMachine();
let start = performance.now();
const jids = await crunch.map(countInside, Array(jobs).fill(samplesPerJob), seeds);
const counts = await cloud.result(jids);
const cloudMs = performance.now() - start;
const cloudInside = counts.reduce((sum, n) => sum + n, 0);

start = performance.now();
let loopInside = 0;
for (const seed of seeds) loopInside += countInside(samplesPerJob, seed);
const loopMs = performance.now() - start;
const jobsCpuMs = (await cloud.info(jids, ['cputime'])).reduce((sum, info) => sum + (info.cputime ?? 0), 0);
const machineNote = machine.stop(jobsCpuMs);

console.log(`pi ≈ ${estimate(cloudInside)} (Math.PI = ${Math.PI})`);
console.log(`${jobs} jobs of ${samplesPerJob.toLocaleString('en-US')} samples on ${cores} cores`);
console.log(
  `cloud.map: ${cloudMs.toFixed(0)} ms, starting the workers included; plain loop: ${loopMs.toFixed(0)} ms; speedup ${(loopMs / cloudMs).toFixed(2)}x`,
);
console.log(machineNote);
if (loopInside !== cloudInside) console.log('the loop and the jobs disagree: this is a bug');

await cloud.close();
