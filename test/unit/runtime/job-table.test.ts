import { describe, expect, it } from 'vitest';
import { Code, JobTable, STATUS_OF_CODE, isCompleteCode } from '../../../src/runtime/job-table.js';

describe('allocate', () => {
  it('hands out jids from 1, one after another', () => {
    const table = new JobTable();
    expect(table.allocate(3)).toBe(1);
    expect(table.allocate(1)).toBe(4);
    expect(table.lastJid).toBe(4);
  });

  it('grows every column past the jids handed out', () => {
    const table = new JobTable();
    table.allocate(5_000);
    expect(table.capacity).toBeGreaterThan(5_000);
    for (const column of [
      table.status,
      table.typeIndex,
      table.flags,
      table.cores,
      table.pendingDependencies,
      table.priority,
      table.maxRuntime,
      table.created,
      table.started,
      table.finished,
      table.cputime,
      table.memory,
    ]) {
      expect(column.length).toBe(table.capacity);
    }
  });

  it('keeps every value when it grows', () => {
    const table = new JobTable();
    const jid = table.allocate(1_000) + 999;
    table.status[jid] = Code.Done;
    table.typeIndex[jid] = 3;
    table.cores[jid] = 2;
    table.priority[jid] = -1.5;
    table.created[jid] = 1_234;
    table.cputime[jid] = NaN;
    table.value[jid] = 'kept';
    table.allocate(10_000);
    expect(table.capacity).toBeGreaterThan(11_000);
    expect([table.status[jid], table.typeIndex[jid], table.cores[jid], table.priority[jid], table.created[jid]]).toEqual([Code.Done, 3, 2, -1.5, 1_234]);
    expect(table.cputime[jid]).toBeNaN();
    expect(table.value[jid]).toBe('kept');
  });
});

describe('exists', () => {
  it('is true for a job with a status', () => {
    const table = new JobTable();
    const jid = table.allocate(1);
    table.status[jid] = Code.Queued;
    expect(table.exists(jid)).toBe(true);
  });

  it.each([0, -1, 1.5, NaN, 2])('is false for %s', (jid) => {
    const table = new JobTable();
    table.status[table.allocate(1)] = Code.Queued;
    expect(table.exists(jid)).toBe(false);
  });

  it('is false for a jid handed out but not recorded yet', () => {
    const table = new JobTable();
    expect(table.exists(table.allocate(1))).toBe(false);
  });
});

describe('erase', () => {
  it('forgets the job: it no longer exists and its values are gone', () => {
    const table = new JobTable();
    const jid = table.allocate(1);
    table.status[jid] = Code.Done;
    table.value[jid] = 42;
    table.stdout[jid] = 'out';
    table.label[jid] = 'label';
    table.setFunction(jid, jid + 1, { id: 'f', name: 'fn', root: 0, nodes: [], data: undefined });
    table.dependsOn[jid] = [1];
    table.erase(jid);
    expect(table.exists(jid)).toBe(false);
    expect([table.value[jid], table.stdout[jid], table.label[jid], table.fnNameOf(jid), table.dependsOn[jid]]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('leaves the other jobs alone', () => {
    const table = new JobTable();
    const first = table.allocate(2);
    table.status[first] = Code.Done;
    table.status[first + 1] = Code.Done;
    table.value[first + 1] = 'other';
    table.erase(first);
    expect(table.exists(first + 1)).toBe(true);
    expect(table.value[first + 1]).toBe('other');
  });

  it('never hands out an erased jid again', () => {
    const table = new JobTable();
    const jid = table.allocate(1);
    table.erase(jid);
    expect(table.allocate(1)).toBe(jid + 1);
  });
});

describe('releaseInputs', () => {
  it('drops the function and the arguments, and keeps the result', () => {
    const table = new JobTable();
    const jid = table.allocate(1);
    table.setFunction(jid, jid + 1, { id: 'f', name: 'f', root: 0, nodes: [], data: undefined });
    table.args[jid] = [1, 2];
    table.value[jid] = 3;
    table.releaseInputs(jid);
    expect([table.fnOf(jid), table.args[jid], table.value[jid]]).toEqual([undefined, undefined, 3]);
    expect(table.fnNameOf(jid)).toBe('f');
  });

  it('keeps a function shared by jobs until the last of them is released, and releases each job once', () => {
    const table = new JobTable();
    const fn = { id: 'f', name: 'f', root: 0, nodes: [], data: undefined };
    const first = table.allocate(2);
    table.setFunction(first, first + 2, fn);
    table.releaseInputs(first);
    table.releaseInputs(first);
    expect([table.fnOf(first), table.fnOf(first + 1)]).toEqual([undefined, fn]);
    // One more job of the same function, submitted alone while it is live, shares its entry.
    const next = table.allocate(1);
    table.setFunction(next, next + 1, fn);
    table.releaseInputs(first + 1);
    expect(table.fnOf(next)).toBe(fn);
    table.releaseInputs(next);
    expect([table.fnOf(next), table.fnNameOf(next)]).toEqual([undefined, 'f']);
  });
});

describe('status codes', () => {
  it('reads each code as its status name', () => {
    const table = new JobTable();
    const jid = table.allocate(1);
    table.status[jid] = Code.Stalled;
    expect(table.statusOf(jid)).toBe('stalled');
    expect(STATUS_OF_CODE.slice(1)).toEqual(['queued', 'processing', 'waiting', 'done', 'error', 'killed', 'stalled']);
  });

  it('calls done, error, killed and stalled complete, and nothing else', () => {
    const complete = Object.values(Code)
      .filter(isCompleteCode)
      .map((code) => STATUS_OF_CODE[code]);
    expect(complete).toEqual(['done', 'error', 'killed', 'stalled']);
  });

  it('reads the resource type from its index', () => {
    const table = new JobTable();
    const jid = table.allocate(1);
    table.typeIndex[jid] = 3;
    expect(table.typeOf(jid)).toBe('m1');
  });
});
