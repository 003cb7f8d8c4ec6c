/** A map's items as one column (Submission.argsList `{ items }`) and a verdict's results as columns (VerdictResults). */
import { describe, expect, it } from 'vitest';
import { batchArguments } from '../../../src/runtime/batch-arguments.js';
import { Flag, JobTable } from '../../../src/runtime/job-table.js';
import { resolveJobOptions } from '../../../src/options.js';
import { shipFunction } from '../../../src/shipping/ship-function.js';
import { TYPED_FROM, argsAt } from '../../../src/wire/batch-args.js';
import { argumentLists, oneArgumentEach, submittedCount } from '../../../src/wire/submitted-args.js';
import { firstResults, resultAt, verdictResults, withFailureJids } from '../../../src/wire/verdict-results.js';
import type { JobResult } from '../../../src/types/job-service.js';

const fn = shipFunction((x: unknown) => x);

function tableWith(...submissions: Parameters<JobTable['record']>[2][]): { table: JobTable; jids: number[] } {
  const table = new JobTable();
  const jids: number[] = [];
  for (const args of submissions) {
    const count = submittedCount(args);
    const first = table.allocate(count);
    table.record(first, fn, args, resolveJobOptions({}), 0, 0);
    for (let i = 0; i < count; i++) jids.push(first + i);
  }
  return { table, jids };
}

describe("a map's items as one column", () => {
  it('takes only primitives, as a copy of the user array when asked', () => {
    const items = [1, 'a', null, undefined, true, 2n];
    const column = oneArgumentEach(items, true)!;
    expect(column.items).toEqual(items);
    expect(column.items).not.toBe(items);
    expect(oneArgumentEach([1, { a: 1 }], true)).toBeUndefined();
    expect(argumentLists(column)).toEqual(items.map((item) => [item]));
    expect(submittedCount(column)).toBe(6);
  });

  it('keeps each item itself in the table, and gives it back as a one-argument list', () => {
    const { table, jids } = tableWith({ items: [5, 'x'] });
    expect(jids.map((jid) => table.args[jid])).toEqual([5, 'x']);
    expect(jids.map((jid) => table.flags[jid]! & Flag.OneArgument)).toEqual([Flag.OneArgument, Flag.OneArgument]);
    expect(jids.map((jid) => table.argsOf(jid))).toEqual([[5], ['x']]);
  });

  it("makes a batch's column of arity 1 from the items: a Float64Array when all are numbers and enough", () => {
    const numbers = Array.from({ length: TYPED_FROM }, (_, i) => i + 0.5);
    const { table, jids } = tableWith({ items: numbers });
    const encoded = batchArguments(table, jids);
    expect('flat' in encoded && encoded.arity === 1 && encoded.flat instanceof Float64Array).toBe(true);
    expect(jids.map((_, i) => argsAt(encoded, i))).toEqual(numbers.map((x) => [x]));
    const mixed = tableWith({ items: [1, 'b'] });
    expect(batchArguments(mixed.table, mixed.jids)).toEqual({ arity: 1, flat: [1, 'b'] });
  });

  it('mixes with jobs that hold argument lists in one batch', () => {
    const { table, jids } = tableWith({ items: [1] }, [[2, 3]]);
    const encoded = batchArguments(table, jids);
    expect(jids.map((_, i) => argsAt(encoded, i))).toEqual([[1], [2, 3]]);
  });
});

describe("a verdict's results as columns", () => {
  const failure = { jid: 8, status: 'error' as const, error: undefined };
  const results: JobResult[] = [
    { ok: true, value: 'a' },
    { ok: false, failure },
    { ok: true, value: undefined },
  ];

  it('holds the values, and the failures by index', () => {
    const columns = verdictResults(results);
    expect(columns.values).toEqual(['a', undefined, undefined]);
    expect([...columns.failures!]).toEqual([[1, failure]]);
    expect([0, 1, 2].map((i) => resultAt(columns, i))).toEqual(results);
    expect(verdictResults([{ ok: true, value: 1 }]).failures).toBeUndefined();
  });

  it('cuts to the first jobs, and maps the failures jids', () => {
    const columns = verdictResults(results);
    expect(firstResults(columns, 1)).toEqual({ values: ['a'], failures: undefined });
    expect(firstResults(columns, 3)).toBe(columns);
    expect(withFailureJids(columns, (jid) => jid + 100).failures!.get(1)!.jid).toBe(108);
  });
});
