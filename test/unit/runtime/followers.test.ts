/**
 * Followers (src/runtime/followers.ts) as the scheduler's specification: a dependent that waits
 * on a batch's last job alone rides in that batch, reads waiting until its dependency is done
 * here, then processing without a queue; what its worker did not run, or lost, waits again.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler, type Batch } from '../../../src/runtime/scheduler.js';
import { FOLLOWERS_MS } from '../../../src/runtime/followers.js';
import { JobTable } from '../../../src/runtime/job-table.js';
import { computeUnitsOf } from '../../../src/types/resource-profiles.js';
import type { JobOutcome, OutcomeReport, RemoteError } from '../../../src/types/job-outcome.js';
import type { ResolvedJobOptions } from '../../../src/types/job-service.js';
import type { ShippedFunction } from '../../../src/types/shipped-function.js';
import { appendOutcome, emptyReport } from '../../../src/worker/outcome-report.js';
import { skippedOutcome } from '../../../src/worker/batch-runner.js';
import { resolveJobOptions } from '../../../src/options.js';

const NOW = 1_000_000;
const FAST_MS = 0.125;
const BOOM: RemoteError = { name: 'Error', message: 'boom', stack: undefined };

function shipped(name: string): ShippedFunction {
  return { id: `id-of-${name}`, name, root: 0, nodes: [], data: undefined };
}

function outcome(jid: number, fails = false, ms = FAST_MS): JobOutcome {
  const base = { jid, started: NOW, finished: NOW + ms, cputime: undefined, memory: undefined, stdout: '', stderr: '' };
  return fails ? { ...base, status: 'error', error: BOOM } : { ...base, status: 'done', value: `value of ${jid}` };
}

function reportOf(...outcomes: JobOutcome[]): OutcomeReport {
  const report = emptyReport();
  for (const each of outcomes) appendOutcome(report, each);
  return report;
}

/** A pool scheduler with followers on, whose function `work` has run once (its mean is known). */
function createScheduler({ followers = true, meanMs = FAST_MS } = {}) {
  const table = new JobTable();
  const scheduler = new Scheduler(table, { capacity: 5, costOf: computeUnitsOf, followers }, () => {});
  const work = shipped('work');
  const submit = (options: Partial<ResolvedJobOptions> = {}, fn = work): number => {
    const jid = table.allocate(1);
    scheduler.accept(jid, fn, [[jid]], { ...resolveJobOptions({}), ...options }, NOW);
    return jid;
  };
  const warmUp = submit();
  scheduler.takeBatches(NOW);
  scheduler.finished(reportOf(outcome(warmUp, false, meanMs)));
  /** A chain of `length` jobs, each depending on the one before (the first on nothing). */
  const chain = (length: number, options: Partial<ResolvedJobOptions> = {}): number[] => {
    const jids = [submit()];
    for (let i = 1; i < length; i++) jids.push(submit({ ...options, dependsOn: [jids[i - 1]!] }));
    return jids;
  };
  const take = (): Batch[] => scheduler.takeBatches(NOW);
  const status = (jid: number) => table.statusOf(jid);
  return { table, scheduler, submit, chain, take, status, work };
}

describe('followers', () => {
  it('a chain submitted before its head is dispatched travels in one batch, its followers waiting', () => {
    const s = createScheduler();
    const [a, b, c] = s.chain(3);
    expect(s.take()).toEqual([{ type: 'c1', cores: 1, jids: [a, b, c], followersFrom: 1 }]);
    expect([s.status(a!), s.status(b!), s.status(c!)]).toEqual(['queued', 'waiting', 'waiting']);
    expect(s.scheduler.dispatched).toBe(3);
    // Nothing else to dispatch: the followers are held by the batch, not queued.
    expect(s.take()).toEqual([]);
  });

  it('a follower moves to processing without a queue once its dependency is done, and reads processing once started', () => {
    const s = createScheduler();
    const [a, b, c] = s.chain(3);
    s.take();
    s.scheduler.started(a!, NOW);
    s.scheduler.finished(reportOf(outcome(a!)));
    expect([s.status(a!), s.status(b!), s.status(c!)]).toEqual(['done', 'queued', 'waiting']);
    expect(s.take()).toEqual([]);
    expect(s.scheduler.started(b!, NOW + 1)).toBe(true);
    expect(s.status(b!)).toBe('processing');
    expect(s.table.attempts[b!]).toBe(1);
    s.scheduler.finished(reportOf(outcome(b!), outcome(c!)));
    expect([s.status(b!), s.status(c!)]).toEqual(['done', 'done']);
    expect(s.scheduler.dispatched).toBe(0);
  });

  it("a start its worker reports before the dependency's outcome arrives counts once that outcome has", () => {
    const s = createScheduler();
    const [a, b] = s.chain(2);
    s.take();
    expect(s.scheduler.started(b!, NOW + 2)).toBe(false);
    expect(s.status(b!)).toBe('waiting');
    s.scheduler.finished(reportOf(outcome(a!)));
    expect([s.status(b!), s.table.started[b!]]).toEqual(['processing', NOW + 2]);
  });

  it('a failed dependency: the skipped followers stall, and never read started', () => {
    const s = createScheduler();
    const [a, b, c] = s.chain(3);
    s.take();
    s.scheduler.started(b!, NOW); // a report that ran ahead must not stick to a stalled job
    s.scheduler.finished(reportOf(outcome(a!, true), skippedOutcome(b!), skippedOutcome(c!)));
    expect([s.status(a!), s.status(b!), s.status(c!)]).toEqual(['error', 'stalled', 'stalled']);
    expect([s.table.started[b!], s.table.started[c!]]).toEqual([0, 0]);
    expect(s.scheduler.dispatched).toBe(0);
  });

  it('a dependency retried: its followers are released and wait for the retry, then ride again', () => {
    const s = createScheduler();
    const retries = { retries: 1, delay: 0, on: undefined };
    const a = s.submit({ retry: retries });
    const b = s.submit({ dependsOn: [a] });
    s.take();
    s.scheduler.finished(reportOf(outcome(a, true), skippedOutcome(b)));
    expect([s.status(a), s.status(b)]).toEqual(['queued', 'waiting']);
    expect(s.scheduler.dispatched).toBe(0);
    expect(s.take()).toEqual([{ type: 'c1', cores: 1, jids: [a, b], followersFrom: 1 }]);
    s.scheduler.finished(reportOf(outcome(a), outcome(b)));
    expect([s.status(a), s.status(b)]).toEqual(['done', 'done']);
  });

  it('killing a held follower says it must be stopped; its own follower stalls', () => {
    const s = createScheduler();
    const [a, b, c] = s.chain(3);
    s.take();
    expect(s.scheduler.kill(b!, NOW)).toBe(true);
    expect([s.status(a!), s.status(b!), s.status(c!)]).toEqual(['queued', 'killed', 'stalled']);
    // The batch is stopped: its dependency comes back and runs again.
    s.scheduler.returned([a!, b!, c!]);
    expect(s.status(a!)).toBe('queued');
    expect(s.take()).toEqual([{ type: 'c1', cores: 1, jids: [a], followersFrom: undefined }]);
  });

  it('a batch returned (its worker died) releases its followers: they wait, and ride with the rerun', () => {
    const s = createScheduler();
    const [a, b, c] = s.chain(3);
    s.take();
    s.scheduler.returned([a!, b!, c!]);
    expect([s.status(a!), s.status(b!), s.status(c!)]).toEqual(['queued', 'waiting', 'waiting']);
    expect(s.scheduler.dispatched).toBe(0);
    expect(s.take()[0]!.jids).toEqual([a, b, c]);
  });

  it('a failing follower stops the chain there, as any failed dependency does', () => {
    const s = createScheduler();
    const [a, b, c] = s.chain(3);
    s.take();
    s.scheduler.finished(reportOf(outcome(a!), outcome(b!, true), skippedOutcome(c!)));
    expect([s.status(a!), s.status(b!), s.status(c!)]).toEqual(['done', 'error', 'stalled']);
  });

  it('takes no follower that waits on another job too, ignores errors, has a maxRuntime, or runs another function', () => {
    const s = createScheduler();
    const other = s.submit();
    const a = s.submit();
    s.submit({ dependsOn: [a, other] });
    s.submit({ dependsOn: [a], dependsOnErrors: 'ignore' });
    s.submit({ dependsOn: [a], maxRuntime: 1000 });
    s.submit({ dependsOn: [a] }, shipped('another'));
    expect(s.take().every((batch) => batch.followersFrom === undefined)).toBe(true);
  });

  it('bounds a batch with followers by FOLLOWERS_MS of expected work', () => {
    const meanMs = FOLLOWERS_MS / 4;
    const s = createScheduler({ meanMs });
    const jids = s.chain(10);
    expect(s.take()[0]!.jids).toEqual(jids.slice(0, 4));
  });

  it('one follower whatever the mean, or before one is known: a chain of long jobs skips every other round trip', () => {
    const slow = createScheduler({ meanMs: 10 * FOLLOWERS_MS });
    const jids = slow.chain(3);
    expect(slow.take()).toEqual([{ type: 'c1', cores: 1, jids: jids.slice(0, 2), followersFrom: 1 }]);
    const s = createScheduler();
    const fresh = shipped('fresh');
    const a = s.submit({}, fresh);
    const b = s.submit({ dependsOn: [a] }, fresh);
    s.submit({ dependsOn: [b] }, fresh);
    expect(s.take()[0]!.jids).toEqual([a, b]);
  });

  it('none when followers are off', () => {
    const off = createScheduler({ followers: false });
    off.chain(3);
    expect(off.take()[0]!.followersFrom).toBeUndefined();
  });
});
