/** Builds an OutcomeReport one job at a time, where jobs run, and packs it to travel. */
import type { JobOutcome, OutcomeReport } from '../types/job-outcome.js';
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
  const i = report.jids.length;
  report.jids.push(outcome.jid);
  report.values.push(outcome.status === 'done' ? outcome.value : undefined);
  if (outcome.status === 'error') report.errors[i] = outcome.error;
  report.started.push(outcome.started);
  report.finished.push(outcome.finished);
  report.cputime.push(outcome.cputime ?? NaN);
  report.memory.push(outcome.memory ?? NaN);
  if (outcome.stdout) report.stdout[i] = outcome.stdout;
  if (outcome.stderr) report.stderr[i] = outcome.stderr;
}
