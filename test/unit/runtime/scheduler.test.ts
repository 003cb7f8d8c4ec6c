/**
 * The scheduler as a specification: events in (accept, finished, fail, kill, returned, block),
 * batches out. No worker, no clock: every time is a constant handed in.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler, type Capacity } from '../../../src/runtime/scheduler.js';
import { RESOURCE_PROFILES, computeUnitsOf } from '../../../src/types/resource-profiles.js';
import { TARGET_BATCH_MS } from '../../../src/runtime/batch-size.js';
import { PASSING_BOUND_MS } from '../../../src/runtime/backfill.js';
import { JobTable } from '../../../src/runtime/job-table.js';
import type { JobOutcome, OutcomeReport, RemoteError } from '../../../src/types/job-outcome.js';
import { appendOutcome, emptyReport } from '../../../src/worker/outcome-report.js';
import type { ResolvedJobOptions } from '../../../src/types/job-service.js';
import type { ShippedFunction } from '../../../src/types/shipped-function.js';
import { resolveJobOptions } from '../../../src/options.js';

const NOW = 1_000_000; // epoch ms; the scheduler stores the times it is given, it never reads a clock
const SLOW_MS = 10; // a job duration well over a batch's target: such jobs travel alone
const FAST_MS = 0.125; // well under a batch's target (exact in binary, so NOW + FAST_MS - NOW is too)
const BOOM: RemoteError = { name: 'Error', message: 'boom', stack: undefined };

const POOL: Capacity = { capacity: 5, costOf: computeUnitsOf };
/** One job at a time, whatever its type (what the simulator offers). */
const ONE_AT_A_TIME: Capacity = { capacity: 1, costOf: () => 1 };

function shipped(name: string): ShippedFunction {
  return { id: `id-of-${name}`, name, root: 0, nodes: [], data: undefined };
}

function jobOptions(overrides: Partial<ResolvedJobOptions> = {}): ResolvedJobOptions {
  return { ...resolveJobOptions({}), ...overrides };
}

function createScheduler(capacity: Capacity = POOL) {
  const table = new JobTable();
  const completed: number[] = [];
  const scheduler = new Scheduler(table, capacity, (jid) => completed.push(jid));
  const work = shipped('work');
  return {
    table,
    scheduler,
    /** Jids in the order the scheduler reported them complete. */
    completed,
    work,
    /** Accepts `count` jobs of `fn` (started by job `parent`, if given) and returns their jids. */
    submit(options: Partial<ResolvedJobOptions> = {}, fn: ShippedFunction = work, count = 1, parent?: number): number[] {
      const first = table.allocate(count);
      scheduler.accept(
        first,
        fn,
        Array.from({ length: count }, (_, i) => [i]),
        jobOptions(options),
        NOW,
        parent,
      );
      return Array.from({ length: count }, (_, i) => first + i);
    },
    /** The jids of every batch takeBatches hands out at `at` (default NOW), in dispatch order. */
    take(at = NOW): number[][] {
      return scheduler.takeBatches(at).map((batch) => batch.jids);
    },
    finish(jid: number, { ms = SLOW_MS, fails = false } = {}): void {
      scheduler.finished(reportOf(outcome(jid, ms, fails)));
    },
    status(jid: number) {
      return table.statusOf(jid);
    },
  };
}

type Harness = ReturnType<typeof createScheduler>;

/** Outcomes as an executor reports them: in columns. */
function reportOf(...outcomes: JobOutcome[]): OutcomeReport {
  const report = emptyReport();
  for (const each of outcomes) appendOutcome(report, each);
  return report;
}

function outcome(jid: number, ms: number, fails: boolean): JobOutcome {
  const base = { jid, started: NOW, finished: NOW + ms, cputime: undefined, memory: undefined, stdout: '', stderr: '' };
  return fails ? { ...base, status: 'error', error: BOOM } : { ...base, status: 'done', value: `value of ${jid}` };
}

describe('accepting jobs', () => {
  it('queues a job with no dependencies, and takeBatches dispatches it', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    expect(s.status(jid!)).toBe('queued');
    expect(s.scheduler.takeBatches(NOW)).toEqual([{ type: 'c1', cores: 1, jids: [jid] }]);
    expect(s.scheduler.dispatched).toBe(1);
  });

  it('dispatches nothing twice: a second takeBatches finds no new work', () => {
    const s = createScheduler();
    s.submit();
    expect(s.take()).toHaveLength(1);
    expect(s.take()).toEqual([]);
  });

  it('records what the options say about the job', () => {
    const s = createScheduler({ capacity: 100, costOf: computeUnitsOf });
    const [jid] = s.submit({ type: 'm1', cores: 2, priority: 3, label: 'train', maxRuntime: 60_000 }, shipped('train'));
    const t = s.table;
    expect(t.typeOf(jid!)).toBe('m1');
    expect(t.cores[jid!]).toBe(2);
    expect(t.priority[jid!]).toBe(3);
    expect(t.label[jid!]).toBe('train');
    expect(t.maxRuntime[jid!]).toBe(60_000);
    expect(t.created[jid!]).toBe(NOW);
    expect(t.fnNameOf(jid!)).toBe('train');
    expect(t.args[jid!]).toEqual([0]);
  });

  it('reports the resource type of every batch', () => {
    const s = createScheduler({ capacity: 100, costOf: computeUnitsOf });
    s.submit({ type: 's1' });
    expect(s.scheduler.takeBatches(NOW).map((batch) => batch.type)).toEqual(['s1']);
  });

  it('reads queued, with no start time, until its executor says it started; then processing', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    s.take();
    expect([s.status(jid!), s.table.started[jid!]]).toEqual(['queued', 0]);
    expect(s.scheduler.started(jid!, NOW + 7)).toBe(true);
    expect([s.status(jid!), s.table.started[jid!]]).toEqual(['processing', NOW + 7]);
  });

  it('takes a start as news once, and only for a dispatched job', () => {
    const s = createScheduler();
    const [dispatched, queued] = s.submit({ cores: 5 }, s.work, 2);
    s.take();
    s.scheduler.started(dispatched!, NOW + 1);
    expect(s.scheduler.started(dispatched!, NOW + 2)).toBe(false);
    expect(s.table.started[dispatched!]).toBe(NOW + 1);
    expect(s.scheduler.started(queued!, NOW + 3)).toBe(false);
    expect([s.status(queued!), s.table.started[queued!]]).toEqual(['queued', 0]);
    s.finish(dispatched!);
    expect(s.scheduler.started(dispatched!, NOW + 4)).toBe(false);
    expect(s.status(dispatched!)).toBe('done');
  });
});

describe('priority', () => {
  it('dispatches the lower priority number first', () => {
    const s = createScheduler();
    const [low] = s.submit({ priority: 9 });
    const [high] = s.submit({ priority: 1 });
    const [middle] = s.submit({ priority: 5 });
    expect(s.take()).toEqual([[high], [middle], [low]]);
  });

  it('orders negative and fractional priorities by value', () => {
    const s = createScheduler();
    const [two] = s.submit({ priority: 2 });
    const [twoAndAHalf] = s.submit({ priority: 2.5 });
    const [minusOne] = s.submit({ priority: -1 });
    expect(s.take()).toEqual([[minusOne], [two], [twoAndAHalf]]);
  });

  it('breaks a tie by jid, across resource types', () => {
    const s = createScheduler({ capacity: 100, costOf: computeUnitsOf });
    const [first] = s.submit({ type: 's1' });
    const [second] = s.submit({ type: 'c1' });
    const [third] = s.submit({ type: 'm1' });
    expect(s.take()).toEqual([[first], [second], [third]]);
  });

  it('prefers a better priority of another resource type over an older job', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const [older] = s.submit({ type: 'c1', priority: 5 });
    const [urgent] = s.submit({ type: 'm1', priority: 1 });
    expect(s.take()).toEqual([[urgent]]);
    s.finish(urgent!);
    expect(s.take()).toEqual([[older]]);
  });
});

describe('compute units', () => {
  it('charges each type its compute units, times its cores', () => {
    expect(Object.fromEntries(Object.entries(RESOURCE_PROFILES).map(([type, profile]) => [type, profile.computeUnits]))).toEqual({
      c1: 1,
      c2: 2.5,
      f2: 5.5,
      m1: 3.25,
      s1: 1,
    });
    expect(computeUnitsOf('c2', 1)).toBe(2.5);
    expect(computeUnitsOf('m1', 2)).toBe(6.5);
  });

  it('runs five c1 jobs at once on 5 compute units, but not a sixth', () => {
    const s = createScheduler();
    const jids = s.submit({}, s.work, 6);
    expect(s.take()).toEqual(jids.slice(0, 5).map((jid) => [jid]));
    expect(s.status(jids[5]!)).toBe('queued');
  });

  it('runs two c2 jobs at once on 5 compute units, but not a third', () => {
    const s = createScheduler();
    const [a, b, c] = s.submit({ type: 'c2' }, s.work, 3);
    expect(s.take()).toEqual([[a], [b]]);
    expect(s.status(c!)).toBe('queued');
  });

  it('runs an m1 job (3.25) beside one c1 job on 5 compute units, but not two', () => {
    const s = createScheduler();
    const [m1] = s.submit({ type: 'm1' });
    const [c1, another] = s.submit({ type: 'c1' }, s.work, 2);
    expect(s.take()).toEqual([[m1], [c1]]);
    expect(s.status(another!)).toBe('queued');
  });

  it('charges a job with two cores twice', () => {
    const s = createScheduler();
    const [a, b, c] = s.submit({ cores: 2 }, s.work, 3);
    expect(s.take()).toEqual([[a], [b]]);
    expect(s.status(c!)).toBe('queued');
  });

  it('frees the compute units of a batch when it finishes', () => {
    const s = createScheduler();
    const jids = s.submit({}, s.work, 6);
    s.take();
    s.finish(jids[2]!);
    expect(s.take()).toEqual([[jids[5]]]);
  });

  it('frees the compute units of a batch that fails', () => {
    const s = createScheduler({ capacity: 1, costOf: computeUnitsOf });
    const [a, b] = s.submit({}, s.work, 2);
    s.take();
    s.finish(a!, { fails: true });
    expect(s.take()).toEqual([[b]]);
  });

  it('lets no later job overtake the best one once it has reserved its units', () => {
    const s = createScheduler();
    const [c2a, c2b] = s.submit({ type: 'c2' }, s.work, 2);
    s.take();
    const [m1] = s.submit({ type: 'm1' }, shipped('big'));
    const [c1] = s.submit({ type: 'c1' }, shipped('small'));
    expect(s.take()).toEqual([]); // nothing free: the m1 waits for units from now on
    s.finish(c2a!); // 2.5 free: enough for the c1, not for the m1 ahead of it, which has waited long enough
    expect(s.take(NOW + PASSING_BOUND_MS)).toEqual([]);
    s.finish(c2b!);
    expect(s.take(NOW + PASSING_BOUND_MS)).toEqual([[m1], [c1]]);
  });

  it('charges the cores it was given, even more than 65,535', () => {
    const s = createScheduler({ capacity: 200_000, costOf: computeUnitsOf });
    const [a, b, c] = s.submit({ cores: 70_000 }, s.work, 3);
    expect(s.take()).toEqual([[a], [b]]);
    expect(s.status(c!)).toBe('queued');
  });
});

describe('backfill: jobs that fit run beside a larger one that waits for units, which waits a bounded time', () => {
  const big = shipped('big');
  const small = shipped('small');

  /** Runs one m1 job of `big` that takes `ms`, so that its expected run time is known. */
  function learnBig(s: Harness, ms: number): void {
    const [probe] = s.submit({ type: 'm1' }, big);
    s.take();
    s.finish(probe!, { ms });
  }

  it('runs two c1 jobs beside the first of two m1 jobs, one after the other; the second m1 when the first ends', () => {
    const s = createScheduler(); // 5 units: an m1 (3.25) leaves 1.75, room for one c1
    const [m1a, m1b] = s.submit({ type: 'm1' }, big, 2);
    const [c1a, c1b] = s.submit({}, small, 2);
    expect(s.take()).toEqual([[m1a], [c1a]]);
    s.finish(c1a!);
    expect(s.take()).toEqual([[c1b]]);
    s.finish(c1b!);
    expect(s.take()).toEqual([]);
    expect(s.status(m1b!)).toBe('queued');
    s.finish(m1a!);
    expect(s.take()).toEqual([[m1b]]);
  });

  it('passes the waiting job with the jobs that fit, best first: priority, then age', () => {
    const s = createScheduler();
    const [m1a, m1b] = s.submit({ type: 'm1', priority: 1 }, big, 2);
    const [later] = s.submit({ type: 's1', priority: 7 }, shipped('scrape'));
    const [older] = s.submit({ priority: 3 }, small);
    const [sooner] = s.submit({ priority: 2 }, shipped('other'));
    expect(s.take()).toEqual([[m1a], [sooner]]); // 0.75 left: nothing else fits
    s.finish(sooner!);
    expect(s.take()).toEqual([[older]]);
    s.finish(older!);
    expect(s.take()).toEqual([[later]]);
    expect(s.status(m1b!)).toBe('queued');
  });

  it('lets the waiting job be passed until it has waited as long as its expected run time; then it reserves', () => {
    const s = createScheduler();
    learnBig(s, 50);
    const [m1a, m1b] = s.submit({ type: 'm1' }, big, 2);
    const smalls = s.submit({}, small, 3);
    expect(s.take(NOW)).toEqual([[m1a], [smalls[0]]]); // the second m1 waits for units from NOW
    s.finish(smalls[0]!);
    expect(s.take(NOW + 49)).toEqual([[smalls[1]]]);
    s.finish(smalls[1]!);
    expect(s.take(NOW + 50)).toEqual([]); // it has waited its expected run: 1.75 units stay free for it
    s.finish(m1a!);
    expect(s.take(NOW + 60)).toEqual([[m1b], [smalls[2]]]);
  });

  it('reserves after PASSING_BOUND_MS when its run time is not known yet, or longer', () => {
    for (const known of [undefined, 10 * PASSING_BOUND_MS]) {
      const s = createScheduler();
      if (known !== undefined) learnBig(s, known);
      const [m1a, m1b] = s.submit({ type: 'm1' }, big, 2);
      const smalls = s.submit({}, small, 2);
      expect(s.take(NOW)).toEqual([[m1a], [smalls[0]]]);
      s.finish(smalls[0]!);
      expect(s.take(NOW + PASSING_BOUND_MS)).toEqual([]);
      s.finish(m1a!);
      expect(s.take(NOW + PASSING_BOUND_MS)).toEqual([[m1b], [smalls[1]]]);
    }
  });

  it('priorities hold: a job is passed only by jobs that fit, and once it reserved only by a better priority', () => {
    const s = createScheduler();
    const [c2a, c2b] = s.submit({ type: 'c2' }, s.work, 2);
    s.take();
    const [urgentBig] = s.submit({ type: 'm1', priority: 1 }, big);
    const [lowBig] = s.submit({ type: 'm1', priority: 9 }, shipped('low big'));
    const [low] = s.submit({ priority: 9 }, small);
    s.finish(c2a!); // 2.5 free: the m1 of priority 1 does not fit
    expect(s.take(NOW)).toEqual([[low]]); // a job that fits passes it; the other m1 does not fit either
    s.finish(low!);
    const [lowAgain] = s.submit({ priority: 9 }, small);
    expect(s.take(NOW + PASSING_BOUND_MS)).toEqual([]); // it reserved: no lower priority starts
    const [urgentSmall] = s.submit({ priority: 0 }, shipped('urgent'));
    expect(s.take(NOW + PASSING_BOUND_MS)).toEqual([[urgentSmall]]); // a better priority still goes first
    s.finish(urgentSmall!);
    s.finish(c2b!);
    expect(s.take(NOW + PASSING_BOUND_MS)).toEqual([[urgentBig], [lowAgain]]);
    expect(s.status(lowBig!)).toBe('queued');
  });

  it('keeps the clock of a waiting job while a better one goes first', () => {
    const s = createScheduler();
    const [c2a, c2b] = s.submit({ type: 'c2' }, s.work, 2);
    s.take();
    const [lowBig] = s.submit({ type: 'm1', priority: 9 }, big);
    expect(s.take(NOW)).toEqual([]); // the m1 waits for units from NOW
    const [urgentBig] = s.submit({ type: 'c2', priority: 1 }, shipped('urgent big'));
    const [c1] = s.submit({ priority: 9 }, small);
    expect(s.take(NOW + 1)).toEqual([]); // the c2 comes first now, and waits too
    s.finish(c2a!);
    expect(s.take(NOW + PASSING_BOUND_MS / 2)).toEqual([[urgentBig]]);
    s.finish(c2b!); // 2.5 free: the m1 is next again, and has waited since NOW
    expect(s.take(NOW + PASSING_BOUND_MS)).toEqual([]);
    expect([lowBig, c1].map((jid) => s.status(jid!))).toEqual(['queued', 'queued']);
  });

  it('does not let a job bigger than the whole capacity (workers left) hold the others back', () => {
    const s = createScheduler();
    s.scheduler.setCapacity(3);
    const [m1] = s.submit({ type: 'm1' }, big); // 3.25 units: it cannot start before workers join
    const [a, b] = s.submit({}, small, 2);
    expect(s.take(NOW)).toEqual([[a], [b]]);
    s.finish(a!);
    s.finish(b!);
    const [c] = s.submit({}, small);
    expect(s.take(NOW + 2 * PASSING_BOUND_MS)).toEqual([[c]]);
    s.finish(c!);
    s.scheduler.setCapacity(5);
    expect(s.take(NOW + 2 * PASSING_BOUND_MS)).toEqual([[m1]]);
  });
});

describe('capacity that changes while it runs (workers join and leave)', () => {
  it('dispatches at once what fits a higher capacity', () => {
    const s = createScheduler();
    const jids = s.submit({}, s.work, 8);
    expect(s.take()).toEqual(jids.slice(0, 5).map((jid) => [jid]));
    s.scheduler.setCapacity(7);
    expect(s.scheduler.capacity).toBe(7);
    expect(s.take()).toEqual([[jids[5]], [jids[6]]]);
    expect(s.status(jids[7]!)).toBe('queued');
  });

  it('lets running jobs keep their units below a lower capacity, and starts nothing until enough finish', () => {
    const s = createScheduler();
    const jids = s.submit({}, s.work, 8);
    s.take();
    for (const jid of jids.slice(0, 5)) s.scheduler.started(jid, NOW);
    s.scheduler.setCapacity(2);
    expect(jids.slice(0, 5).map((jid) => s.status(jid))).toEqual(Array(5).fill('processing'));
    expect(s.take()).toEqual([]);
    // 5 units in use against 2: the third to finish brings use down to 2, the fourth frees one.
    for (const jid of jids.slice(0, 3)) {
      s.finish(jid);
      expect(s.take()).toEqual([]);
    }
    s.finish(jids[3]!);
    expect(s.take()).toEqual([[jids[5]]]);
    expect(s.take()).toEqual([]);
  });

  it('starts nothing while no capacity is left (every worker left), and goes on when some joins', () => {
    const s = createScheduler();
    const [first, ...rest] = s.submit({ type: 'c2' }, s.work, 3);
    s.scheduler.setCapacity(0);
    expect(s.take()).toEqual([]);
    s.scheduler.setCapacity(2.5);
    expect(s.take()).toEqual([[first]]);
    expect(rest.map((jid) => s.status(jid))).toEqual(['queued', 'queued']);
  });

  it('frees what a job held at the capacity it started under, into the new capacity', () => {
    const s = createScheduler();
    const [m1, c1] = [...s.submit({ type: 'm1' }), ...s.submit({ type: 'c1' })];
    expect(s.take()).toEqual([[m1], [c1]]); // 4.25 of 5
    s.scheduler.setCapacity(10);
    const c2s = s.submit({ type: 'c2' }, s.work, 3);
    expect(s.take()).toEqual([[c2s[0]], [c2s[1]]]); // 9.25 of 10
    s.finish(m1!); // 6 of 10: one more c2 fits
    expect(s.take()).toEqual([[c2s[2]]]);
  });
});

describe('dependencies', () => {
  it('makes a job wait for an unfinished dependency', () => {
    const s = createScheduler();
    const [dependency] = s.submit();
    const [dependent] = s.submit({ dependsOn: [dependency!] });
    expect(s.status(dependent!)).toBe('waiting');
    expect(s.take()).toEqual([[dependency]]);
  });

  it('accept says whether any job it took is queued: none when all wait (no dispatch is needed)', () => {
    const { table, scheduler, work } = createScheduler();
    const accept = (options: Partial<ResolvedJobOptions>, count = 1) =>
      scheduler.accept(
        table.allocate(count),
        work,
        Array.from({ length: count }, () => []),
        jobOptions(options),
        NOW,
      );
    expect(accept({})).toBe(true);
    const waiting = table.lastJid;
    expect(accept({ dependsOn: [waiting] }, 3)).toBe(false);
    expect(scheduler.takeBatches(NOW).map((batch) => batch.jids)).toEqual([[waiting]]);
    scheduler.finished(reportOf(outcome(waiting, SLOW_MS, false)));
    // Its dependency is done: ready at once, queued.
    expect(accept({ dependsOn: [waiting] })).toBe(true);
  });

  it('queues a waiting job when its last dependency is done, not before', () => {
    const s = createScheduler();
    const [a, b] = s.submit({}, s.work, 2);
    const [dependent] = s.submit({ dependsOn: [a!, b!] });
    s.take();
    s.finish(a!);
    expect(s.status(dependent!)).toBe('waiting');
    s.finish(b!);
    expect(s.status(dependent!)).toBe('queued');
    expect(s.take()).toEqual([[dependent]]);
  });

  it('queues at once a job whose dependencies are all done already', () => {
    const s = createScheduler();
    const [dependency] = s.submit();
    s.take();
    s.finish(dependency!);
    const [dependent] = s.submit({ dependsOn: [dependency!] });
    expect(s.status(dependent!)).toBe('queued');
  });

  it('counts a dependency named twice as one', () => {
    const s = createScheduler();
    const [dependency] = s.submit();
    const [dependent] = s.submit({ dependsOn: [dependency!, dependency!] });
    s.take();
    s.finish(dependency!);
    expect(s.take()).toEqual([[dependent]]);
  });

  it('records what a job depends on', () => {
    const s = createScheduler();
    const [a, b] = s.submit({}, s.work, 2);
    const [dependent] = s.submit({ dependsOn: [a!, b!] });
    expect(s.table.dependsOn[dependent!]).toEqual([a, b]);
  });

  it.each([
    [
      'an error',
      (s: Harness, jid: number) => {
        s.take();
        s.finish(jid, { fails: true });
      },
    ],
    [
      'a kill',
      (s: Harness, jid: number) => {
        s.scheduler.kill(jid, NOW);
      },
    ],
    [
      'a failure from outside (maxRuntime, crash)',
      (s: Harness, jid: number) => {
        s.take();
        s.scheduler.fail(jid, BOOM, NOW);
      },
    ],
  ])('stalls a dependent when its dependency ends with %s', (_, end) => {
    const s = createScheduler();
    const [dependency] = s.submit();
    const [dependent] = s.submit({ dependsOn: [dependency!] });
    end(s, dependency!);
    expect(s.status(dependent!)).toBe('stalled');
    expect(s.completed).toContain(dependent);
  });

  it('stalls at once a job accepted with a dependency that already failed', () => {
    const s = createScheduler();
    const [dependency] = s.submit();
    s.scheduler.kill(dependency!, NOW);
    const [dependent] = s.submit({ dependsOn: [dependency!] });
    expect(s.status(dependent!)).toBe('stalled');
    expect(s.completed).toEqual([dependency, dependent]);
    expect(s.take()).toEqual([]);
  });

  it('stalls every job down a chain', () => {
    const s = createScheduler();
    const [head] = s.submit();
    const chain = [head!];
    for (let i = 0; i < 4; i++) chain.push(s.submit({ dependsOn: [chain.at(-1)!] })[0]!);
    s.take();
    s.finish(head!, { fails: true });
    expect(chain.map((jid) => s.status(jid))).toEqual(['error', 'stalled', 'stalled', 'stalled', 'stalled']);
  });

  it('stalls a diamond once per job', () => {
    const s = createScheduler();
    const [top] = s.submit();
    const [left] = s.submit({ dependsOn: [top!] });
    const [right] = s.submit({ dependsOn: [top!] });
    const [bottom] = s.submit({ dependsOn: [left!, right!] });
    s.take();
    s.finish(top!, { fails: true });
    expect([left, right, bottom].map((jid) => s.status(jid!))).toEqual(['stalled', 'stalled', 'stalled']);
    expect([...s.completed].sort((a, b) => a - b)).toEqual([top, left, right, bottom]);
  });

  it('stalls a chain of 20,000 jobs without overflowing the stack', () => {
    const s = createScheduler();
    const length = 20_000;
    const [head] = s.submit();
    for (let previous = head!, i = 1; i < length; i++) previous = s.submit({ dependsOn: [previous] })[0]!;
    expect(() => s.scheduler.kill(head!, NOW)).not.toThrow();
    expect(s.completed).toHaveLength(length);
    expect(s.status(head! + length - 1)).toBe('stalled');
    expect(s.scheduler.incomplete).toBe(0);
  });

  describe("dependsOnErrors: 'ignore'", () => {
    it('runs the dependent after its dependency fails', () => {
      const s = createScheduler();
      const [dependency] = s.submit();
      const [dependent] = s.submit({ dependsOn: [dependency!], dependsOnErrors: 'ignore' });
      s.take();
      s.finish(dependency!, { fails: true });
      expect(s.status(dependent!)).toBe('queued');
      expect(s.take()).toEqual([[dependent]]);
    });

    it('queues at once a job whose dependency already failed', () => {
      const s = createScheduler();
      const [dependency] = s.submit();
      s.scheduler.kill(dependency!, NOW);
      const [dependent] = s.submit({ dependsOn: [dependency!], dependsOnErrors: 'ignore' });
      expect(s.status(dependent!)).toBe('queued');
    });

    it('still waits until every dependency is complete', () => {
      const s = createScheduler();
      const [failing, slow] = s.submit({}, s.work, 2);
      const [dependent] = s.submit({ dependsOn: [failing!, slow!], dependsOnErrors: 'ignore' });
      s.take();
      s.finish(failing!, { fails: true });
      expect(s.status(dependent!)).toBe('waiting');
      s.finish(slow!);
      expect(s.status(dependent!)).toBe('queued');
    });

    it('stalls only the dependents that abort on errors', () => {
      const s = createScheduler();
      const [dependency] = s.submit();
      const [ignoring] = s.submit({ dependsOn: [dependency!], dependsOnErrors: 'ignore' });
      const [aborting] = s.submit({ dependsOn: [dependency!] });
      s.take();
      s.finish(dependency!, { fails: true });
      expect(s.status(ignoring!)).toBe('queued');
      expect(s.status(aborting!)).toBe('stalled');
    });
  });
});

describe('kill', () => {
  it('kills a queued job, returns false, and never dispatches it', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    expect(s.scheduler.kill(jid!, NOW)).toBe(false);
    expect(s.status(jid!)).toBe('killed');
    expect(s.take()).toEqual([]);
  });

  it('never dispatches a killed job that sat among queued ones', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const [a, b, c] = s.submit({}, s.work, 3);
    s.scheduler.kill(b!, NOW);
    const dispatched: number[][] = [];
    for (const jid of [a, c]) {
      dispatched.push(...s.take());
      s.finish(jid!);
    }
    dispatched.push(...s.take());
    expect(dispatched).toEqual([[a], [c]]);
  });

  it('kills a waiting job, returns false, and never dispatches it when its dependency is done', () => {
    const s = createScheduler();
    const [dependency] = s.submit();
    const [waiting] = s.submit({ dependsOn: [dependency!] });
    expect(s.scheduler.kill(waiting!, NOW)).toBe(false);
    expect(s.status(waiting!)).toBe('killed');
    s.take();
    s.finish(dependency!);
    expect(s.status(waiting!)).toBe('killed');
    expect(s.take()).toEqual([]);
  });

  it('kills a processing job, returns true (it must be stopped) and frees its compute units', () => {
    const s = createScheduler({ capacity: 1, costOf: computeUnitsOf });
    const [running, next] = s.submit({}, s.work, 2);
    s.take();
    expect(s.scheduler.kill(running!, NOW)).toBe(true);
    expect(s.status(running!)).toBe('killed');
    expect(s.take()).toEqual([[next]]);
  });

  it('returns false and changes nothing for a complete job', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    s.take();
    s.finish(jid!);
    expect(s.scheduler.kill(jid!, NOW)).toBe(false);
    expect(s.status(jid!)).toBe('done');
    expect(s.completed).toEqual([jid]);
  });

  it('records when the job was killed', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    s.scheduler.kill(jid!, NOW + 42);
    expect(s.table.finished[jid!]).toBe(NOW + 42);
  });
});

describe('complete statuses never change', () => {
  it('ignores a late finished report for a killed job', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    s.take();
    s.scheduler.kill(jid!, NOW);
    s.finish(jid!);
    expect(s.status(jid!)).toBe('killed');
    expect(s.table.value[jid!]).toBeUndefined();
    expect(s.completed).toEqual([jid]);
  });

  it('ignores a second finished report', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    s.take();
    s.finish(jid!);
    s.finish(jid!, { fails: true });
    expect(s.status(jid!)).toBe('done');
    expect(s.table.error[jid!]).toBeUndefined();
    expect(s.completed).toEqual([jid]);
  });

  it('ignores a failure from outside once the job is done', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    s.take();
    s.finish(jid!);
    s.scheduler.fail(jid!, BOOM, NOW);
    expect(s.status(jid!)).toBe('done');
  });

  it('ignores a return to the queue once the job is complete', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    s.take();
    s.finish(jid!);
    s.scheduler.returned([jid!]);
    expect(s.status(jid!)).toBe('done');
    expect(s.take()).toEqual([]);
  });
});

describe('finished reports', () => {
  it('records the value, the timings and the output of a done job, and drops its inputs', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    s.take();
    s.scheduler.finished(
      reportOf({
        jid: jid!,
        status: 'done',
        value: 3,
        started: NOW + 1,
        finished: NOW + 9,
        cputime: 7,
        memory: 1024,
        stdout: 'out\n',
        stderr: 'err\n',
      }),
    );
    const t = s.table;
    expect(s.status(jid!)).toBe('done');
    expect([t.value[jid!], t.started[jid!], t.finished[jid!], t.cputime[jid!], t.memory[jid!]]).toEqual([3, NOW + 1, NOW + 9, 7, 1024]);
    expect([t.stdout[jid!], t.stderr[jid!]]).toEqual(['out\n', 'err\n']);
    expect([t.fnOf(jid!), t.args[jid!]]).toEqual([undefined, undefined]);
  });

  it('records the error of a job that threw', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    s.take();
    s.finish(jid!, { fails: true });
    expect(s.status(jid!)).toBe('error');
    expect(s.table.error[jid!]).toEqual(BOOM);
  });

  it('tells the completion listener once per job', () => {
    const s = createScheduler();
    const [a, b] = s.submit({}, s.work, 2);
    s.take();
    s.finish(b!);
    s.finish(a!, { fails: true });
    expect(s.completed).toEqual([b, a]);
  });
});

describe('fail', () => {
  it('ends a processing job in error with the reason given, and frees its compute units', () => {
    const s = createScheduler({ capacity: 1, costOf: computeUnitsOf });
    const [jid, next] = s.submit({}, s.work, 2);
    s.take();
    s.scheduler.fail(jid!, BOOM, NOW + 5);
    expect(s.status(jid!)).toBe('error');
    expect(s.table.error[jid!]).toEqual(BOOM);
    expect(s.table.finished[jid!]).toBe(NOW + 5);
    expect(s.take()).toEqual([[next]]);
  });

  it('leaves a job that is not processing alone', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    s.scheduler.fail(jid!, BOOM, NOW);
    expect(s.status(jid!)).toBe('queued');
  });
});

describe('returned', () => {
  it('puts dispatched jobs back in the queue, frees their compute units, and dispatches them again', () => {
    const s = createScheduler({ capacity: 1, costOf: computeUnitsOf });
    const [jid] = s.submit();
    s.take();
    s.scheduler.returned([jid!]);
    expect(s.status(jid!)).toBe('queued');
    expect(s.table.started[jid!]).toBe(0);
    expect(s.take()).toEqual([[jid]]);
  });

  it('keeps the priority of a returned job', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const [urgent] = s.submit({ priority: 1 });
    s.take();
    const [later] = s.submit({ priority: 5 });
    s.scheduler.returned([urgent!]);
    expect(s.take()).toEqual([[urgent]]);
    expect(s.status(later!)).toBe('queued');
  });

  it('frees the compute units of a batch only when all its members are accounted for', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const batch = learnFastFunction(s, 3);
    expect(s.take()).toEqual([batch]);
    s.finish(batch[0]!, { ms: FAST_MS });
    s.scheduler.returned([batch[1]!]);
    expect(s.status(batch[1]!)).toBe('queued');
    expect(s.take()).toEqual([]); // the batch's last member still holds the one unit
    s.scheduler.returned([batch[2]!]);
    expect(s.take()).toEqual([[batch[1], batch[2]]]);
  });

  it('does not change how many jobs are incomplete', () => {
    const s = createScheduler();
    const [jid] = s.submit();
    s.take();
    s.scheduler.returned([jid!]);
    expect(s.scheduler.incomplete).toBe(1);
  });
});

describe('nesting: parked parents are bounded, children go first', () => {
  const BOUNDED: Capacity = { capacity: 2, costOf: computeUnitsOf, maxParked: 1 };

  it("runs a job's children before the queued siblings of that job", () => {
    const s = createScheduler({ capacity: 1, costOf: computeUnitsOf });
    const [parent, sibling] = s.submit({}, s.work, 2);
    expect(s.take()).toEqual([[parent]]);
    const [child] = s.submit({}, shipped('child'), 1, parent);
    s.scheduler.block(parent!);
    expect(s.take()).toEqual([[child]]);
    s.finish(child!);
    s.scheduler.unblock(parent!);
    s.finish(parent!);
    expect(s.take()).toEqual([[sibling]]);
  });

  it('still runs a better priority before a deeper job', () => {
    const s = createScheduler({ capacity: 1, costOf: computeUnitsOf });
    const [parent] = s.submit();
    s.take();
    const [urgent] = s.submit({ priority: 1 }, shipped('urgent'));
    const [child] = s.submit({}, shipped('child'), 1, parent);
    s.scheduler.block(parent!);
    expect(s.take()).toEqual([[urgent]]);
    s.finish(urgent!);
    expect(s.take()).toEqual([[child]]);
  });

  it('parks at most maxParked waiting jobs; past that a waiting job keeps its slot', () => {
    const s = createScheduler(BOUNDED);
    const [a, b] = s.submit({}, s.work, 2);
    expect(s.take()).toEqual([[a], [b]]);
    const [childOfA] = s.submit({}, shipped('child'), 1, a);
    s.scheduler.block(a!);
    expect(s.scheduler.parked).toBe(1);
    expect(s.take()).toEqual([[childOfA]]);
    const [childOfB] = s.submit({}, shipped('child'), 1, b);
    s.scheduler.block(b!); // b keeps its slot: childOfA still runs, so nothing is stuck
    expect(s.scheduler.parked).toBe(1);
    expect(s.take()).toEqual([]);
    s.finish(childOfA!);
    expect(s.take()).toEqual([[childOfB]]);
  });

  it('parks one more past the bound when every slot is held by a waiting job', () => {
    const s = createScheduler(BOUNDED);
    const [a, b] = s.submit({}, s.work, 2);
    s.take();
    s.scheduler.block(a!);
    const [c] = s.submit();
    expect(s.take()).toEqual([[c]]);
    // Both slots are held by waiting jobs (b, c) and a is parked: without one more, nothing runs.
    const [childOfB] = s.submit({}, shipped('child'), 1, b);
    s.scheduler.block(b!);
    s.scheduler.block(c!);
    expect(s.take()).toEqual([[childOfB]]);
    expect(s.scheduler.parked).toBe(2);
    s.finish(childOfB!);
    s.scheduler.unblock(b!);
    expect(s.scheduler.parked).toBe(1);
  });
});

describe('block and unblock', () => {
  it('gives a blocked batch its compute units back, so another job starts', () => {
    const s = createScheduler({ capacity: 1, costOf: computeUnitsOf });
    const [parent, child] = s.submit({}, s.work, 2);
    s.take();
    s.scheduler.block(parent!);
    expect(s.take()).toEqual([[child]]);
  });

  it('takes the compute units again on unblock, even past capacity, until enough jobs complete', () => {
    const s = createScheduler();
    const [parent] = s.submit();
    s.take();
    s.scheduler.block(parent!);
    const children = s.submit({}, s.work, 5);
    expect(s.take()).toHaveLength(5);
    const [next] = s.submit();
    s.scheduler.unblock(parent!); // 6 compute units in use on 5
    s.finish(children[0]!);
    expect(s.take()).toEqual([]);
    s.finish(children[1]!);
    expect(s.take()).toEqual([[next]]);
  });

  it('takes the compute units again only when the last of several waits is over', () => {
    const s = createScheduler({ capacity: 1, costOf: computeUnitsOf });
    const [parent] = s.submit();
    s.take();
    s.scheduler.block(parent!);
    s.scheduler.block(parent!);
    s.scheduler.unblock(parent!);
    const [child] = s.submit();
    expect(s.take()).toEqual([[child]]);
    s.finish(child!);
    s.scheduler.unblock(parent!);
    const [another] = s.submit();
    expect(s.take()).toEqual([]);
    expect(s.status(another!)).toBe('queued');
  });

  it('ignores an unblock without a block', () => {
    const s = createScheduler({ capacity: 1, costOf: computeUnitsOf });
    const [running] = s.submit();
    s.take();
    s.scheduler.unblock(running!);
    s.finish(running!);
    const [next] = s.submit();
    expect(s.take()).toEqual([[next]]);
  });

  it('does not free the compute units twice when a blocked job completes', () => {
    const s = createScheduler({ capacity: 1, costOf: computeUnitsOf });
    const [parent, child] = s.submit({}, s.work, 2);
    s.take();
    s.scheduler.block(parent!);
    s.take();
    s.scheduler.kill(parent!, NOW);
    s.scheduler.unblock(parent!);
    const [next] = s.submit();
    expect(s.take()).toEqual([]);
    s.finish(child!);
    expect(s.take()).toEqual([[next]]);
  });

  it('holds the compute units again for the rest of a batch when a blocked member completes', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const [parent, sibling] = learnFastFunction(s, 2);
    const [other] = s.submit({}, shipped('other'));
    expect(s.take()).toEqual([[parent, sibling]]);
    s.scheduler.block(parent!);
    expect(s.take()).toEqual([[other]]);
    s.finish(parent!, { ms: FAST_MS }); // it returned without waiting for its wait to end
    s.finish(other!);
    const [next] = s.submit({}, shipped('next'));
    expect(s.take()).toEqual([]); // the sibling is still running and holds the one unit
    s.finish(sibling!, { ms: FAST_MS });
    expect(s.take()).toEqual([[next]]);
  });
});

/** Runs one fast job of `work` so its duration is known, then queues `count` more of it. */
function learnFastFunction(s: Harness, count: number): number[] {
  const [probe] = s.submit();
  s.take();
  s.finish(probe!, { ms: FAST_MS });
  return s.submit({}, s.work, count);
}

describe('batches', () => {
  it('sends each job alone until its function has a known duration', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const [a, b, c] = s.submit({}, s.work, 3);
    expect(s.take()).toEqual([[a]]);
    s.finish(a!, { ms: FAST_MS });
    expect(s.take()).toEqual([[b, c]]);
  });

  it('fills a batch of a fast function with about TARGET_BATCH_MS of work', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const jids = learnFastFunction(s, 30);
    expect(s.take()).toEqual([jids.slice(0, TARGET_BATCH_MS / FAST_MS)]);
  });

  it('gives no batch more than its fair share of the queue among the slots that can run it', () => {
    const s = createScheduler(); // 5 c1 slots
    const jids = learnFastFunction(s, 10);
    expect(s.take()[0]).toEqual(jids.slice(0, 2)); // 10 queued on 5 slots
  });

  it('keeps the jobs of a batch in queue order', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const jids = learnFastFunction(s, 5);
    expect(s.take()).toEqual([jids]);
  });

  it('sends the jobs of a slow function alone even when many are queued', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const [probe] = s.submit();
    s.take();
    s.finish(probe!, { ms: SLOW_MS });
    const [a] = s.submit({}, s.work, 3);
    expect(s.take()).toEqual([[a]]);
  });

  it('learns the duration from a job that failed too', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const [probe, a, b] = s.submit({}, s.work, 3);
    s.take();
    s.finish(probe!, { ms: FAST_MS, fails: true });
    expect(s.take()).toEqual([[a, b]]);
  });

  it('sends a job with a maxRuntime alone, even of a fast function', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const [probe] = s.submit();
    s.take();
    s.finish(probe!, { ms: FAST_MS });
    const [a, b] = s.submit({ maxRuntime: 1_000 }, s.work, 2);
    expect(s.take()).toEqual([[a]]);
    s.finish(a!, { ms: FAST_MS });
    expect(s.take()).toEqual([[b]]);
  });

  it('ends a batch before a job with a maxRuntime', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const [a, b] = learnFastFunction(s, 2);
    const [timed] = s.submit({ maxRuntime: 1_000 });
    expect(s.take()).toEqual([[a, b]]);
    s.finish(a!, { ms: FAST_MS });
    s.finish(b!, { ms: FAST_MS });
    expect(s.take()).toEqual([[timed]]);
  });

  it('never mixes functions in a batch', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const [a, b] = learnFastFunction(s, 2);
    const [other] = s.submit({}, shipped('other'));
    const [c] = s.submit();
    expect(s.take()).toEqual([[a, b]]);
    s.finish(a!, { ms: FAST_MS });
    s.finish(b!, { ms: FAST_MS });
    expect(s.take()).toEqual([[other]]);
    s.finish(other!, { ms: FAST_MS });
    expect(s.take()).toEqual([[c]]);
  });

  it('never mixes jobs of different cores in a batch', () => {
    const s = createScheduler({ capacity: 100, costOf: () => 1 });
    const [probe] = s.submit();
    s.take();
    s.finish(probe!, { ms: FAST_MS });
    const [one] = s.submit({ cores: 1 });
    const [two] = s.submit({ cores: 2 });
    expect(s.take()).toEqual([[one], [two]]);
  });

  it('holds its compute units until its last job has finished', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const [a, b] = learnFastFunction(s, 2);
    const [other] = s.submit({}, shipped('other'));
    expect(s.take()).toEqual([[a, b]]);
    s.finish(a!, { ms: FAST_MS });
    expect(s.take()).toEqual([]);
    s.finish(b!, { ms: FAST_MS });
    expect(s.take()).toEqual([[other]]);
  });

  it('dispatches every job of a batch, and each reads processing only once it has started', () => {
    const s = createScheduler(ONE_AT_A_TIME);
    const jids = learnFastFunction(s, 3);
    expect(s.take()).toEqual([jids]);
    expect(s.scheduler.dispatched).toBe(3);
    expect(jids.map((jid) => s.status(jid))).toEqual(['queued', 'queued', 'queued']);
    s.scheduler.started(jids[0]!, NOW);
    s.scheduler.started(jids[1]!, NOW + 1);
    expect(jids.map((jid) => s.status(jid))).toEqual(['processing', 'processing', 'queued']);
  });
});

describe('incomplete', () => {
  it('counts the jobs accepted and not complete yet', () => {
    const s = createScheduler();
    const [a, b, c] = s.submit({}, s.work, 3);
    s.submit({ dependsOn: [c!] });
    expect(s.scheduler.incomplete).toBe(4);
    s.take();
    s.finish(a!);
    expect(s.scheduler.incomplete).toBe(3);
    s.finish(b!, { fails: true });
    expect(s.scheduler.incomplete).toBe(2);
    s.scheduler.kill(c!, NOW); // stalls its dependent too
    expect(s.scheduler.incomplete).toBe(0);
  });

  it('does not count a job that stalled as it was accepted', () => {
    const s = createScheduler();
    const [dependency] = s.submit();
    s.scheduler.kill(dependency!, NOW);
    s.submit({ dependsOn: [dependency!] });
    expect(s.scheduler.incomplete).toBe(0);
  });
});
