/** A short report's times read through reused scratch columns, and a report read meanwhile through its own. */
import { describe, expect, it } from 'vitest';
import { ReportColumns } from '../../../src/runtime/report-columns.js';
import type { OutcomeReport } from '../../../src/types/job-outcome.js';

function report(jids: number[], base: number): OutcomeReport {
  return {
    jids,
    values: jids.map(() => 0),
    errors: [],
    started: jids.map((_, i) => base + i),
    finished: jids.map((_, i) => base + i + 0.5),
    cputime: jids.map(() => 1),
    memory: jids.map(() => 2),
    stdout: [],
    stderr: [],
  };
}

describe('ReportColumns', () => {
  it('reuses its scratch columns from one report to the next, grown to fit', () => {
    const columns = new ReportColumns();
    const first = columns.read(report([1], 10));
    expect(first.started[0]).toBe(10);
    columns.release(first);
    const jids = Array.from({ length: 100 }, (_, i) => i);
    const second = columns.read(report(jids, 20));
    expect(second).toBe(first);
    expect(Array.from(second.finished.subarray(0, 100))).toEqual(jids.map((i) => 20 + i + 0.5));
    columns.release(second);
  });

  it('gives a report read while another is being read columns of its own', () => {
    const columns = new ReportColumns();
    const outer = columns.read(report([1, 2], 10));
    const inner = columns.read(report([3], 30));
    expect(inner).not.toBe(outer);
    expect(Array.from(outer.started.subarray(0, 2))).toEqual([10, 11]);
    expect(inner.started[0]).toBe(30);
    columns.release(inner);
    columns.release(outer);
    expect(columns.read(report([4], 40))).toBe(outer);
  });

  it('gives columns that are Float64Arrays already as they are', () => {
    const typed = {
      ...report([1], 0),
      started: new Float64Array([5]),
      finished: new Float64Array([6]),
      cputime: new Float64Array([1]),
      memory: new Float64Array([2]),
    };
    const columns = new ReportColumns();
    expect(columns.read(typed).started).toBe(typed.started);
  });
});
