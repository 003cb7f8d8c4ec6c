/**
 * A worker's outcome report as a specification: one made for its batch travels (as an outcomes
 * tuple, the one way a report crosses) as one built job by job.
 */
import { describe, expect, it } from 'vitest';
import { appendJob, emptyReport } from '../../../src/worker/outcome-report.js';
import { fromOutcomesTuple, outcomesTuple } from '../../../src/wire/process-tuples.js';
import type { OutcomeReport } from '../../../src/types/job-outcome.js';

const TOKEN = 'test-token';

/** Appends `count` jobs, jids from 1, with times and output that tell them apart. */
function filled(capacity: number, count: number): OutcomeReport {
  const report = emptyReport(capacity);
  for (let i = 0; i < count; i++) {
    const jid = i + 1;
    const error = jid % 5 === 0 ? { name: 'Error', message: `job ${jid}`, stack: undefined } : undefined;
    appendJob(
      report,
      jid,
      error ? undefined : jid * 2,
      error,
      1000 + jid,
      2000 + jid,
      jid / 4,
      jid % 3 === 0 ? NaN : jid * 8,
      jid % 7 === 0 ? `out ${jid}` : '',
      '',
    );
  }
  return fromOutcomesTuple(outcomesTuple(TOKEN, report, true, undefined), TOKEN)!.report;
}

/** A report's columns as plain arrays, whatever they travel as. */
function plain(report: OutcomeReport) {
  return {
    jids: Array.from(report.jids),
    values: [...report.values],
    errors: Array.from({ length: report.jids.length }, (_, i) => report.errors[i]),
    started: Array.from(report.started),
    finished: Array.from(report.finished),
    cputime: Array.from(report.cputime),
    memory: Array.from(report.memory),
    stdout: Array.from({ length: report.jids.length }, (_, i) => report.stdout[i]),
  };
}

describe('outcome report', () => {
  for (const [capacity, count] of [
    [100, 100],
    [100, 37],
    [100, 3],
    [100, 0],
    [20, 45],
    [5, 5],
  ] as const) {
    it(`made for ${capacity} jobs and holding ${count}: the same columns as one that grew`, () => {
      const made = filled(capacity, count);
      const grown = filled(0, count);
      expect(made.jids.length).toBe(count);
      for (const column of [made.values, made.started, made.finished, made.cputime, made.memory]) expect(column.length).toBe(count);
      expect(plain(made)).toEqual(plain(grown));
    });
  }

  it('sends the times of a report made for its batch in Float64Arrays', () => {
    const report = filled(64, 64);
    for (const column of [report.jids, report.started, report.finished, report.cputime, report.memory]) expect(column).toBeInstanceOf(Float64Array);
  });
});
