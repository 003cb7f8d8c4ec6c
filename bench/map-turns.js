/**
 * Two builds' main-thread CPU per job on a trivial 1M-job map + `result`, for runs taken in
 * turns (old, new, old, new...) on a shared machine. Not a scenario of `npm run bench`.
 *
 * Usage: node bench/map-turns.js <dir> <thread|process> [items=1000000]
 * `<dir>` holds a `dist/` (a copy of an older build, with package.json and node_modules beside
 * it); one cloud runs a 20,000-job warm-up, then two maps, and prints each map's main-thread CPU
 * per job (/proc/thread-self/stat, as main-thread-cost.js), the workers' CPU per job (threads: the
 * process's CPU less the main thread's, so V8's helper threads count too; processes: the worker
 * processes' own utime + stime from /proc, 10 ms ticks), the time the main thread was ready to
 * run but waited for a CPU (/proc/thread-self/schedstat: descheduled by the workers or by other
 * load), the share of the map its event loop was idle (waiting for the workers), and throughput.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, isolation, items = '1000000'] = process.argv.slice(2);
if (!dir || !isolation) {
  console.error('usage: node bench/map-turns.js <dir> <thread|process> [items]');
  process.exit(1);
}
const { Cloud } = await import(pathToFileURL(resolve(dir, 'dist/index.js')).href);
const addTwo = (x) => x + 2;
const xs = Array.from({ length: Number(items) }, (_, i) => i);
const cloud = new Cloud({ isolation });
const runs = [];
try {
  await cloud.result(await cloud.map(addTwo, xs.slice(0, 20_000)));
  for (let round = 0; round < 2; round++) {
    const cpu = threadCpuMicros();
    const workers = workersCpuMicros(cpu);
    const waited = runQueueMicros();
    const elu = performance.eventLoopUtilization();
    const start = performance.now();
    const results = await cloud.result(await cloud.map(addTwo, xs));
    const ms = performance.now() - start;
    if (results.at(-1) !== xs.length + 1) throw new Error('a wrong result');
    const main = threadCpuMicros();
    const idle = 1 - performance.eventLoopUtilization(elu).utilization;
    const perJob = (micros) => `${(micros / xs.length).toFixed(2)} us/job`;
    const wait = `waited ${perJob(runQueueMicros() - waited)} idle ${(idle * 100).toFixed(0)}%`;
    runs.push(`main ${perJob(main - cpu)} workers ${perJob(workersCpuMicros(main) - workers)} ${wait} ${Math.round((xs.length / ms) * 1000)} jobs/s`);
  }
} finally {
  await cloud.close();
}
console.log(dir, isolation, runs.join('  '), 'load', readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

/** This thread's CPU time (user + system) in microseconds, at clock-tick resolution (10 ms). */
function threadCpuMicros() {
  return statCpuMicros(readFileSync('/proc/thread-self/stat', 'utf8'));
}

/** How long this thread has waited on a run queue, ready but not running (microseconds; schedstat's second field, ns). */
function runQueueMicros() {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1000;
}

/** The workers' CPU time so far (microseconds): of this process's other threads, or of its child processes. */
function workersCpuMicros(mainMicros) {
  if (isolation === 'thread') {
    const { user, system } = process.cpuUsage();
    return user + system - mainMicros;
  }
  let total = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    for (const pid of readFileSync(`/proc/self/task/${tid}/children`, 'utf8').split(' ').filter(Boolean)) {
      try {
        total += statCpuMicros(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        // It ended meanwhile.
      }
    }
  }
  return total;
}

function statCpuMicros(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}
