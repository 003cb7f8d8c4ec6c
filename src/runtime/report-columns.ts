/**
 * An outcome report's number columns as the scheduler reads them: always Float64Arrays. A short
 * report travels with plain arrays (wire/batch-args.ts, TYPED_FROM), which a clone (postMessage,
 * v8.deserialize) gives back holding a heap number per element; a read site that sees both kinds
 * merges them as tagged values, so every number read from a Float64Array was boxed too: 96 bytes
 * of garbage per job (six reads) in `finished`, over a whole 1M-job map. One kind, no boxing.
 */
import type { OutcomeReport } from '../types/job-outcome.js';

export function withTypedNumbers(report: OutcomeReport): OutcomeReport {
  if (report.started instanceof Float64Array) return report;
  // The constructor copies an array-like directly; Float64Array.from goes through its iterator.
  return {
    ...report,
    started: new Float64Array(report.started),
    finished: new Float64Array(report.finished),
    cputime: new Float64Array(report.cputime),
    memory: new Float64Array(report.memory),
  };
}
