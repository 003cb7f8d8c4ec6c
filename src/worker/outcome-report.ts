/** Builds an OutcomeReport one job at a time, where jobs run, and packs it to travel. */
import type { JobOutcome, OutcomeReport, Packed, RemoteError } from '../types/job-outcome.js';
import { numberColumn } from '../wire/batch-args.js';

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

/** The report as it crosses to the runtime: its number columns in Float64Arrays, unless short (batch-args.ts, TYPED_FROM). */
export function toWireReport(report: ReportBuilder): OutcomeReport {
  return {
    ...report,
    jids: numberColumn(report.jids),
    started: numberColumn(report.started),
    finished: numberColumn(report.finished),
    cputime: numberColumn(report.cputime),
    memory: numberColumn(report.memory),
  };
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
