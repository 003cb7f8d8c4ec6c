/**
 * Scenario `main-thread`: the CPU time the host's main thread spends per job (accepting,
 * dispatching, recording, waking) over a trivial map of N jobs, in thread and process modes.
 * Wall-clock figures move by 2x on a shared machine; the main thread's own CPU time does not,
 * so this is the figure that says whether the runtime's per-job cost went down.
 *
 * The main thread's CPU time is read from /proc/thread-self/stat (utime + stime of this thread
 * only: worker threads, V8's helper threads and libuv's pool are not in it; clock ticks of 10 ms,
 * a few hundred of them per run). Beside it: the event loop's active time per job
 * (`performance.eventLoopUtilization`, which also counts time the thread was descheduled, so it
 * grows with load), and the whole process's CPU time per job in process mode (in thread mode it
 * would include the workers).
 */
import { readFileSync } from 'node:fs';
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { atLeast, atMost } from './target.js';
import { addTwo, checkAddTwo } from './work.js';

export const name = 'main-thread';
export const title = "Main thread's CPU time per job: a trivial map of N jobs, thread and process modes";

const ITEMS = 1_000_000;
const QUICK_ITEMS = 20_000;
const WARM_UP_ITEMS = 20_000;
/** Each mode keeps its lowest figure over this many maps. */
const ROUNDS = 2;
const MODES = ['thread', 'process'];
/** Issue 14, item 4: the main thread's cost per job on the trivial map. */
const TARGET_US = 1;
/** Issue 14, item 4: the same map's throughput (map + result), by mode. */
const TARGET_JOBS_PER_SECOND = { thread: 1_000_000, process: 600_000 };

export async function run({ quick, cloudConfig }) {
  const items = quick ? QUICK_ITEMS : ITEMS;
  const xs = Array.from({ length: items }, (_, i) => i);
  const measured = {};
  for (const isolation of MODES) measured[isolation] = await measureMode({ ...cloudConfig, isolation }, xs);

  const rows = MODES.map((mode) => {
    const m = measured[mode];
    return [
      mode,
      show.micros(m.threadUs),
      show.micros(m.activeUs),
      mode === 'process' ? show.micros(m.processUs) : '-',
      show.millis(m.ms),
      show.jobsPerSecond(items / (m.ms / 1000)),
    ];
  });
  return {
    config: { items, warmUpItems: WARM_UP_ITEMS, rounds: ROUNDS },
    table: { header: ['isolation', 'main thread CPU / job', 'event loop active / job', 'process CPU / job', 'time', 'throughput'], rows },
    notes: [
      `Each figure is the lowest of ${ROUNDS} maps of ${show.count(items)} jobs (map + result, results checked).`,
      'Main thread CPU: /proc/thread-self/stat (10 ms ticks). Event loop active counts descheduled time too, so it grows with load.',
    ],
    measurements: measured,
    targets: [
      ...MODES.map((mode) => atMost(`main thread CPU per job, trivial map, ${mode}`, measured[mode].threadUs, TARGET_US, show.micros)),
      ...MODES.map((mode) =>
        atLeast(
          `trivial map of ${show.count(items)}, map + result, ${mode}`,
          items / (measured[mode].ms / 1000),
          TARGET_JOBS_PER_SECOND[mode],
          show.jobsPerSecond,
        ),
      ),
    ],
  };
}

async function measureMode(config, xs) {
  const cloud = new Cloud(config);
  const rounds = [];
  try {
    await cloud.result(await cloud.map(addTwo, xs.slice(0, WARM_UP_ITEMS)));
    for (let round = 0; round < ROUNDS; round++) rounds.push(await measureMap(cloud, xs));
  } finally {
    await cloud.close();
  }
  const lowest = (key) => Math.min(...rounds.map((r) => r[key]));
  return { threadUs: lowest('threadUs'), activeUs: lowest('activeUs'), processUs: lowest('processUs'), ms: lowest('ms'), rounds };
}

async function measureMap(cloud, xs) {
  const perJob = (us) => us / xs.length;
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const thread = threadCpuMicros();
  const start = performance.now();
  const jids = await cloud.map(addTwo, xs);
  const results = await cloud.result(jids);
  const ms = performance.now() - start;
  const threadUs = threadCpuMicros() - thread;
  const { user, system } = process.cpuUsage(cpu);
  const active = performance.eventLoopUtilization(elu).active;
  checkAddTwo('nimbus', xs, results);
  // Every job stays addressable by its jid.
  if ((await cloud.status(jids.at(-1))) !== 'done') throw new Error('the last job of the map is not done');
  return { threadUs: perJob(threadUs), activeUs: perJob(active * 1000), processUs: perJob(user + system), ms };
}

/** This thread's CPU time (user + system), in microseconds, at clock-tick resolution. */
function threadCpuMicros() {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * TICK_MICROS;
}

/** Linux's USER_HZ is 100 on every architecture Node runs on. */
const TICK_MICROS = 10_000;
