/**
 * An outcome report's number columns as the scheduler reads them: always Float64Arrays. A short
 * report travels with plain arrays (wire/batch-args.ts, TYPED_FROM), which a clone (postMessage,
 * v8.deserialize) gives back holding a heap number per element; a read site that sees both kinds
 * merges them as tagged values, so every number read from a Float64Array was boxed too: 96 bytes
 * of garbage per job (six reads) in `finished`, over a whole 1M-job map. One kind, no boxing.
 *
 * A short report's numbers are copied into scratch columns kept from one report to the next, not
 * into four new Float64Arrays (each an ArrayBuffer with its backing store: most of a lone job's
 * round trip's garbage on the host, beside a copy of the report object). The columns may be
 * longer than the report: a reader goes by the report's jids. While one report is being read the
 * scratch is lent out; a report read meanwhile (a completion whose listener leads to another report
 * at once) gets columns of its own, so nothing it reads is overwritten under it.
 */
import type { OutcomeReport } from '../types/job-outcome.js';

/** The number columns of one report, as Float64Arrays. */
export interface TypedNumbers {
  started: Float64Array;
  finished: Float64Array;
  cputime: Float64Array;
  memory: Float64Array;
}

/** Scratch columns start this long: a lone job's report and most short ones fit without growing. */
const INITIAL_SCRATCH = 16;

export class ReportColumns {
  readonly #scratch: TypedNumbers = {
    started: new Float64Array(INITIAL_SCRATCH),
    finished: new Float64Array(INITIAL_SCRATCH),
    cputime: new Float64Array(INITIAL_SCRATCH),
    memory: new Float64Array(INITIAL_SCRATCH),
  };
  #lent = false;

  /**
   * The report's number columns, typed; valid until `release` (call it in a finally). Columns
   * that are Float64Arrays already are given as they are.
   */
  read(report: OutcomeReport): TypedNumbers {
    if (report.started instanceof Float64Array) return report as OutcomeReport & TypedNumbers;
    if (this.#lent) return fresh(report);
    this.#lent = true;
    const scratch = this.#scratch;
    const length = report.jids.length;
    if (scratch.started.length < length) grow(scratch, length);
    scratch.started.set(report.started);
    scratch.finished.set(report.finished);
    scratch.cputime.set(report.cputime);
    scratch.memory.set(report.memory);
    return scratch;
  }

  /** Ends the loan `read` made, if it lent the scratch columns. */
  release(columns: TypedNumbers): void {
    if (columns === this.#scratch) this.#lent = false;
  }
}

function fresh(report: OutcomeReport): TypedNumbers {
  // The constructor copies an array-like directly; Float64Array.from goes through its iterator.
  return {
    started: new Float64Array(report.started),
    finished: new Float64Array(report.finished),
    cputime: new Float64Array(report.cputime),
    memory: new Float64Array(report.memory),
  };
}

function grow(scratch: TypedNumbers, length: number): void {
  const size = Math.max(length, scratch.started.length * 2);
  scratch.started = new Float64Array(size);
  scratch.finished = new Float64Array(size);
  scratch.cputime = new Float64Array(size);
  scratch.memory = new Float64Array(size);
}
