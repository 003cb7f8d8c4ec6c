/**
 * Scenario `worker-start`: what a worker costs to start and to keep. For each isolation, a fresh
 * Cloud runs one trivial job, K times: the time from `call` to its result is the time from
 * spawning the worker to the first job run (the function's shipping is cached after the first
 * round, so it is not counted). An idle worker's resident memory is read from /proc: the worker
 * process's own in process mode; in thread mode, the growth of this process when its first
 * thread starts. The job also says which host-only packages (SQLite, S3, the thread pool) its
 * worker loaded: a lean worker loads none.
 */
import { readFileSync } from 'node:fs';
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { atMost } from './target.js';
import { median } from './round-trips.js';

export const name = 'worker-start';
export const title = "Worker start: spawn to first job run, and an idle worker's memory";

const STARTS = 10;
const QUICK_STARTS = 3;
/** What a worker that loads only what running a job needs costs, by isolation (issue 12). */
const GOAL_START_MS = { process: 60, thread: 40 };
const GOAL_IDLE_MB = { process: 48, thread: 12 };

/** Packages a job never needs: a lean worker loads none of them. */
const HOST_ONLY_PACKAGES = ['better-sqlite3', '@aws-sdk', 'piscina'];

/** The job: where it ran, and which host-only packages its worker loaded (CommonJS modules show in the module cache). */
async function whereAmI(packages) {
  const { default: Module } = await import('node:module');
  const loaded = Object.keys(Module._cache);
  return { pid: process.pid, heavy: packages.filter((name) => loaded.some((file) => file.includes(`/node_modules/${name}/`))) };
}

function residentMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function startOnce(isolation) {
  const cloud = new Cloud({ isolation, cores: 1 });
  const before = residentMb(process.pid);
  const started = performance.now();
  const where = await cloud.result(await cloud.call(whereAmI, HOST_ONLY_PACKAGES));
  const ms = performance.now() - started;
  const idleMb = isolation === 'process' ? residentMb(where.pid) : residentMb(process.pid) - before;
  await cloud.close();
  return { ms, idleMb, heavy: where.heavy };
}

export async function run({ quick }) {
  const starts = quick ? QUICK_STARTS : STARTS;
  const rows = [];
  const targets = [];
  const measurements = {};
  for (const isolation of ['process', 'thread']) {
    // One untimed start, so that the function's shipping and the host's own modules are warm.
    await startOnce(isolation);
    const runs = [];
    for (let i = 0; i < starts; i++) runs.push(await startOnce(isolation));
    const ms = median(runs.map((r) => r.ms));
    const idleMb = median(runs.map((r) => r.idleMb));
    const heavy = [...new Set(runs.flatMap((r) => r.heavy))];
    measurements[isolation] = { startMs: runs.map((r) => r.ms), idleMb: runs.map((r) => r.idleMb), hostOnlyPackagesLoaded: heavy };
    rows.push([isolation, show.millis(ms), show.millis(Math.min(...runs.map((r) => r.ms))), `${idleMb.toFixed(1)} MB`, heavy.join(', ') || 'none']);
    targets.push(atMost(`worker start, ${isolation} (spawn to first job, median)`, ms, GOAL_START_MS[isolation], show.millis));
    targets.push(atMost(`idle worker memory, ${isolation} (median)`, idleMb, GOAL_IDLE_MB[isolation], (mb) => `${mb.toFixed(1)} MB`));
  }
  return {
    config: { starts },
    table: { header: ['isolation', 'spawn to first job, median', 'fastest', 'idle worker RSS', 'host-only packages loaded'], rows },
    notes: [
      `${starts} fresh clouds of one core per isolation, one trivial job each; the first start is not timed.`,
      "Thread mode's memory is this process's growth when the pool's first thread starts.",
    ],
    measurements,
    targets,
  };
}
