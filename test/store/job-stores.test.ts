import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryJobStore } from '../../src/store/memory-job-store.js';
import { SqliteJobStore } from '../../src/store/sqlite-job-store.js';
import type { JobInfo } from '../../src/types/job-info.js';
import type { JobStore } from '../../src/types/job-store.js';

/** Opens two runtimes' views of one store: the second sees what the first writes. */
interface StoreKind {
  name: string;
  pair(): [JobStore, JobStore];
}

const KINDS: StoreKind[] = [
  {
    name: 'SQLite',
    pair() {
      const home = mkdtempSync(join(tmpdir(), 'nimbus-store-'));
      return [new SqliteJobStore(home, 'a'), new SqliteJobStore(home, 'b')];
    },
  },
  {
    name: 'memory',
    pair() {
      const first = new MemoryJobStore('a');
      return [first, new MemoryJobStore('b', first)];
    },
  },
];

function info(jid: number, overrides: Partial<JobInfo> = {}): JobInfo {
  return {
    jid, status: 'done', type: 'c1', cores: 1, priority: 5, label: undefined, fn: 'f', created: 1, started: 2, finished: 3,
    runtime: 1, cputime: undefined, memory: undefined, memoryLimit: 300, stdout: '', stderr: '', exception: undefined,
    dependsOn: [], attempts: 1, ...overrides,
  };
}

const record = (jid: number, overrides: Partial<JobInfo> = {}, value: unknown = undefined) =>
  ({ info: info(jid, overrides), value: value as never, payload: undefined });

describe.each(KINDS)('the JobStore contract: $name', (kind) => {
  it('reserves ranges of jids that never overlap, whichever runtime asks', () => {
    const [a, b] = kind.pair();
    expect([a.reserve(3), b.reserve(2), a.reserve(1)]).toEqual([1, 4, 6]);
  });

  it("shows one runtime's records to another, value included", () => {
    const [a, b] = kind.pair();
    a.save([record(1, { stdout: 'hi\n' }, 42)]);
    expect(b.get(1)).toMatchObject({ value: 42, info: { jid: 1, status: 'done', stdout: 'hi\n' } });
    expect(b.get(2)).toBeUndefined();
  });

  it('lists by status and label, newest first, and forgets deleted jobs', () => {
    const [store] = kind.pair();
    store.save([1, 2, 3].map((jid) => record(jid, { label: jid === 2 ? 'etl' : undefined, status: jid === 3 ? 'error' : 'done' })));
    expect(store.list({ status: ['done'], label: undefined, limit: 10 }).map((job) => job.jid)).toEqual([2, 1]);
    expect(store.list({ status: undefined, label: 'etl', limit: 10 }).map((job) => job.jid)).toEqual([2]);
    store.delete([2]);
    expect(store.get(2)).toBeUndefined();
    expect(store.list({ status: undefined, label: undefined, limit: 1 }).map((job) => job.jid)).toEqual([3]);
  });

  it('counts the unfinished jobs of every runtime by status, type and cores', () => {
    const [a, b] = kind.pair();
    a.save([record(1, { status: 'processing', type: 'c2', cores: 2 }), record(3, { status: 'done' }, 1)]);
    b.save([record(2, { status: 'queued' })]);
    expect(a.unfinishedCounts().sort((x, y) => x.status.localeCompare(y.status))).toEqual([
      { status: 'processing', type: 'c2', cores: 2, count: 1 },
      { status: 'queued', type: 'c1', cores: 1, count: 1 },
    ]);
  });

  it("passes a kill request to the runtime that owns the job, once", () => {
    const [owner, other] = kind.pair();
    owner.save([record(1, { status: 'processing' }), record(2, { status: 'done' }, 1)]);
    other.requestKill([1]);
    expect(other.takeKillRequests()).toEqual([]);
    expect(owner.takeKillRequests()).toEqual([1]);
    expect(owner.takeKillRequests()).toEqual([]);
  });
});

describe('the SQLite store', () => {
  it('keeps a result up to its limit, and says how large one it did not keep was', () => {
    const store = new SqliteJobStore(mkdtempSync(join(tmpdir(), 'nimbus-store-')), 'a', 64);
    store.save([record(1, {}, 'small'), record(2, {}, 'x'.repeat(1000))]);
    expect(store.get(1)).toMatchObject({ value: 'small', droppedBytes: undefined });
    expect(store.get(2)!.value).toBeUndefined();
    expect(store.get(2)!.droppedBytes).toBeGreaterThan(1000);
    store.close();
  });
});
