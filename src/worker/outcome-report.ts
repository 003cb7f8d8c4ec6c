/** Builds an OutcomeReport one job at a time, where jobs run, and packs it to travel. */
import type { JobOutcome, OutcomeReport, Packed, RemoteError } from '../types/job-outcome.js';
import { TYPED_FROM, numberColumn } from '../wire/batch-args.js';

/** A report being built: every column a plain array. */
export interface ReportBuilder extends OutcomeReport {
  jids: number[];
  started: number[];
  finished: number[];
  cputime: number[];
  memory: number[];
}

export function emptyReport(): ReportBuilder {
  return { jids: [], values: [], errors: [], started: [], finished: [], cputime: [], memory: [], stdout: [], stderr: [] };
}

/**
 * The report as it crosses to the runtime: its number columns in Float64Arrays, unless short
 * (batch-args.ts, TYPED_FROM). The four columns of times share one buffer: a typed array's
 * backing store costs microseconds to allocate (and to account for), more than filling it.
 */
export function toWireReport(report: ReportBuilder): OutcomeReport {
  const length = report.jids.length;
  if (length < TYPED_FROM) return { ...report };
  const numbers = new Float64Array(4 * length);
  return {
    ...report,
    jids: numberColumn(report.jids),
    started: copyInto(numbers, 0, report.started),
    finished: copyInto(numbers, length, report.finished),
    cputime: copyInto(numbers, 2 * length, report.cputime),
    memory: copyInto(numbers, 3 * length, report.memory),
  };
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
  const i = report.jids.length;
  report.jids.push(jid);
  report.values.push(value);
  if (error !== undefined) report.errors[i] = error;
  report.started.push(started);
  report.finished.push(finished);
  report.cputime.push(cputime);
  report.memory.push(memory);
  if (stdout) report.stdout[i] = stdout;
  if (stderr) report.stderr[i] = stderr;
}
