/**
 * Builds an OutcomeReport one job at a time, where jobs run. A report crosses a thread or process
 * boundary one way only: as an outcomes tuple (wire/process-tuples.ts outcomesTuple); the
 * simulator reads one where it was built.
 */
import type { JobOutcome, Packed, OutcomeReport, RemoteError } from '../types/job-outcome.js';

/**
 * A report being built: every column a plain array. One made for a batch (emptyReport's
 * capacity) may have dense columns longer than its jobs: it travels as an outcomes tuple, which
 * reads only its jobs' entries. One made with no capacity has columns exactly as long as its jobs.
 */
export interface ReportBuilder extends OutcomeReport {
  jids: number[];
  started: number[];
  finished: number[];
  cputime: number[];
  memory: number[];
}

/**
 * A report with no job yet.
 * @param capacity how many jobs it will likely hold (its batch's length): its dense columns are
 * made that long at once and written by index, instead of growing by copies as jobs append (about
 * 170 bytes per trivial job, and their copying). `jids` still grows: its length is the count of
 * jobs, and an outcomes tuple reads the other columns that far.
 */
export function emptyReport(capacity = 0): ReportBuilder {
  return {
    jids: [],
    values: new Array<Packed>(capacity),
    errors: [],
    started: numbers(capacity),
    finished: numbers(capacity),
    cputime: numbers(capacity),
    memory: numbers(capacity),
    stdout: [],
    stderr: [],
  };
}

/** A list of doubles (its contents any) that numbers(n) copies from, and the longest it grows to. */
let doubles: number[] = [NaN];
const MOST_DOUBLES = 1 << 16;

/**
 * An array of `capacity` doubles to overwrite: a copy of part of a list of doubles is made as one
 * directly, where `new Array(capacity)` makes a list of small integers that its first double
 * written makes v8 allocate and copy again.
 */
function numbers(capacity: number): number[] {
  if (capacity === 0) return [];
  // A lone job's batch (the common one-job case): a literal, with no call to slice.
  if (capacity === 1) return [NaN];
  if (capacity > MOST_DOUBLES) return new Array<number>(capacity);
  if (doubles.length < capacity) doubles = Array.from({ length: capacity }, () => NaN);
  return doubles.slice(0, capacity);
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
