/**
 * The scheduler alone on a cluster of any size: a fake executor "runs" each batch it is handed
 * for the jobs' simulated durations on a fake clock (an event queue of batch end times) and
 * reports their outcomes, and only the real time spent inside the scheduler's own calls (accept,
 * takeBatches, finished) is measured, in the stretches no other process interrupted
 * (undisturbed-timer.js). It drives the pure core from dist/ (npm run build first).
 */
import { JobTable } from '../dist/runtime/job-table.js';
import { Scheduler } from '../dist/runtime/scheduler.js';
import { COMPUTE_UNITS_PER_CORE, computeUnitsOf } from '../dist/types/resource-profiles.js';
import { emptyReport } from '../dist/worker/outcome-report.js';
import { EventQueue } from './event-queue.js';
import { seededRandom } from './seeded-random.js';
import { UndisturbedTimer } from './undisturbed-timer.js';

/** Any epoch ms: the scheduler stores the times it is given and never reads a clock. */
const EPOCH_MS = 1_700_000_000_000;
/** The job mix of the maps, by resource type (the chains' links are c1). */
const TYPE_MIX = [
  ['c1', 0.85],
  ['c2', 0.1],
  ['m1', 0.05],
];
/** A map's size is drawn between these, like users' maps: many small, some large. */
const MAP_JOBS = { min: 20, max: 2_000 };
/** Batch ends per timed stretch: long enough for the CPU clock's microsecond, short enough to fall between preemptions. */
const EVENTS_PER_STRETCH = 200;
/** A job's simulated duration: `meanMs` times a factor drawn evenly in this range. */
const DURATION_SPREAD = { min: 0.5, max: 1.5 };

/** A function as shipped, as far as the scheduler looks: it batches jobs by `id`. */
function shipped(name) {
  return { id: `simulated-${name}`, name, root: 0, nodes: [], data: undefined };
}

function jobOptions(type, dependsOn) {
  return { type, cores: 1, priority: 5, label: undefined, dependsOn, dependsOnErrors: 'abort', maxRuntime: undefined, restartable: false };
}

/**
 * The same workload for every cluster size: maps of mixed types and dependency chains, in a
 * seeded random order, with every job's simulated duration. Jids are those a fresh table hands
 * out (1, 2, ...), so a plan is replayed as it is.
 * @returns {{ submissions: { fn, argsList, options }[], durationMs: Float64Array, jobs: number, chainLength: number }}
 */
export function planWorkload({ jobs, chains, chainLength, meanMs, seed }) {
  const random = seededRandom(seed);
  const between = ({ min, max }) => min + random() * (max - min);
  const functions = Object.fromEntries([...TYPE_MIX.map(([type]) => type), 'link'].map((name) => [name, shipped(name)]));
  const pickType = () => {
    let draw = random();
    for (const [type, share] of TYPE_MIX) if ((draw -= share) < 0) return type;
    return TYPE_MIX[0][0];
  };

  // What is submitted, in order: the maps, with each chain's start placed at a random point among them.
  const mapJobs = jobs - chains * chainLength;
  const maps = [];
  for (let left = mapJobs; left > 0;) {
    const count = Math.min(left, Math.round(between(MAP_JOBS)));
    maps.push({ kind: 'map', type: pickType(), count });
    left -= count;
  }
  const order = [...maps];
  for (let chain = 0; chain < chains; chain++) order.splice(Math.floor(random() * (order.length + 1)), 0, { kind: 'chain' });

  const submissions = [];
  let nextJid = 1;
  for (const item of order) {
    if (item.kind === 'map') {
      submissions.push({ fn: functions[item.type], argsList: Array.from({ length: item.count }, (_, i) => [i]), options: jobOptions(item.type, []) });
      nextJid += item.count;
    } else {
      // Each link is its own call, waiting on the link before it.
      for (let link = 0; link < chainLength; link++) {
        submissions.push({ fn: functions.link, argsList: [[link]], options: jobOptions('c1', link === 0 ? [] : [nextJid - 1]) });
        nextJid++;
      }
    }
  }
  const durationMs = new Float64Array(nextJid);
  for (let jid = 1; jid < nextJid; jid++) durationMs[jid] = meanMs * between(DURATION_SPREAD);
  return { submissions, durationMs, jobs: nextJid - 1, chainLength };
}

/**
 * Runs `plan` on a fake cluster of `cores` cores (2.5 compute units each) and returns the real
 * milliseconds spent in the scheduler's calls, and what the simulated cluster did.
 */
export function simulate(plan, cores) {
  const capacity = cores * COMPUTE_UNITS_PER_CORE;
  const table = new JobTable();
  let completed = 0;
  const scheduler = new Scheduler(table, { capacity, costOf: computeUnitsOf }, () => completed++);
  const running = new EventQueue();
  const flights = new Flights();
  let busyUnitMs = 0;
  let batches = 0;

  // The fake executor: a batch's jobs run one after another on one worker, from `now`; its report
  // is built when it ends (flights.reportOf), as a worker's arrives then, fresh.
  const start = (batch, now) => {
    let end = now;
    for (const jid of batch.jids) end += plan.durationMs[jid];
    busyUnitMs += computeUnitsOf(batch.type, batch.cores) * (end - now);
    batches++;
    running.push(end, flights.take(batch.jids, now));
  };

  const accepting = new UndisturbedTimer();
  for (const { fn, argsList, options } of plan.submissions) {
    const first = table.allocate(argsList.length);
    accepting.beginStretch();
    accepting.time(() => scheduler.accept(first, fn, argsList, options, EPOCH_MS, undefined));
    accepting.count(argsList.length);
    accepting.endStretch();
  }
  // Dispatching and completing: every batch end is one finished() and one takeBatches().
  const dispatching = new UndisturbedTimer();
  let now = EPOCH_MS;
  let report;
  // One function for every batch end (it reads `now` as it is then), not a closure made per end.
  const finishAndTake = () => {
    scheduler.finished(report);
    return scheduler.takeBatches(now);
  };
  dispatching.beginStretch();
  for (const batch of dispatching.time(() => scheduler.takeBatches(now))) start(batch, now);
  for (let events = 1; running.size > 0; events++) {
    now = running.nextTime;
    report = flights.reportOf(running.pop(), plan.durationMs);
    const toStart = dispatching.time(finishAndTake);
    dispatching.count(report.jids.length);
    for (const batch of toStart) start(batch, now);
    if (events % EVENTS_PER_STRETCH === 0 || running.size === 0) {
      dispatching.endStretch();
      dispatching.beginStretch();
    }
  }
  dispatching.endStretch();

  if (completed !== plan.jobs || scheduler.incomplete !== 0) {
    throw new Error(`simulated cluster of ${cores} cores: ${completed} of ${plan.jobs} jobs completed, ${scheduler.incomplete} left`);
  }
  assertDependenciesHeld(plan, table, cores);
  const makespanMs = now - EPOCH_MS;
  return {
    cores,
    capacity,
    acceptMicrosPerJob: accepting.microsPerUnit,
    dispatchMicrosPerJob: dispatching.microsPerUnit,
    /** Shares of the timed stretches that counted (the rest were disturbed by other processes). */
    undisturbed: { accept: accepting.undisturbed / accepting.stretches, dispatch: dispatching.undisturbed / dispatching.stretches },
    makespanMs,
    utilisation: busyUnitMs / (capacity * makespanMs),
    batches,
  };
}

/**
 * The batches in flight, by slot (a slot is reused once its batch ended): what the event queue
 * carries is a slot number, not an object per batch. A batch's report is built when it ends, not
 * when it starts: built at its start, it waited out the batch in memory and was read cold (at 256
 * cores hundreds of batch ends later, out of the CPU's caches by then, and moved by the garbage
 * collector in between), which the scheduler's `finished` paid for, more the more batches were in
 * flight; a worker's report reaches the host fresh.
 */
class Flights {
  #jids = [];
  #started = [];
  #free = [];
  #report = undefined;

  /** A batch of `jids` starts at `now`: its slot. */
  take(jids, now) {
    const slot = this.#free.pop() ?? this.#jids.length;
    this.#jids[slot] = jids;
    this.#started[slot] = now;
    return slot;
  }

  /**
   * The slot's batch ended: its report (every job done, no output), and the slot is freed. The
   * report is the one made for the last batch of the same length, written over in place (a
   * batch of another length gets a new one, made as a worker makes it: emptyReport), so the
   * harness makes no garbage per batch for the scheduler's calls to collect.
   */
  reportOf(slot, durationMs) {
    const jids = this.#jids[slot];
    const length = jids.length;
    if (this.#report?.jids.length !== length) this.#report = emptyReport(length);
    const report = this.#report;
    let clock = this.#started[slot];
    for (let i = 0; i < length; i++) {
      const jid = jids[i];
      const finished = clock + durationMs[jid];
      report.jids[i] = jid;
      report.values[i] = 0;
      report.started[i] = clock;
      report.finished[i] = finished;
      report.cputime[i] = finished - clock;
      report.memory[i] = NaN;
      clock = finished;
    }
    this.#jids[slot] = undefined;
    this.#free.push(slot);
    return report;
  }
}

/** A sanity check of the simulation: no job started before a job it depends on had finished. */
function assertDependenciesHeld(plan, table, cores) {
  let jid = 1;
  for (const { argsList, options } of plan.submissions) {
    for (const dependency of options.dependsOn) {
      if (table.started[jid] < table.finished[dependency]) {
        throw new Error(`simulated cluster of ${cores} cores: job ${jid} started before its dependency ${dependency} finished`);
      }
    }
    jid += argsList.length;
  }
}
