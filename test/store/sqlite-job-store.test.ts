import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteJobStore } from '../../src/store/sqlite-job-store.js';
import type { JobInfo } from '../../src/types/job-info.js';

const home = () => mkdtempSync(join(tmpdir(), 'nimbus-store-'));

function info(jid: number, overrides: Partial<JobInfo> = {}): JobInfo {
  return {
    jid, status: 'done', type: 'c1', cores: 1, priority: 5, label: undefined, fn: 'f', created: 1, started: 2, finished: 3,
    runtime: 1, cputime: undefined, memory: undefined, memoryLimit: 300, stdout: '', stderr: '', exception: undefined,
    dependsOn: [], attempts: 1, ...overrides,
  };
}

describe('the SQLite job store', () => {
  it('reserves ranges of jids that never overlap, whoever asks', () => {
    const dir = home();
    const a = new SqliteJobStore(dir, 'a');
    const b = new SqliteJobStore(dir, 'b');
    expect([a.reserve(3), b.reserve(2), a.reserve(1)]).toEqual([1, 4, 6]);
    a.close();
    b.close();
  });

  it('keeps a result up to its limit, and says how large one it did not keep was', () => {
    const store = new SqliteJobStore(home(), 'a', 64);
    store.save([
      { info: info(1), value: 'small', payload: undefined },
      { info: info(2), value: 'x'.repeat(1000), payload: undefined },
    ]);
    expect(store.get(1)).toMatchObject({ value: 'small', droppedBytes: undefined });
    expect(store.get(2)!.value).toBeUndefined();
    expect(store.get(2)!.droppedBytes).toBeGreaterThan(1000);
    store.close();
  });

  it('lists by status and label, newest first, and forgets deleted jobs', () => {
    const store = new SqliteJobStore(home(), 'a');
    store.save([1, 2, 3].map((jid) => ({ info: info(jid, { label: jid === 2 ? 'etl' : undefined, status: jid === 3 ? 'error' : 'done' }), value: undefined, payload: undefined })));
    expect(store.list({ status: ['done'], label: undefined, limit: 10 }).map((job) => job.jid)).toEqual([2, 1]);
    expect(store.list({ status: undefined, label: 'etl', limit: 10 }).map((job) => job.jid)).toEqual([2]);
    store.delete([2]);
    expect(store.get(2)).toBeUndefined();
    expect(store.list({ status: undefined, label: undefined, limit: 1 }).map((job) => job.jid)).toEqual([3]);
    store.close();
  });

  it("counts the unfinished jobs of every runtime by status, type and cores", () => {
    const store = new SqliteJobStore(home(), 'a');
    store.save([
      { info: info(1, { status: 'processing', type: 'c2', cores: 2 }), value: undefined, payload: undefined },
      { info: info(2, { status: 'queued' }), value: undefined, payload: undefined },
      { info: info(3, { status: 'done' }), value: 1, payload: undefined },
    ]);
    expect(store.unfinishedCounts().sort((x, y) => x.status.localeCompare(y.status))).toEqual([
      { status: 'processing', type: 'c2', cores: 2, count: 1 },
      { status: 'queued', type: 'c1', cores: 1, count: 1 },
    ]);
    store.close();
  });
});
