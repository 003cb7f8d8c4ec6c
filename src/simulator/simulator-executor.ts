/**
 * The executor that runs jobs in the calling thread, in the order the scheduler gives them, one
 * at a time (the simulator's runtime offers a single slot, which a job waiting on others gives
 * back). Jobs go through the same shipping and packing as in a worker, so what fails to ship in
 * production fails here too; breakpoints and stack traces work. It cannot stop code that never
 * yields: stopping the running job drops its outcome and hands the rest of its batch back.
 */
import { cloudService, type Cloud } from '../cloud.js';
import { runBatch } from '../worker/batch-runner.js';
import { yieldSinkOf, type YieldSink } from '../worker/job-yields.js';
import { failedJob } from '../worker/job-execution.js';
import { appendOutcome, emptyReport, type ReportBuilder } from '../worker/outcome-report.js';
import { FunctionCache } from '../shipping/rebuild-function.js';
import type { BatchSpec, Executor, ExecutorEvents } from '../types/executor.js';

/** A batch being run: `next` is the index of the first job not started yet. */
interface BatchRun {
  readonly batch: BatchSpec;
  next: number;
  /** When the job running now started (epoch ms), and how many of the first jobs startedJobs told of. */
  runningAt: number;
  told: number;
  /** Set when the running job was stopped: nothing more of this batch runs or reports. */
  abandoned: boolean;
  /** The report the job ending now writes its outcome into. */
  report: ReportBuilder;
}

export class SimulatorExecutor implements Executor {
  readonly #events: ExecutorEvents;
  readonly #functions: FunctionCache;
  readonly #yields: YieldSink;
  readonly #runs = new Map<number, BatchRun>();
  /** The same runs, each once, until they end. */
  readonly #batches = new Set<BatchRun>();
  #closed = false;

  /** @param cloud what `cloud` means inside a job: the simulating cloud itself */
  constructor(events: ExecutorEvents, cloud: unknown) {
    this.#events = events;
    this.#functions = new FunctionCache(cloud);
    this.#yields = yieldSinkOf({ service: () => cloudService(cloud as Cloud) });
  }

  /** Nothing to connect or spawn: jobs run in this thread. */
  async start(): Promise<void> {}

  run(batch: BatchSpec): void {
    if (this.#closed) return;
    const run: BatchRun = { batch, next: 0, runningAt: 0, told: 0, abandoned: false, report: emptyReport() };
    for (const jid of batch.jids) this.#runs.set(jid, run);
    this.#batches.add(run);
    // Later, not now: `call` resolves with the jid before its job runs, as with workers.
    setImmediate(() => void this.#runBatch(run));
  }

  /** Jobs start in this thread: the run knows which it is on. */
  startedJobs(visit: (jid: number, at: number) => void): void {
    for (const run of this.#batches) {
      for (; run.told < run.next; run.told++) visit(run.batch.jids[run.told]!, run.runningAt);
    }
  }

  stop(jid: number): void {
    const run = this.#runs.get(jid);
    if (!run) return;
    this.#runs.delete(jid);
    // A job not started yet is simply skipped; the running one abandons its batch.
    if (run.batch.jids.indexOf(jid) >= run.next) return;
    run.abandoned = true;
    this.#batches.delete(run);
    const rest = run.batch.jids.slice(run.next).filter((other) => this.#runs.delete(other));
    if (rest.length > 0) this.#events.returned(rest);
  }

  /**
   * No worker to end: the batches not started never run, and the job running now (code in this
   * thread cannot be ended) goes on unheard, its outcome dropped. Resolves at once.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#runs.clear();
    this.#batches.clear();
  }

  /**
   * Never leaves the batch unfinished: should running it fail in a way the batch runner does not
   * absorb, every job of it not yet reported ends 'error', so the single slot is given back and
   * later jobs run.
   */
  async #runBatch(run: BatchRun): Promise<void> {
    try {
      await runBatch(this.#functions, run.batch, {
        shouldRun: (jid) => !run.abandoned && !this.#closed && this.#runs.has(jid),
        starting: (index, at) => {
          run.next = index + 1;
          run.runningAt = at;
        },
        // Each job's outcome in a report of its own, as it ends.
        report: () => (run.report = emptyReport()),
        finished: (jid) => this.#report(run, jid, run.report),
        yields: this.#yields,
      });
    } catch (error) {
      for (const jid of run.batch.jids) {
        const report = emptyReport();
        appendOutcome(report, failedJob(jid, error));
        this.#report(run, jid, report);
      }
    }
    this.#batches.delete(run);
  }

  /** Reports a job's outcome (in `report`), once, unless it was stopped or the executor closed meanwhile. */
  #report(run: BatchRun, jid: number, report: ReportBuilder): void {
    if (run.abandoned || this.#closed || !this.#runs.delete(jid)) return;
    this.#events.finished(report);
  }
}
