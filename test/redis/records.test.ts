/**
 * The Redis records (RedisRecords and its Lua scripts) against a real redis-server, with the
 * worker's side driven by hand: claims, starts and outcomes as a worker writes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { beat, done, failed, openRecords, run, submission, worker } from '../support/redis-jobs.js';
import type { RedisRecords } from '../../src/redis/redis-records.js';

let server: RedisServer;
let queueNo = 0;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  cleanups.forEach((close) => close());
  await server?.stop();
});

/** Records of a fresh queue, so tests see only their own jobs. */
function fresh(): RedisRecords {
  const opened = openRecords(server.url, `q${++queueNo}`);
  cleanups.push(opened.close);
  return opened.records;
}
const cleanups: (() => void)[] = [];

const w1 = worker('w1');

/** `w1`'s take of chunk `id` (5 compute units), which must have claimed `jids`. */
async function taken(r: RedisRecords, id: string, jids: number[]) {
  const take = await r.take(id, jids, w1, 3, 5);
  if (take.kind !== 'taken') throw new Error(`chunk ${id} was not taken: ${take.kind}`);
  return take;
}

describe('submit, claim, started, complete', () => {
  it('round-trips a job: chunks, arguments, claim, start, outcome, info', async () => {
    const r = fresh();
    await beat(r, w1);
    const { first, ready } = await r.submit(submission(['a', 'b', 'c']), 2);
    expect(first).toBe(1);
    expect(ready).toEqual([
      { id: '1', type: 'c1', priority: 5, count: 2 },
      { id: '3', type: 'c1', priority: 5, count: 1 },
    ]);
    const { contents: chunk, claimed } = await taken(r, '1', [1, 2]);
    expect(chunk.jids).toEqual([1, 2]);
    expect(chunk.args).toEqual([['a'], ['b']]);
    expect((await r.shippedFunction(chunk.fnId)).name).toBe('identity');
    expect(claimed.verdicts).toEqual([{ kind: 'run' }, { kind: 'run' }]);
    await r.started([1, 2], w1, [1000, 1001]);
    expect(await r.status([1, 2, 3, 4])).toEqual(['processing', 'processing', 'queued', undefined]);
    await r.complete([done(1, 'A'), failed(2)], w1);
    expect(await r.status([1, 2])).toEqual(['done', 'error']);
    const [one, two] = await r.results([1, 2]);
    expect(one).toEqual({ ok: true, value: 'A' });
    expect(two).toMatchObject({ ok: false, failure: { jid: 2, status: 'error', error: { message: 'boom' } } });
    const [info] = await r.info([1]);
    expect(info).toMatchObject({ jid: 1, status: 'done', fn: 'identity', attempts: 1, worker: 'w1:100', stdout: 'out' });
    expect(await r.take('1', [1, 2], w1, 3, 5)).toEqual({ kind: 'gone' });
  });
});

describe('functions', () => {
  it('keeps a function while a chunk may run it, a minute after, and again once submitted again', async () => {
    const r = fresh();
    const redis = openRecords(server.url).redis;
    cleanups.push(() => redis.disconnect());
    await beat(r, w1);
    const jobs = submission(['a']);
    const first = (await r.submit(jobs, 1)).first;
    const fnOf = (chunk: number) => redis.hget(r.keys.chunk(String(chunk)), 'fn');
    const fnId = (await fnOf(first))!;
    const key = r.keys.fn(fnId);
    expect(await redis.pttl(key)).toBe(-1);
    await run(r, w1, [done(first)]);
    // Its last chunk ended: it lingers, for the next call of it in a loop.
    const lingering = await redis.pttl(key);
    expect(lingering).toBeGreaterThan(0);
    expect(lingering).toBeLessThanOrEqual(60_000);
    const again = (await r.submit(jobs, 1)).first;
    expect(await fnOf(again)).toBe(fnId);
    expect(await redis.pttl(key)).toBe(-1);
    await run(r, w1, [done(again)]);
    // Gone once its time is up: the client, told so, stores it again.
    await redis.pexpire(key, 1);
    await expect.poll(() => redis.exists(key)).toBe(0);
    await expect(r.shippedFunction(fnId)).rejects.toThrow(/not in Redis/);
    const third = (await r.submit(jobs, 1)).first;
    expect(await fnOf(third)).toBe(fnId);
    expect((await r.shippedFunction(fnId)).name).toBe('identity');
  });
});

describe('dependencies live in Redis', () => {
  it('counts a diamond down: the bottom is ready only when both sides are done', async () => {
    const r = fresh();
    await beat(r, w1);
    const top = (await r.submit(submission(['top']), 1)).first;
    const left = await r.submit(submission(['left'], { dependsOn: top }), 1);
    const right = await r.submit(submission(['right'], { dependsOn: top }), 1);
    const bottom = await r.submit(submission(['bottom'], { dependsOn: [left.first, right.first] }), 1);
    expect(left.ready).toEqual([]);
    expect(await r.status([left.first, right.first, bottom.first])).toEqual(['waiting', 'waiting', 'waiting']);

    const afterTop = await run(r, w1, [done(top)]);
    expect(afterTop.map((chunk) => chunk.id).sort()).toEqual([String(left.first), String(right.first)]);
    expect(await run(r, w1, [done(left.first)])).toEqual([]);
    expect(await r.status([bottom.first])).toEqual(['waiting']);
    expect(await run(r, w1, [done(right.first)])).toEqual([{ id: String(bottom.first), type: 'c1', priority: 5, count: 1 }]);
    expect(await r.status([bottom.first])).toEqual(['queued']);
    expect((await r.info([bottom.first]))[0]!.dependsOn).toEqual([left.first, right.first]);
  });

  it('counts a dependency that completes while its dependent is submitted, once', async () => {
    const r = fresh();
    const other = openRecords(server.url, `q${queueNo}`);
    cleanups.push(other.close);
    await beat(r, w1);
    for (let round = 0; round < 20; round++) {
      const dependency = (await r.submit(submission([round]), 1)).first;
      await r.claim([dependency], w1, 3);
      const [readyByComplete, submitted] = await Promise.all([
        r.complete([done(dependency)], w1),
        other.records.submit(submission(['dependent'], { dependsOn: dependency }), 1),
      ]);
      const dependent = String(submitted.first);
      const readyBy = [...readyByComplete, ...submitted.ready].filter((chunk) => chunk.id === dependent);
      expect(readyBy).toHaveLength(1);
      expect(await r.status([submitted.first])).toEqual(['queued']);
    }
  });

  it('stalls dependents transitively when a job fails, and runs those that ignore errors', async () => {
    const r = fresh();
    await beat(r, w1);
    const a = (await r.submit(submission(['a']), 1)).first;
    const b = (await r.submit(submission(['b', 'b2'], { dependsOn: a }), 1)).first;
    const c = (await r.submit(submission(['c'], { dependsOn: b }), 1)).first;
    const d = (await r.submit(submission(['d'], { dependsOn: [b, c] }), 1)).first;
    const ignoring = (await r.submit(submission(['e'], { dependsOn: c, dependsOnErrors: 'ignore' }), 1)).first;
    const ready = await run(r, w1, [failed(a)]);
    expect(await r.status([a, b, b + 1, c, d, ignoring])).toEqual(['error', 'stalled', 'stalled', 'stalled', 'stalled', 'queued']);
    expect(ready).toEqual([{ id: String(ignoring), type: 'c1', priority: 5, count: 1 }]);
    const [stalled] = await r.results([d]);
    expect(stalled).toEqual({ ok: false, failure: { jid: d, status: 'stalled', error: undefined } });
  });

  it("runs a job whose dependency failed before it was submitted, with dependsOnErrors 'ignore'", async () => {
    const r = fresh();
    await beat(r, w1);
    const a = (await r.submit(submission(['a']), 1)).first;
    await run(r, w1, [failed(a)]);
    const ignoring = await r.submit(submission(['b'], { dependsOn: a, dependsOnErrors: 'ignore' }), 1);
    expect(ignoring.ready).toHaveLength(1);
    const aborting = await r.submit(submission(['c'], { dependsOn: a }), 1);
    expect(aborting.ready).toEqual([]);
    expect(await r.status([ignoring.first, aborting.first])).toEqual(['queued', 'stalled']);
  });

  it('refuses a dependency on an unknown jid, and changes nothing', async () => {
    const r = fresh();
    await expect(r.submit(submission(['x'], { dependsOn: 99 }), 1)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_JID' });
    expect((await r.submit(submission(['y']), 1)).first).toBe(1);
  });
});

describe('kill', () => {
  it('kills queued jobs at once: never claimable afterwards, dependents stalled, workers told', async () => {
    const r = fresh();
    const { redis: subscriber, close } = openRecords(server.url);
    cleanups.push(close);
    const heard: string[] = [];
    await subscriber.subscribe(r.keys.killChannel, r.keys.doneChannel);
    const bothHeard = new Promise<void>((resolve) => {
      subscriber.on('message', (channel: string, message: string) => {
        heard.push(`${channel === r.keys.killChannel ? 'kill' : 'done'} ${message}`);
        if (heard.length === 2) resolve();
      });
    });
    const first = (await r.submit(submission([1, 2, 3]), 3)).first;
    const dependent = (await r.submit(submission([4], { dependsOn: first + 1 }), 1)).first;
    const killed = await r.kill([first, first + 1]);
    expect(killed.killed).toEqual([first, first + 1]);
    expect(await r.status([first, first + 1, first + 2, dependent])).toEqual(['killed', 'killed', 'queued', 'stalled']);
    const claimed = await r.claim([first, first + 1, first + 2], w1, 3);
    expect(claimed.verdicts).toEqual([{ kind: 'skip' }, { kind: 'skip' }, { kind: 'run' }]);
    await expect(r.kill([12345])).rejects.toMatchObject({ code: 'ERR_UNKNOWN_JID' });
    await bothHeard;
    expect(heard).toEqual([`done ${first}-${first + 1},${dependent}`, `kill ${first}-${first + 1}`]);
  });

  it('kills every unfinished job when given none', async () => {
    const r = fresh();
    await beat(r, w1);
    const first = (await r.submit(submission([1, 2, 3, 4]), 2)).first;
    await run(r, w1, [done(first)]);
    expect((await r.kill(undefined)).killed).toEqual([first + 1, first + 2, first + 3]);
    expect(await r.counts()).toEqual([]);
  });
});

describe('claims and lost workers', () => {
  it('re-takes jobs of a dead worker: unstarted run, restartable rerun, others end error (worker lost)', async () => {
    const r = fresh();
    const dying = worker('dying');
    const w2 = worker('w2');
    await beat(r, dying);
    await beat(r, w2);
    const plain = (await r.submit(submission(['p', 'unstarted']), 2)).first;
    const again = (await r.submit(submission(['again'], { restartable: true }), 1)).first;
    const dependent = (await r.submit(submission(['d'], { dependsOn: plain, dependsOnErrors: 'ignore' }), 1)).first;
    await r.claim([plain, plain + 1, again], dying, 3);
    await r.started([plain, again], dying, [Date.now(), Date.now()]);
    // While the holder is alive, nobody else takes its jobs.
    expect((await r.claim([plain, plain + 1], w2, 3)).verdicts).toEqual([
      { kind: 'held', holder: dying.id },
      { kind: 'held', holder: dying.id },
    ]);
    await r.unregister(dying.id);
    const claimed = await r.claim([plain, plain + 1, again], w2, 3);
    expect(claimed.verdicts).toEqual([{ kind: 'lost' }, { kind: 'run' }, { kind: 'rerun' }]);
    expect(claimed.ready).toEqual([{ id: String(dependent), type: 'c1', priority: 5, count: 1 }]);
    const [lost] = await r.info([plain]);
    expect(lost).toMatchObject({ status: 'error', worker: 'dying:100', exception: { name: 'WorkerLost', code: 'ERR_WORKER_LOST' } });
    expect(lost!.exception!.message).toContain('dying:100');
    expect(await r.status([plain + 1, again])).toEqual(['queued', 'queued']);
    await r.started([again], w2, [Date.now()]);
    expect((await r.info([again]))[0]).toMatchObject({ status: 'processing', attempts: 2, worker: 'w2:100' });
  });

  it('ends a restartable job error once its restarts are used up', async () => {
    const r = fresh();
    const job = (await r.submit(submission(['x'], { restartable: true }), 1)).first;
    const verdicts: string[] = [];
    for (let run = 0; run < 4; run++) {
      const who = worker(`w${run}`);
      const {
        verdicts: [verdict],
      } = await r.claim([job], who, 2);
      verdicts.push(verdict!.kind);
      await r.started([job], who, [Date.now()]);
    }
    expect(verdicts).toEqual(['run', 'rerun', 'rerun', 'lost']);
    expect((await r.info([job]))[0]).toMatchObject({ status: 'error', attempts: 3 });
  });

  it('never changes a complete record, and writes no outcome from a worker that does not hold the job', async () => {
    const r = fresh();
    const w2 = worker('w2');
    await beat(r, w1);
    const first = (await r.submit(submission([1, 2]), 2)).first;
    await run(r, w1, [done(first, 'first')]);
    await r.complete([failed(first)], w1);
    await r.complete([done(first + 1, 'not mine')], w2);
    expect(await r.results([first, first + 1])).toEqual([{ ok: true, value: 'first' }, undefined]);
    expect((await r.claim([first], w2, 3)).verdicts).toEqual([{ kind: 'skip' }]);
  });

  it('gives jobs claimed and never started back, with their chunk', async () => {
    const r = fresh();
    await beat(r, w1);
    const first = (await r.submit(submission([1, 2]), 2)).first;
    await r.claim([first, first + 1], w1, 3);
    expect(await r.readyChunks()).toEqual([]);
    expect(await r.returned([first, first + 1], w1)).toEqual([{ id: String(first), type: 'c1', priority: 5, count: 2 }]);
    expect(await r.readyChunks()).toEqual([{ id: String(first), type: 'c1', priority: 5, count: 2 }]);
    expect((await r.claim([first], worker('w2'), 3)).verdicts).toEqual([{ kind: 'run' }]);
  });
});

describe("a worker's take of a chunk: read and claimed in one call", () => {
  it('reads the chunk and claims the jobs asked for', async () => {
    const r = fresh();
    await beat(r, w1);
    const first = (await r.submit(submission(['a', 'b', 'c'], { priority: 3, label: 'abc' }), 3)).first;
    const { contents, claimed } = await taken(r, String(first), [first, first + 1, first + 2]);
    expect(contents).toMatchObject({ id: String(first), fnName: 'identity', jids: [first, first + 1, first + 2], parent: undefined });
    expect(contents.args).toEqual([['a'], ['b'], ['c']]);
    expect(contents.options).toMatchObject({ type: 'c1', cores: 1, priority: 3, label: 'abc', dependsOn: [] });
    expect(claimed).toEqual({ verdicts: [{ kind: 'run' }, { kind: 'run' }, { kind: 'run' }], ready: [] });
    expect(await r.readyChunks()).toEqual([]);
    // Held by w1 now: another worker's take is told so, and claims nothing.
    const other = await r.take(String(first), [first], worker('w2'), 3, 5);
    expect(other.kind === 'taken' && other.claimed.verdicts).toEqual([{ kind: 'held', holder: w1.id }]);
  });

  it('claims nothing of a chunk whose jobs need more compute units than the worker has, or of another wire version', async () => {
    const r = fresh();
    const { redis } = openRecords(server.url);
    cleanups.push(() => redis.disconnect());
    await beat(r, w1);
    const big = (await r.submit(submission(['big'], { type: 'c2', cores: 2 }), 1)).first;
    // A c2 core is 2.5 units: two need 5.
    expect((await r.take(String(big), [big], w1, 3, 4.9)).kind).toBe('read');
    expect(await r.readyChunks()).toEqual([{ id: String(big), type: 'c2', priority: 5, count: 1 }]);
    expect((await r.take(String(big), [big], w1, 3, 5)).kind).toBe('taken');
    const later = (await r.submit(submission(['later']), 1)).first;
    await redis.hset(r.keys.chunk(String(later)), 'v', '999');
    const read = await r.take(String(later), [later], w1, 3, 5);
    expect(read).toMatchObject({ kind: 'read', contents: { version: 999, jids: [later] } });
    expect((await r.claim([later], worker('w2'), 3)).verdicts).toEqual([{ kind: 'run' }]);
  });

  it('finds a chunk gone once every job of it is complete', async () => {
    const r = fresh();
    await beat(r, w1);
    const first = (await r.submit(submission(['x']), 1)).first;
    await run(r, w1, [done(first)]);
    expect(await r.take(String(first), [first], w1, 3, 5)).toEqual({ kind: 'gone' });
  });
});

describe('jids, deletion, listing, counts, workers', () => {
  it('gives jids unique across clients submitting at once', async () => {
    const a = fresh();
    const b = openRecords(server.url, `q${queueNo}`);
    cleanups.push(b.close);
    const firsts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b.records).submit(submission([1, 2, 3]), 3)));
    const jids = firsts.flatMap(({ first }) => [first, first + 1, first + 2]);
    expect(new Set(jids).size).toBe(120);
    expect(Math.max(...jids)).toBe(120);
  });

  it('deletes complete jobs only, and forgets them', async () => {
    const r = fresh();
    await beat(r, w1);
    const first = (await r.submit(submission([1, 2]), 2)).first;
    await run(r, w1, [done(first)]);
    await expect(r.delete([first, first + 1])).rejects.toMatchObject({ code: 'ERR_NOT_COMPLETE' });
    await expect(r.delete([first, 77])).rejects.toMatchObject({ code: 'ERR_UNKNOWN_JID' });
    expect(await r.status([first])).toEqual(['done']);
    await r.delete([first]);
    expect(await r.status([first, first + 1])).toEqual([undefined, 'queued']);
    await r.kill([first + 1]);
    await r.delete([first + 1]);
    expect(await r.info([first + 1])).toEqual([undefined]);
  });

  it('lists newest first, by status and label, and counts the unfinished', async () => {
    const r = fresh();
    await beat(r, w1);
    const plain = (await r.submit(submission([1, 2, 3]), 3)).first;
    const labelled = (await r.submit(submission([4, 5], { label: 'tagged', type: 'c2', cores: 2 }), 1)).first;
    await run(r, w1, [done(plain)]);
    expect((await r.list({ status: undefined, label: undefined, limit: 100 })).map((info) => info.jid)).toEqual([5, 4, 3, 2, 1]);
    expect((await r.list({ status: ['done'], label: undefined, limit: 100 })).map((info) => info.jid)).toEqual([plain]);
    expect((await r.list({ status: undefined, label: 'tagged', limit: 1 })).map((info) => info.jid)).toEqual([labelled + 1]);
    expect((await r.counts()).sort((x, y) => x.type.localeCompare(y.type))).toEqual([
      { status: 'queued', type: 'c1', cores: 1, count: 2 },
      { status: 'queued', type: 'c2', cores: 2, count: 2 },
    ]);
  });

  it('knows the live workers: one whose alive key expired drops out', async () => {
    const r = fresh();
    await beat(r, w1, 60_000);
    await beat(r, worker('stopped'), 60_000);
    const { redis, close } = openRecords(server.url);
    cleanups.push(close);
    // What its TTL does when a worker stops beating.
    await redis.del(r.keys.alive(worker('stopped').id));
    expect((await r.liveWorkers()).map((record) => record.id)).toEqual([w1.id]);
    await r.unregister(w1.id);
    expect(await r.liveWorkers()).toEqual([]);
  });
});
