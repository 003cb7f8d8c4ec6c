/**
 * A worker's own cost per job, without a pool or a host: `runBatch` (src/worker/batch-runner.ts)
 * in this thread over batches of 1,000 trivial jobs (`x => x + 2`, arguments a Float64Array
 * column, as a map's batch arrives), each batch's report built and packed as a worker sends it.
 * Prints this process's CPU time per job for each of 8 rounds of 2M jobs, and the lowest. Not a
 * scenario of `npm run bench`: it reads the build's internals.
 *
 * Usage: node bench/worker-batch-cost.js [dir=.] [--process-meter]
 * `<dir>` holds a `dist/` (this build, or a copy of another); `--process-meter` measures jobs as a
 * worker process does (its CPU clock and resident set), not as a thread.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const dir = args.find((arg) => !arg.startsWith('--')) ?? '.';
const load = (file) => import(pathToFileURL(resolve(dir, 'dist', file)).href);
const { runBatch } = await load('worker/batch-runner.js');
const { emptyReport, toWireReport } = await load('worker/outcome-report.js');
if (args.includes('--process-meter')) {
  const { ProcessMeter, useJobMeter } = await load('worker/job-meter.js');
  useJobMeter(new ProcessMeter());
}

const SIZE = 1_000;
const BATCHES = 2_000;
const ROUNDS = 8;
const addTwo = (x) => x + 2;
const functions = { rebuild: () => Promise.resolve(addTwo) };
const batch = {
  fn: undefined,
  type: 'c1',
  cores: 1,
  args: { arity: 1, flat: Float64Array.from({ length: SIZE }, (_, i) => i) },
  jids: Array.from({ length: SIZE }, (_, i) => i + 1),
};

const perJob = [];
for (let round = 0; round < ROUNDS; round++) {
  const before = process.cpuUsage();
  for (let b = 0; b < BATCHES; b++) {
    // Made for its batch, as a worker thread does (a build before that ignores the length).
    let report = emptyReport(SIZE);
    await runBatch(functions, batch, { starting() {}, report: () => report, finished() {} });
    report = toWireReport(report);
  }
  const { user, system } = process.cpuUsage(before);
  perJob.push(Math.round(((user + system) * 1000) / (SIZE * BATCHES)));
}
console.log(`${dir}: ns per job ${perJob.join(' ')}; lowest ${Math.min(...perJob)}`);
