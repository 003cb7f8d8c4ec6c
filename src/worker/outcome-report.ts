/** Builds an OutcomeReport one job at a time, where jobs run, and packs it to travel. */
import type { JobOutcome, OutcomeReport, Packed, RemoteError } from '../types/job-outcome.js';
import { TYPED_FROM, numberColumn } from '../wire/batch-args.js';

/**
 * A report being built. One made for a batch (emptyReport's capacity) has its times in one
 * Float64Array and a `values` column as long as the batch: read it through toWireReport.
 */
export interface ReportBuilder extends OutcomeReport {
  jids: number[];
  started: number[] | Float64Array;
  finished: number[] | Float64Array;
  cputime: number[] | Float64Array;
  memory: number[] | Float64Array;
}

/**
 * A report with no job yet.
 * @param capacity how many jobs it will likely hold (its batch's length). From TYPED_FROM on, its
 * four columns of times are views of one Float64Array made for them, written by index and sent as
 * they are, and `values` is made that long: no column grows by copies as jobs append, nor is copied
 * again to travel (about 135 bytes per trivial job). `jids` still grows: its length is the count of
 * jobs, and toWireReport cuts the other columns to it. Below TYPED_FROM, every column is a plain
 * array (the report may travel as plain arrays, batch-args.ts).
 */
export function emptyReport(capacity = 0): ReportBuilder {
  if (capacity < TYPED_FROM) return { jids: [], values: [], errors: [], started: [], finished: [], cputime: [], memory: [], stdout: [], stderr: [] };
  const times = new Float64Array(4 * capacity);
  return {
    jids: [],
    values: new Array<Packed>(capacity),
    errors: [],
    started: times.subarray(0, capacity),
    finished: times.subarray(capacity, 2 * capacity),
    cputime: times.subarray(2 * capacity, 3 * capacity),
    memory: times.subarray(3 * capacity),
    stdout: [],
    stderr: [],
  };
}

/**
 * The report as it crosses to the runtime: its number columns in Float64Arrays, unless short
 * (batch-args.ts, TYPED_FROM). The four columns of times share one buffer: a typed array's
 * backing store costs microseconds to allocate (and to account for), more than filling it.
 */
export function toWireReport(report: ReportBuilder): OutcomeReport {
  const length = report.jids.length;
  if (report.values.length !== length) report.values.length = length;
  if (!Array.isArray(report.started)) {
    // Made for its batch: its times travel as they are, as views of its jobs (the buffer's slack,
    // when the batch was cut short, travels too).
    return {
      ...report,
      jids: new Float64Array(report.jids),
      started: report.started.subarray(0, length),
      finished: (report.finished as Float64Array).subarray(0, length),
      cputime: (report.cputime as Float64Array).subarray(0, length),
      memory: (report.memory as Float64Array).subarray(0, length),
    };
  }
  if (length < TYPED_FROM) return { ...report };
  const numbers = new Float64Array(4 * length);
  return {
    ...report,
    jids: numberColumn(report.jids),
    started: copyInto(numbers, 0, report.started),
    finished: copyInto(numbers, length, report.finished as number[]),
    cputime: copyInto(numbers, 2 * length, report.cputime as number[]),
    memory: copyInto(numbers, 3 * length, report.memory as number[]),
  };
}

/**
 * A report made for its batch that is full (it never should be: a batch reports each of its jobs
 * once): its times as plain arrays from now on, which grow.
 */
function widen(report: ReportBuilder): void {
  report.started = Array.from(report.started);
  report.finished = Array.from(report.finished);
  report.cputime = Array.from(report.cputime);
  report.memory = Array.from(report.memory);
}

/** `values` copied into `numbers` from `offset` on: the view of them there. */
function copyInto(numbers: Float64Array, offset: number, values: readonly number[]): Float64Array {
  const view = numbers.subarray(offset, offset + values.length);
  for (let i = 0; i < values.length; i++) view[i] = values[i]!;
  return view;
}

export function appendOutcome(report: ReportBuilder, outcome: JobOutcome): void {
  const value = outcome.status === 'done' ? outcome.value : undefined;
  const error = outcome.status === 'error' ? outcome.error : undefined;
  appendJob(
    report,
    outcome.jid,
    value,
    error,
    outcome.started,
    outcome.finished,
    outcome.cputime ?? NaN,
    outcome.memory ?? NaN,
    outcome.stdout,
    outcome.stderr,
  );
}

/**
 * Appends a job's outcome given field by field: where a job ends, no outcome object is built
 * (nor a boxed number per time it holds), the columns take the values themselves. `error`
 * undefined means the job ended 'done' with `value`.
 */
export function appendJob(
  report: ReportBuilder,
  jid: number,
  value: Packed | undefined,
  error: RemoteError | undefined,
  started: number,
  finished: number,
  cputime: number,
  memory: number,
  stdout: string,
  stderr: string,
): void {
  // Index i appends to a column made empty, and fills one made for the batch (emptyReport).
  const i = report.jids.length;
  if (i === report.started.length && !Array.isArray(report.started)) widen(report);
  report.jids.push(jid);
  report.values[i] = value;
  if (error !== undefined) report.errors[i] = error;
  report.started[i] = started;
  report.finished[i] = finished;
  report.cputime[i] = cputime;
  report.memory[i] = memory;
  if (stdout) report.stdout[i] = stdout;
  if (stderr) report.stderr[i] = stderr;
}
