import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../../src/wire/frame-codec.js';
import { TYPED_FROM, encodeBatchArgs, encodeOneEach } from '../../../src/wire/batch-args.js';
import { appendJob, emptyReport } from '../../../src/worker/outcome-report.js';
import { batchTuple, fromBatchTuple, fromOutcomesTuple, outcomesTuple, type BatchTuple } from '../../../src/wire/process-tuples.js';
import type { BatchSpec } from '../../../src/types/executor.js';
import type { OutcomeReport, Packed } from '../../../src/types/job-outcome.js';
import type { ShippedFunction } from '../../../src/types/shipped-function.js';
import type { WireFunction } from '../../../src/types/wire-function.js';

const TOKEN = 'token';
const LONG = TYPED_FROM * 4;
const byId: WireFunction = { id: 'fn-1', shape: undefined, data: undefined };

/** Through the frames a worker process's data channel carries (frame-codec.ts). */
function crossed<T>(message: T): T {
  return decodeFrame(encodeFrame(message)) as T;
}

function reportOf(values: Packed[], extra: Partial<OutcomeReport> = {}): OutcomeReport {
  const length = values.length;
  const column = (base: number) => Array.from({ length }, (_, i) => base + i);
  return {
    jids: column(1000),
    values,
    errors: [],
    started: column(1_764_633_600_000),
    finished: column(1_764_633_600_001),
    cputime: Array.from({ length }, (_, i) => (i % 2 === 0 ? Number.NaN : i / 3)),
    memory: Array.from({ length }, () => Number.NaN),
    stdout: [],
    stderr: [],
    ...extra,
  };
}

/** `value` with every array in it copied by push: packed, as v8 says of an array with no holes in its elements kind. */
function packedCopy(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const copy: unknown[] = [];
  for (const item of value) copy.push(packedCopy(item));
  return copy;
}

function plain(report: OutcomeReport): Record<string, unknown> {
  const columns = Object.entries(report).map(([name, column]) => [name, Array.from(column as ArrayLike<unknown>)]);
  return Object.fromEntries(columns);
}

describe('process tuples: outcomes', () => {
  it('sends a long report of numbers as one Float64Array, values included, and reads back every column exactly', () => {
    const values = Array.from({ length: LONG }, (_, i) => (i === 0 ? -0 : i === 1 ? Number.NaN : i * 1.5));
    const report = reportOf(values);
    const tuple = outcomesTuple(TOKEN, report, true, undefined);
    expect(tuple[4]).toBeInstanceOf(Float64Array);
    expect(tuple[5]).toBeUndefined();
    expect(tuple.filter((part) => ArrayBuffer.isView(part))).toHaveLength(1);
    const decoded = fromOutcomesTuple(crossed(tuple), TOKEN)!;
    expect(decoded.last).toBe(true);
    expect(decoded.running).toBeUndefined();
    expect(Array.isArray(decoded.report.values)).toBe(true);
    expect(Object.is(decoded.report.values[0], -0)).toBe(true);
    expect(plain(decoded.report)).toEqual(plain(report));
  });

  it('keeps values that are not all numbers in their own list, with errors and output', () => {
    const values: Packed[] = Array.from({ length: LONG }, (_, i) => i);
    values[3] = 'three';
    values[5] = undefined;
    const errors = [];
    errors[5] = { name: 'Error', message: 'no', stack: undefined };
    const stdout = [];
    stdout[7] = 'printed';
    const report = reportOf(values, { errors, stdout });
    const tuple = outcomesTuple(TOKEN, report, false, { index: 9, at: 12 });
    expect(tuple[5]).toEqual(values);
    const decoded = fromOutcomesTuple(crossed(tuple), TOKEN)!;
    expect(decoded.running).toEqual({ index: 9, at: 12 });
    expect(decoded.report.values).toEqual(values);
    expect(decoded.report.errors[5]).toEqual(errors[5]);
    expect(decoded.report.stdout[7]).toBe('printed');
    expect(plain({ ...decoded.report, errors: [], stdout: [] })).toEqual(plain({ ...report, errors: [], stdout: [] }));
  });

  it("sends a lone job's report inline, no list inside, unless it has an error or output", () => {
    const report = reportOf([42]);
    const tuple = outcomesTuple(TOKEN, report, true, { index: 0, at: 9 });
    expect(tuple.some((item) => typeof item === 'object' && item !== null)).toBe(false);
    const read = fromOutcomesTuple(crossed(tuple), TOKEN)!;
    expect(plain(read.report)).toEqual(plain(report));
    expect(read.last).toBe(true);
    expect(read.running).toEqual({ index: 0, at: 9 });
    const failed = reportOf([undefined], { errors: [{ name: 'Error', message: 'boom', stack: undefined }], stdout: ['said'] });
    const nested = outcomesTuple(TOKEN, failed, false, undefined);
    expect(Array.isArray(nested[4])).toBe(true);
    expect(plain(fromOutcomesTuple(crossed(nested), TOKEN)!.report)).toEqual(plain(failed));
  });

  it.each([3, LONG])('sends only the jobs of a report made for a larger batch of %i (its columns longer than its jobs)', (held) => {
    const batchLength = held + 5;
    const report = emptyReport(batchLength);
    const alone = emptyReport();
    for (let i = 0; i < held; i++) {
      for (const into of [report, alone])
        appendJob(into, 7 + i, i % 2 === 0 ? `v${i}` : i, undefined, 10 + i, 11 + i, 0.5, Number.NaN, '', i === 1 ? 'oops' : '');
    }
    expect(report.values.length).toBe(batchLength);
    const read = fromOutcomesTuple(crossed(outcomesTuple(TOKEN, report, false, undefined)), TOKEN)!.report;
    expect(read.values).toHaveLength(held);
    expect(plain(read)).toEqual(plain(alone));
  });

  it.each([1, 3, LONG])('sends the lists of a report made for its batch of %i packed: v8 writes them densely, not as sparse objects', (held) => {
    const report = emptyReport(held);
    for (let i = 0; i < held; i++) appendJob(report, 7 + i, `v${i}`, undefined, 10 + i, 11 + i, 0.5, Number.NaN, '', '');
    const tuple = outcomesTuple(TOKEN, report, true, undefined);
    // A holey array (one made by `new Array(n)`, as the report's columns are) serializes to other bytes than its packed copy.
    expect(serialize(tuple)).toEqual(serialize(packedCopy(tuple)));
  });

  it('reads nothing from another token, or from a message that is not a tuple of outcomes', () => {
    const tuple = outcomesTuple(TOKEN, reportOf([1]), true, undefined);
    expect(fromOutcomesTuple(tuple, 'other')).toBeUndefined();
    expect(fromOutcomesTuple([TOKEN, true], TOKEN)).toBeUndefined();
    expect(fromOutcomesTuple({ 0: TOKEN }, TOKEN)).toBeUndefined();
  });
});

describe('process tuples: batches', () => {
  const fn = { id: 'fn-1' } as ShippedFunction;
  const spec = (jids: number[], args: BatchSpec['args'], more: Partial<BatchSpec> = {}): BatchSpec => ({ fn, type: 'c1', cores: 1, jids, args, ...more });
  const jidsOf = (length: number) => Array.from({ length }, (_, i) => 7 + i);

  it('sends a long batch of numbers as one Float64Array, its jids then its arguments', () => {
    const jids = jidsOf(LONG);
    const args = encodeBatchArgs(jids.map((jid) => [jid * 0.5, -jid]));
    const tuple = batchTuple(3, spec(jids, args, { env: { A: '1' }, followersFrom: 5 }), byId);
    expect(tuple[2]).toBeInstanceOf(Float64Array);
    expect(tuple[4]).toBeUndefined();
    const batch = fromBatchTuple(crossed(tuple));
    expect(Array.from(batch.jids)).toEqual(jids);
    expect(batch.args).toEqual({ arity: 2, flat: (args as { flat: Float64Array }).flat });
    expect(batch.env).toEqual({ A: '1' });
    expect(batch.followersFrom).toBe(5);
    expect(batch.fn).toEqual(byId);
  });

  it('keeps a short batch, and arguments that are not all numbers, as they were', () => {
    for (const [jids, args] of [
      [[1], encodeOneEach([5])],
      [jidsOf(LONG), encodeOneEach(jidsOf(LONG).map(String))],
      [jidsOf(LONG), encodeBatchArgs(jidsOf(LONG).map((jid) => (jid % 2 ? [jid] : [jid, jid])))],
    ] as const) {
      const tuple: BatchTuple = batchTuple(1, spec([...jids], args), byId);
      const batch = fromBatchTuple(crossed(tuple));
      expect(Array.from(batch.jids)).toEqual(jids);
      expect(batch.args).toEqual(args);
    }
  });

  it("sends a lone job's batch inline: its jid and its arguments in the tuple itself", () => {
    const tuple = batchTuple(3, spec([7], { arity: 2, flat: [1.5, 'two'] }), byId);
    expect(tuple).toEqual([3, byId.id, 7, 2, 1.5, 'two']);
    const batch = fromBatchTuple(crossed(tuple));
    expect(Array.from(batch.jids)).toEqual([7]);
    expect(batch.args).toEqual({ arity: 2, flat: [1.5, 'two'] });
    expect(batch.fn).toEqual(byId);
  });

  it('sends the jids and arguments of a short batch packed, whatever lists they came in', () => {
    // Sized, then filled, as the scheduler makes a batch's jids and batch-args.ts its flat list.
    const flat = new Array<number>(1);
    flat[0] = 5;
    const jids = new Array<number>(1);
    jids[0] = 1;
    const tuple = batchTuple(1, spec(jids, { arity: 1, flat }), byId);
    expect(serialize(tuple)).toEqual(serialize(packedCopy(tuple)));
  });
});
