/** Builds an OutcomeReport one job at a time, where jobs run; the columns travel as they are. */
import type { JobOutcome, OutcomeReport } from '../types/job-outcome.js';

export function emptyReport(): OutcomeReport {
  return { jids: [], values: [], errors: [], started: [], finished: [], cputime: [], memory: [], stdout: [], stderr: [] };
}

export function appendOutcome(report: OutcomeReport, outcome: JobOutcome): void {
  const i = report.jids.length;
  report.jids.push(outcome.jid);
  report.values.push(outcome.status === 'done' ? outcome.value : undefined);
  if (outcome.status === 'error') report.errors[i] = outcome.error;
  report.started.push(outcome.started);
  report.finished.push(outcome.finished);
  report.cputime.push(outcome.cputime ?? NaN);
  report.memory.push(outcome.memory ?? NaN);
  report.stdout.push(outcome.stdout);
  report.stderr.push(outcome.stderr);
}
