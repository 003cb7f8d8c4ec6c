/**
 * The client's service on Redis (RedisService) against a real redis-server, with the worker's side
 * of the records driven by hand: waits hear completions on the `done` channel and never poll, a
 * big map travels in chunks, load adds up the live workers and the counts.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisService } from '../../src/redis/redis-service.js';
import { resultAt, verdictResults } from '../../src/wire/verdict-results.js';
import { workerName } from '../../src/redis/redis-records.js';
import type { WaitRequest, WaitVerdict } from '../../src/types/job-service.js';
import { beat, done, failed, openRecords, run, submission, worker } from '../support/redis-jobs.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
const closing: (() => Promise<unknown> | void)[] = [];
let queueNo = 0;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const close of closing) await close();
  await server?.stop();
});

/** A service of a fresh queue, and records of the same queue on a connection of their own (the worker's side). */
async function fresh() {
  const queue = `s${++queueNo}`;
  const service = await RedisService.connect(server.url, queue);
  const side = openRecords(server.url, queue);
  closing.push(() => service.close(), side.close);
  await beat(side.records, w1);
  return { service, records: side.records, redis: side.redis, queue };
}

const w1 = worker('w1');
const waitFor = (jids: number[], more: Partial<WaitRequest> = {}): WaitRequest => ({
  jids,
  timeout: undefined,
  ignoreErrors: false,
  values: true,
  any: false,
  caller: undefined,
  ...more,
});

describe('waits on Redis', () => {
  it('answers at once for jobs complete already', async () => {
    const { service, records } = await fresh();
    const first = await service.submit(submission([1, 2]));
    await run(records, w1, [done(first, 'one'), done(first + 1, 'two')]);
    expect(await service.wait(waitFor([first, first + 1]))).toEqual({
      kind: 'complete',
      jids: [first, first + 1],
      results: verdictResults([
        { ok: true, value: 'one' },
        { ok: true, value: 'two' },
      ]),
    });
  });

  it('hears a completion written by another connection, and reads nothing meanwhile', async () => {
    const { service, records } = await fresh();
    const jid = await service.submit(submission(['x']));
    const monitorSide = openRecords(server.url);
    closing.push(monitorSide.close);
    const monitor = await monitorSide.redis.monitor();
    closing.push(() => monitor.disconnect());
    const reads: string[] = [];
    let firstRead!: () => void;
    const readOnce = new Promise<void>((resolve) => (firstRead = resolve));
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.some((arg) => arg.endsWith(`job:${jid}`)) && /^hm?get/.test(args[0]!.toLowerCase())) {
        reads.push(args.join(' '));
        firstRead();
      }
    });
    const waiting = service.wait(waitFor([jid]));
    await readOnce;
    // A few hundred round trips of Redis's time: a wait that polled would read again meanwhile.
    for (let i = 0; i < 200; i++) await records.status([0]);
    expect(reads).toHaveLength(1);
    await run(records, w1, [done(jid, 'heard')]);
    expect(await waiting).toEqual({ kind: 'complete', jids: [jid], results: verdictResults([{ ok: true, value: 'heard' }]) });
  });

  it("hands a lone job's small value to the client waiting on it with its completion: nothing is read after it", async () => {
    const { service, records } = await fresh();
    const jid = await service.submit(submission(['x']));
    const firstRead = vi.spyOn(service.records, 'statusesAndResults');
    const laterReads = vi.spyOn(service.records, 'results');
    const waiting = service.wait(waitFor([jid]));
    await vi.waitFor(() => expect(firstRead).toHaveBeenCalledTimes(1));
    expect((await firstRead.mock.results[0]!.value).statuses).toEqual(['queued']);
    await run(records, w1, [done(jid, [1, 'two'])]);
    expect(await waiting).toEqual({ kind: 'complete', jids: [jid], results: verdictResults([{ ok: true, value: [1, 'two'] }]) });
    expect(laterReads).not.toHaveBeenCalled();
    expect(firstRead).toHaveBeenCalledTimes(1);
  });

  it('reads the value of a job whose value is too large to push, and the values of jobs completed together', async () => {
    const { service, records } = await fresh();
    const large = 'v'.repeat(2_000);
    const [one, first] = [await service.submit(submission(['one'])), await service.submit(submission([1, 2]))];
    const firstReads = vi.spyOn(service.records, 'statusesAndResults');
    const reads = vi.spyOn(service.records, 'results');
    const waitingOne = service.wait(waitFor([one]));
    const waitingBoth = service.wait(waitFor([first, first + 1]));
    // Both waits have read their jobs queued: what follows reaches them as messages.
    await vi.waitFor(() => expect(firstReads).toHaveBeenCalledTimes(2));
    await Promise.all(firstReads.mock.results.map((read) => read.value));
    await run(records, w1, [done(one, large)]);
    await run(records, w1, [done(first, 'a'), done(first + 1, 'b')]);
    expect(await waitingOne).toMatchObject({ kind: 'complete', results: verdictResults([{ ok: true, value: large }]) });
    expect(await waitingBoth).toMatchObject({
      kind: 'complete',
      results: verdictResults([
        { ok: true, value: 'a' },
        { ok: true, value: 'b' },
      ]),
    });
    expect(reads.mock.calls.map(([jids]) => jids)).toEqual(expect.arrayContaining([[one], [first, first + 1]]));
  });

  it('does not read again jobs it knows open, as iresultUnordered waits on and on', async () => {
    const { service, records } = await fresh();
    const first = await service.submit(submission([1, 2, 3]));
    const monitorSide = openRecords(server.url);
    closing.push(monitorSide.close);
    const monitor = await monitorSide.redis.monitor();
    closing.push(() => monitor.disconnect());
    const reads: number[] = [];
    let marked!: () => void;
    const markSeen = new Promise<void>((resolve) => (marked = resolve));
    monitor.on('monitor', (_time: string, args: string[]) => {
      const read = /job:(\d+)$/.exec(args[1] ?? '');
      if (read && args[0]!.toLowerCase() === 'hget') reads.push(Number(read[1]));
      if (read?.[1] === '0') marked();
    });
    const any = (jids: number[]) => service.wait(waitFor(jids, { any: true }));
    const firstWait = any([first, first + 1, first + 2]);
    await run(records, w1, [done(first)]);
    expect(await firstWait).toMatchObject({ jids: [first] });
    const secondWait = any([first + 1, first + 2]);
    await run(records, w1, [done(first + 2)]);
    expect(await secondWait).toMatchObject({ jids: [first + 2] });
    // A read of job 0 marks the end: the monitor has shown everything before it.
    await records.status([0]);
    await markSeen;
    // Read once each by the first wait (and the completed one again when heard), never by the second.
    expect(reads.filter((jid) => jid === first + 1)).toEqual([first + 1]);
  });

  it('fails at the first failure, or waits on with ignoreErrors; answers any as soon as one is complete', async () => {
    const { service, records } = await fresh();
    const first = await service.submit(submission([1, 2, 3]));
    const failing = service.wait(waitFor([first, first + 1, first + 2]));
    const ignoring = service.wait(waitFor([first, first + 1], { ignoreErrors: true, values: false }));
    const any = service.wait(waitFor([first + 2, first + 1], { any: true }));
    await run(records, w1, [failed(first + 1, 'bad')]);
    expect(await failing).toMatchObject({ kind: 'failed', failure: { jid: first + 1, status: 'error', error: { message: 'bad' } } });
    const anyVerdict = await any;
    expect(anyVerdict).toMatchObject({ kind: 'complete', jids: [first + 1] });
    expect(resultAt((anyVerdict as Extract<WaitVerdict, { kind: 'complete' }>).results!, 0)).toMatchObject({ ok: false });
    await run(records, w1, [done(first)]);
    expect(await ignoring).toEqual({ kind: 'complete', jids: [first, first + 1], results: undefined });
  });

  it('times out, ends closed, and refuses unknown jids', async () => {
    const { service } = await fresh();
    const jid = await service.submit(submission(['x']));
    expect(await service.wait(waitFor([jid], { timeout: 20 }))).toEqual({ kind: 'timeout', after: 20 });
    await expect(service.wait(waitFor([jid, 999]))).rejects.toMatchObject({ code: 'ERR_UNKNOWN_JID' });
    await expect(service.status([999])).rejects.toMatchObject({ code: 'ERR_UNKNOWN_JID' });
    await expect(service.info([jid, 999])).rejects.toMatchObject({ code: 'ERR_UNKNOWN_JID' });
    const open = service.wait(waitFor([jid]));
    await service.close();
    expect(await open).toEqual({ kind: 'closed' });
  });

  it('stalls a dependent and answers its wait when the dependency is killed', async () => {
    const { service } = await fresh();
    const first = await service.submit(submission(['x']));
    const options = submission(['y'], { dependsOn: first });
    const dependent = await service.submit(options);
    const waiting = service.wait(waitFor([dependent]));
    await service.kill([first]);
    expect(await waiting).toEqual({ kind: 'failed', failure: { jid: dependent, status: 'stalled', error: undefined } });
  });
});

describe('chunks on BullMQ', () => {
  it('carries a map of 100,000 jobs in about a hundred BullMQ jobs, each added once', async () => {
    const { service, records, redis, queue } = await fresh();
    const items = Array.from({ length: 100_000 }, (_, i) => i);
    const first = await service.submit(submission(items));
    const bull = new Queue(`${queue}-c1`, { connection: redis, prefix: 'nimbus' });
    closing.push(() => bull.close());
    const chunks = await bull.getJobCounts('prioritized', 'waiting');
    const total = (chunks.prioritized ?? 0) + (chunks.waiting ?? 0);
    expect(total).toBeGreaterThanOrEqual(50);
    expect(total).toBeLessThanOrEqual(200);
    const [job] = await bull.getJobs(['prioritized'], 0, 0, true);
    expect(job!.id).toBe(`c${first}`);
    expect(job!.data).toMatchObject({ v: 1, chunk: String(first), type: 'c1', first });
    await service.queues.add(await records.readyChunks());
    const again = await bull.getJobCounts('prioritized', 'waiting');
    expect((again.prioritized ?? 0) + (again.waiting ?? 0)).toBe(total);
    expect((await service.load()).queued).toBe(100_000);
  });
});

describe('load', () => {
  it("adds up the live workers' compute units and the jobs by status", async () => {
    const { service, records } = await fresh();
    const first = await service.submit(submission([1, 2, 3]));
    await records.claim([first], w1, 3);
    await records.started([first], w1, [Date.now()]);
    const { workers, ...load } = await service.load();
    expect(load).toEqual({ computeUnits: { used: 1, total: 5, byType: { c1: 1 } }, running: { c1: 1 }, queued: 2, waiting: 0 });
    expect(workers?.map((worker) => [worker.name, worker.computeUnits])).toEqual([[workerName(w1), 5]]);
  });
});
