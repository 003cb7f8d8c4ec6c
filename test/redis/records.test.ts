/**
 * The Redis records (RedisRecords and its Lua scripts) against a real redis-server, with the
 * worker's side driven by hand: claims, starts and outcomes as a worker writes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { beat, done, failed, openRecords, run, submission, worker } from '../support/redis-jobs.js';
import type { RedisRecords } from '../../src/redis/redis-records.js';

let server: RedisServer;
let records: RedisRecords;
let closeRecords: () => void;
let queueNo = 0;

beforeAll(async () => {
  server = await startRedisServer();
  ({ records, close: closeRecords } = openRecords(server.url));
});
afterAll(async () => {
  closeRecords?.();
  await server?.stop();
});

/** Records of a fresh queue, so tests see only their own jobs. */
function fresh(): RedisRecords {
  const opened = openRecords(server.url, `q${++queueNo}`);
  cleanups.push(opened.close);
  return opened.records;
}
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((close) => close()));

const w1 = worker('w1');

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
    const chunk = (await r.chunk('1'))!;
    expect(chunk.jids).toEqual([1, 2]);
    expect(chunk.args).toEqual([['a'], ['b']]);
    expect((await r.shippedFunction(chunk.fnId)).name).toBe('identity');
    const claimed = await r.claim([1, 2], w1, 3);
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
    expect(await r.chunk('1')).toBeUndefined();
  });
});
