import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryJobStore } from '../../src/store/memory-job-store.js';
import { SqliteJobStore } from '../../src/store/sqlite-job-store.js';
import type { JobInfo } from '../../src/types/job-info.js';
import type { JobStore, StoredJob } from '../../src/types/job-store.js';

/** Opens two runtimes' views of one store: the second sees what the first writes. */
interface StoreKind {
  name: string;
  /** @param maxResultBytes the stores' limit on a kept result */
  pair(maxResultBytes?: number): [JobStore, JobStore];
}

const KINDS: StoreKind[] = [
  {
    name: 'SQLite',
    pair(maxResultBytes) {
      const home = mkdtempSync(join(tmpdir(), 'nimbus-store-'));
      return [new SqliteJobStore(home, 'a', maxResultBytes), new SqliteJobStore(home, 'b', maxResultBytes)];
    },
  },
  {
    name: 'memory',
    pair(maxResultBytes) {
      const first = new MemoryJobStore('a', undefined, maxResultBytes);
      return [first, new MemoryJobStore('b', first, maxResultBytes)];
    },
  },
];

function info(jid: number, overrides: Partial<JobInfo> = {}): JobInfo {
  return {
    jid,
    status: 'done',
    type: 'c1',
    cores: 1,
    priority: 5,
    label: undefined,
    fn: 'f',
    created: 1,
    started: 2,
    finished: 3,
    runtime: 1,
    cputime: undefined,
    memory: undefined,
    memoryLimit: 300,
    stdout: '',
    stderr: '',
    exception: undefined,
    dependsOn: [],
    attempts: 1,
    ...overrides,
  };
}

const record = (jid: number, overrides: Partial<JobInfo> = {}, value: unknown = undefined) => ({
  info: info(jid, overrides),
  value: value as never,
  payload: undefined,
});

/** Saves records, as the record writer does: one write with nothing to add. */
const save = (store: JobStore, records: StoredJob[]) => store.write([], records);

describe.each(KINDS)('the JobStore contract: $name', (kind) => {
  it('answers every call with a promise, so that a store may live across a network', async () => {
    const [a] = kind.pair();
    const answers = [
      a.reserve(1),
      a.write([], []),
      a.get(1),
      a.list({ status: undefined, label: undefined, limit: 1 }),
      a.unfinishedCounts(),
      a.takeKillRequests(),
      a.isOrphaned(1),
      a.renewLease(),
    ];
    for (const answer of answers) expect(answer).toBeInstanceOf(Promise);
    await Promise.all(answers);
    await a.close();
  });

  it('reserves ranges of jids that never overlap, whichever runtime asks', async () => {
    const [a, b] = kind.pair();
    expect([await a.reserve(3), await b.reserve(2), await a.reserve(1)]).toEqual([1, 4, 6]);
  });

  it("shows one runtime's records to another, value included", async () => {
    const [a, b] = kind.pair();
    await save(a, [record(1, { stdout: 'hi\n' }, 42)]);
    expect(await b.get(1)).toMatchObject({ value: 42, info: { jid: 1, status: 'done', stdout: 'hi\n' } });
    expect(await b.get(2)).toBeUndefined();
  });

  it('adds then saves in one write: a job added and finished in the same write ends as saved', async () => {
    const [a, b] = kind.pair();
    const added = { first: 1, count: 3, info: info(1, { status: 'queued', started: undefined, finished: undefined, runtime: undefined }) };
    await a.write([added], [record(2, { stdout: 'two\n' }, 'value of 2')]);
    expect((await b.get(1))?.info.status).toBe('queued');
    expect(await b.get(2)).toMatchObject({ value: 'value of 2', info: { status: 'done', stdout: 'two\n' } });
    expect((await b.list({ status: ['queued'], label: undefined, limit: 10 })).map((job) => job.jid)).toEqual([3, 1]);
  });

  it('writes all or nothing: a write that fails part way leaves no trace of its adds or saves', async () => {
    const [a, b] = kind.pair();
    const added = { first: 1, count: 2, info: info(1, { status: 'queued' }) };
    // A value no store can keep (a function cannot be serialised), after a good record.
    await expect(a.write([added], [record(3, {}, 'fine'), record(4, {}, () => 1)])).rejects.toThrow();
    expect(await Promise.all([1, 2, 3, 4].map((jid) => b.get(jid)))).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('keeps a result up to its maxResultBytes, and says how large one it did not keep was', async () => {
    const [store, other] = kind.pair(64);
    expect(store.maxResultBytes).toBe(64);
    await save(store, [record(1, {}, 'small'), record(2, {}, 'x'.repeat(1000))]);
    expect(await other.get(1)).toMatchObject({ value: 'small' });
    expect((await other.get(1))?.droppedBytes).toBeUndefined();
    expect((await other.get(2))!.value).toBeUndefined();
    expect((await other.get(2))!.droppedBytes).toBeGreaterThanOrEqual(1000);
  });

  it('lists by status and label, newest first, and forgets deleted jobs', async () => {
    const [store] = kind.pair();
    await save(
      store,
      [1, 2, 3].map((jid) => record(jid, { label: jid === 2 ? 'etl' : undefined, status: jid === 3 ? 'error' : 'done' })),
    );
    expect((await store.list({ status: ['done'], label: undefined, limit: 10 })).map((job) => job.jid)).toEqual([2, 1]);
    expect((await store.list({ status: undefined, label: 'etl', limit: 10 })).map((job) => job.jid)).toEqual([2]);
    expect((await store.list({ status: undefined, label: undefined, limit: 10, before: 3 })).map((job) => job.jid)).toEqual([2, 1]);
    await store.delete([2]);
    expect(await store.get(2)).toBeUndefined();
    expect((await store.list({ status: undefined, label: undefined, limit: 1 })).map((job) => job.jid)).toEqual([3]);
  });

  it('counts the unfinished jobs of every runtime by status, type and cores', async () => {
    const [a, b] = kind.pair();
    await save(a, [record(1, { status: 'processing', type: 'c2', cores: 2 }), record(3, { status: 'done' }, 1)]);
    await save(b, [record(2, { status: 'queued' })]);
    expect((await a.unfinishedCounts()).sort((x, y) => x.status.localeCompare(y.status))).toEqual([
      { status: 'processing', type: 'c2', cores: 2, count: 1 },
      { status: 'queued', type: 'c1', cores: 1, count: 1 },
    ]);
  });

  it('never changes a complete record, nor one another runtime owns', async () => {
    const [a, b] = kind.pair();
    await save(a, [record(1, {}, 'first'), record(2, { status: 'processing' })]);
    await save(a, [record(1, { status: 'error' })]);
    await save(b, [record(2, {}, 'not yours')]);
    expect(await b.get(1)).toMatchObject({ value: 'first', info: { status: 'done' } });
    expect((await a.get(2))?.info.status).toBe('processing');
  });

  it('passes a kill request to the runtime that owns the job, once', async () => {
    const [owner, other] = kind.pair();
    await save(owner, [record(1, { status: 'processing' }), record(2, { status: 'done' }, 1)]);
    await other.requestKill([1]);
    expect(await other.takeKillRequests()).toEqual([]);
    expect(await owner.takeKillRequests()).toEqual([1]);
    expect(await owner.takeKillRequests()).toEqual([]);
  });

  it('tells how often a lease is renewed', () => {
    const [store] = kind.pair();
    expect(store.heartbeatMs).toBeGreaterThan(0);
  });
});
