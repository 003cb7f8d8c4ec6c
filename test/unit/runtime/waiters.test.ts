import { afterEach, describe, expect, it, vi } from 'vitest';
import { Code, JobTable } from '../../../src/runtime/job-table.js';
import { Waiters } from '../../../src/runtime/waiters.js';
import { resultAt, verdictResults } from '../../../src/wire/verdict-results.js';
import type { RemoteError } from '../../../src/types/job-outcome.js';
import type { WaitRequest, WaitVerdict } from '../../../src/types/job-service.js';

const BOOM: RemoteError = { name: 'Error', message: 'boom', stack: undefined };

/** `count` jobs, all processing; `complete` sets a status in the table and tells the waiters. */
function createWaiters(count: number) {
  const table = new JobTable();
  const first = table.allocate(count);
  const jids = Array.from({ length: count }, (_, i) => first + i);
  for (const jid of jids) {
    table.status[jid] = Code.Processing;
    table.started[jid] = 1; // running, not only dispatched
  }
  const waiters = new Waiters(table);
  return {
    table,
    waiters,
    jids,
    done(jid: number, value: unknown = `value of ${jid}`): void {
      table.status[jid] = Code.Done;
      table.value[jid] = value as string;
      waiters.completed(jid);
    },
    fail(jid: number, code: Code = Code.Error): void {
      table.status[jid] = code;
      if (code === Code.Error) table.error[jid] = BOOM;
      waiters.completed(jid);
    },
  };
}

// Fake timers fake only setTimeout and clearTimeout: hasSettled needs the real setImmediate.
afterEach(() => {
  vi.useRealTimers();
});

function request(jids: number[], overrides: Partial<WaitRequest> = {}): WaitRequest {
  return { jids, timeout: undefined, ignoreErrors: false, values: false, any: false, caller: undefined, ...overrides };
}

/** Whether `promise` has settled once every pending callback of this turn has run. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await new Promise<void>((resolve) => setImmediate(resolve));
  return settled;
}

describe('waiting for all jobs', () => {
  it('settles complete when the last job is done, not before', async () => {
    const w = createWaiters(2);
    const [a, b] = w.jids;
    const verdict = w.waiters.wait(request(w.jids));
    w.done(a!);
    expect(await hasSettled(verdict)).toBe(false);
    w.done(b!);
    expect(await verdict).toEqual({ kind: 'complete', jids: [a, b], results: undefined });
  });

  it('settles at once when every job is already done', async () => {
    const w = createWaiters(2);
    for (const jid of w.jids) w.done(jid);
    expect(await w.waiters.wait(request(w.jids))).toMatchObject({ kind: 'complete' });
  });

  it('gives each job its value, in the order asked', async () => {
    const w = createWaiters(3);
    const [a, b, c] = w.jids;
    const verdict = w.waiters.wait(request([c!, a!, b!], { values: true }));
    w.done(a!, 1);
    w.done(b!, 2);
    w.done(c!, 3);
    expect(await verdict).toEqual({
      kind: 'complete',
      jids: [c, a, b],
      results: verdictResults([
        { ok: true, value: 3 },
        { ok: true, value: 1 },
        { ok: true, value: 2 },
      ]),
    });
  });

  it('waits once for a job asked twice', async () => {
    const w = createWaiters(1);
    const [a] = w.jids;
    const verdict = w.waiters.wait(request([a!, a!], { values: true }));
    w.done(a!, 7);
    expect(await verdict).toEqual({
      kind: 'complete',
      jids: [a, a],
      results: verdictResults([
        { ok: true, value: 7 },
        { ok: true, value: 7 },
      ]),
    });
  });

  it('settles every waiter of a job', async () => {
    const w = createWaiters(1);
    const [a] = w.jids;
    const first = w.waiters.wait(request([a!]));
    const second = w.waiters.wait(request([a!], { values: true }));
    w.done(a!);
    expect((await first).kind).toBe('complete');
    expect((await second).kind).toBe('complete');
  });

  it('ignores a completion it was not waiting for', async () => {
    const w = createWaiters(2);
    const [a, b] = w.jids;
    const verdict = w.waiters.wait(request([a!]));
    w.done(b!);
    expect(await hasSettled(verdict)).toBe(false);
  });
});

describe('failures', () => {
  it('settles failed as soon as one job fails, while the others still run', async () => {
    const w = createWaiters(3);
    const [a, b] = w.jids;
    const verdict = w.waiters.wait(request(w.jids));
    w.fail(b!);
    expect(await verdict).toEqual({ kind: 'failed', failure: { jid: b, status: 'error', error: BOOM } });
    expect(w.table.statusOf(a!)).toBe('processing');
  });

  it('settles failed at once when a job has already failed', async () => {
    const w = createWaiters(2);
    const [a, b] = w.jids;
    w.fail(b!, Code.Killed);
    expect(await w.waiters.wait(request([a!, b!]))).toEqual({ kind: 'failed', failure: { jid: b, status: 'killed', error: undefined } });
  });

  it.each([
    ['error', Code.Error],
    ['killed', Code.Killed],
    ['stalled', Code.Stalled],
  ] as const)('counts %s as a failure', async (status, code) => {
    const w = createWaiters(1);
    const verdict = w.waiters.wait(request(w.jids));
    w.fail(w.jids[0]!, code);
    expect(await verdict).toMatchObject({ kind: 'failed', failure: { jid: w.jids[0], status } });
  });

  it('stays settled failed when the other jobs complete afterwards', async () => {
    const w = createWaiters(2);
    const [a, b] = w.jids;
    const verdict = w.waiters.wait(request(w.jids));
    w.fail(a!);
    expect(() => w.done(b!)).not.toThrow();
    expect((await verdict).kind).toBe('failed');
  });

  describe('with ignoreErrors', () => {
    it('waits for every job and gives each failure in its slot', async () => {
      const w = createWaiters(2);
      const [a, b] = w.jids;
      const verdict = w.waiters.wait(request(w.jids, { ignoreErrors: true, values: true }));
      w.fail(a!);
      expect(await hasSettled(verdict)).toBe(false);
      w.done(b!, 2);
      expect(await verdict).toEqual({
        kind: 'complete',
        jids: [a, b],
        results: verdictResults([
          { ok: false, failure: { jid: a!, status: 'error', error: BOOM } },
          { ok: true, value: 2 },
        ]),
      });
    });

    it('settles complete at once when every job is complete, failed or not', async () => {
      const w = createWaiters(2);
      const [a, b] = w.jids;
      w.fail(a!, Code.Stalled);
      w.done(b!);
      expect(await w.waiters.wait(request(w.jids, { ignoreErrors: true }))).toEqual({ kind: 'complete', jids: [a, b], results: undefined });
    });
  });
});

describe('waiting for any job', () => {
  it('settles with the first job to complete', async () => {
    const w = createWaiters(3);
    const [, b] = w.jids;
    const verdict = w.waiters.wait(request(w.jids, { any: true }));
    w.done(b!, 'b');
    expect(await verdict).toEqual({ kind: 'complete', jids: [b], results: verdictResults([{ ok: true, value: 'b' }]) });
  });

  it('settles at once with every job already complete', async () => {
    const w = createWaiters(3);
    const [a, b, c] = w.jids;
    w.done(c!, 'c');
    w.done(a!, 'a');
    expect(await w.waiters.wait(request([a!, b!, c!], { any: true }))).toEqual({
      kind: 'complete',
      jids: [a, c],
      results: verdictResults([
        { ok: true, value: 'a' },
        { ok: true, value: 'c' },
      ]),
    });
  });

  it('gives a failed job as a result, not as a failed verdict', async () => {
    const w = createWaiters(2);
    const [a] = w.jids;
    const verdict = w.waiters.wait(request(w.jids, { any: true }));
    w.fail(a!);
    expect(await verdict).toEqual({
      kind: 'complete',
      jids: [a],
      results: verdictResults([{ ok: false, failure: { jid: a!, status: 'error', error: BOOM } }]),
    });
  });
});

describe('timeout', () => {
  it('settles timeout when the time passes first, not a moment before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const w = createWaiters(1);
    const verdict = w.waiters.wait(request(w.jids, { timeout: 100 }));
    vi.advanceTimersByTime(99);
    expect(await hasSettled(verdict)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await verdict).toEqual({ kind: 'timeout', after: 100 });
  });

  it('clears its timer when the jobs complete first', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const w = createWaiters(1);
    const verdict = w.waiters.wait(request(w.jids, { timeout: 100 }));
    expect(vi.getTimerCount()).toBe(1);
    w.done(w.jids[0]!);
    expect((await verdict).kind).toBe('complete');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts no timer when the verdict is known at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const w = createWaiters(1);
    w.done(w.jids[0]!);
    await w.waiters.wait(request(w.jids, { timeout: 100 }));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores a completion after the timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const w = createWaiters(1);
    const verdict = w.waiters.wait(request(w.jids, { timeout: 10 }));
    vi.advanceTimersByTime(10);
    expect(() => w.done(w.jids[0]!)).not.toThrow();
    expect(await verdict).toEqual({ kind: 'timeout', after: 10 });
  });
});

describe('abandonAll', () => {
  it('settles every pending waiter closed', async () => {
    const w = createWaiters(2);
    const [a, b] = w.jids;
    const verdicts = [w.waiters.wait(request([a!])), w.waiters.wait(request([b!], { any: true }))];
    w.waiters.abandonAll();
    expect(await Promise.all(verdicts)).toEqual<WaitVerdict[]>([{ kind: 'closed' }, { kind: 'closed' }]);
  });

  it('clears the timers of the waiters it settles', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const w = createWaiters(1);
    const verdict = w.waiters.wait(request(w.jids, { timeout: 100 }));
    w.waiters.abandonAll();
    expect(await verdict).toEqual({ kind: 'closed' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves waiters that settled before alone, and later completions do nothing', async () => {
    const w = createWaiters(2);
    const [a, b] = w.jids;
    const settled = w.waiters.wait(request([a!]));
    w.done(a!);
    const pending = w.waiters.wait(request([b!]));
    w.waiters.abandonAll();
    expect(() => w.done(b!)).not.toThrow();
    expect(await settled).toMatchObject({ kind: 'complete' });
    expect(await pending).toEqual({ kind: 'closed' });
  });
});

describe('failureOf', () => {
  it('says why a complete job is not done, and nothing for one that is done or running', () => {
    const w = createWaiters(4);
    const [done, error, killed, running] = w.jids;
    w.done(done!);
    w.fail(error!);
    w.fail(killed!, Code.Killed);
    expect(w.waiters.failureOf(done!)).toBeUndefined();
    expect(w.waiters.failureOf(running!)).toBeUndefined();
    expect(w.waiters.failureOf(error!)).toEqual({ jid: error, status: 'error', error: BOOM });
    expect(w.waiters.failureOf(killed!)).toEqual({ jid: killed, status: 'killed', error: undefined });
  });
});

describe('waiting in order (iresult)', () => {
  const inOrder = (jids: number[], overrides: Partial<WaitRequest> = {}) => request(jids, { any: true, inOrder: true, values: true, ...overrides });

  it('settles once the first job is complete, with the run of complete jobs from it, after the report that completed it', async () => {
    const w = createWaiters(5);
    const [a, b, c, , e] = w.jids;
    const verdict = w.waiters.wait(inOrder(w.jids));
    w.done(b!);
    w.done(e!);
    expect(await hasSettled(verdict)).toBe(false);
    // One report completes a, then c: the wait answers after both, so its run reaches past b to c.
    w.done(a!);
    w.done(c!);
    expect(await verdict).toEqual({
      kind: 'complete',
      jids: [a, b, c],
      results: verdictResults([a, b, c].map((jid) => ({ ok: true, value: `value of ${jid}` }))),
    });
  });

  it('answers at once when the first job is complete; a failed job is in the run, not a rejection', async () => {
    const w = createWaiters(3);
    const [a, b, c] = w.jids;
    w.done(a!);
    w.fail(b!);
    const verdict = await w.waiters.wait(inOrder([a!, b!, c!]));
    expect(verdict).toMatchObject({ kind: 'complete', jids: [a, b] });
    const { results } = verdict as Extract<WaitVerdict, { kind: 'complete' }>;
    expect([0, 1].map((i) => resultAt(results!, i).ok)).toEqual([true, false]);
  });

  it('stays on the first job only: the jobs after it completing do not settle it', async () => {
    const w = createWaiters(3);
    const [a, b, c] = w.jids;
    const verdict = w.waiters.wait(inOrder([a!, b!, c!]));
    w.done(c!);
    w.done(b!);
    expect(await hasSettled(verdict)).toBe(false);
    w.done(a!);
    expect(await verdict).toMatchObject({ kind: 'complete', jids: [a, b, c] });
  });

  it('leaves its job on a timeout, so that completing it later finds no waiter', async () => {
    const w = createWaiters(2);
    const [a, b] = w.jids;
    expect(await w.waiters.wait(inOrder([a!, b!], { timeout: 5 }))).toEqual({ kind: 'timeout', after: 5 });
    const next = w.waiters.wait(inOrder([a!, b!]));
    w.done(a!);
    expect(await next).toMatchObject({ kind: 'complete', jids: [a] });
  });
});

describe('waiting on a long run of consecutive jids (registered per block of jids)', () => {
  it('settles complete with every value once the last job of the run is done, some done before the wait', async () => {
    const w = createWaiters(3_000);
    for (const jid of w.jids.slice(0, 1_500)) w.done(jid);
    const verdict = w.waiters.wait(request(w.jids, { values: true }));
    for (const jid of w.jids.slice(1_500, -1)) w.done(jid);
    expect(await hasSettled(verdict)).toBe(false);
    w.done(w.jids.at(-1)!);
    const settled = await verdict;
    expect(settled.kind).toBe('complete');
    const { results } = settled as Extract<WaitVerdict, { kind: 'complete' }>;
    expect(results!.values).toEqual(w.jids.map((jid) => `value of ${jid}`));
  });

  it('tells two waits on overlapping runs, and one that failed early no longer', async () => {
    const w = createWaiters(5_000);
    const whole = w.waiters.wait(request(w.jids, { ignoreErrors: true }));
    const part = w.waiters.wait(request(w.jids.slice(1_000, 4_000)));
    w.fail(w.jids[2_000]!);
    expect(await part).toEqual({ kind: 'failed', failure: { jid: w.jids[2_000], status: 'error', error: BOOM } });
    const again = w.waiters.wait(request(w.jids.slice(2_500, 4_500)));
    for (const jid of w.jids) if (jid !== w.jids[2_000]) w.done(jid);
    expect(await again).toMatchObject({ kind: 'complete' });
    expect(await whole).toMatchObject({ kind: 'complete' });
  });

  it('gives each failure of the run in its slot, with ignoreErrors, and every other value', async () => {
    const w = createWaiters(2_000);
    const verdict = w.waiters.wait(request(w.jids, { ignoreErrors: true, values: true }));
    for (const jid of w.jids) if (jid !== w.jids[7] && jid !== w.jids[1_500]) w.done(jid);
    w.fail(w.jids[7]!);
    w.fail(w.jids[1_500]!, Code.Killed);
    const results = ((await verdict) as Extract<WaitVerdict, { kind: 'complete' }>).results!;
    expect([...results.failures!.keys()]).toEqual([7, 1_500]);
    expect(resultAt(results, 7)).toEqual({ ok: false, failure: { jid: w.jids[7], status: 'error', error: BOOM } });
    expect(resultAt(results, 1_500)).toEqual({ ok: false, failure: { jid: w.jids[1_500], status: 'killed', error: undefined } });
    expect(resultAt(results, 8)).toEqual({ ok: true, value: `value of ${w.jids[8]}` });
    expect(results.values.length).toBe(2_000);
  });

  it('answers an any wait with the jobs complete by then', async () => {
    const w = createWaiters(2_000);
    const verdict = w.waiters.wait(request(w.jids, { any: true }));
    w.done(w.jids[10]!);
    w.done(w.jids[1_999]!);
    expect(await verdict).toMatchObject({ kind: 'complete', jids: [w.jids[10], w.jids[1_999]] });
  });

  it('settles closed when abandoned, and a later completion tells nothing', async () => {
    const w = createWaiters(2_000);
    const verdict = w.waiters.wait(request(w.jids));
    w.waiters.abandonAll();
    expect(await verdict).toEqual({ kind: 'closed' });
    expect(() => w.done(w.jids[0]!)).not.toThrow();
  });
});
