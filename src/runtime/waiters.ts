/**
 * Waits on jobs: join, result, iresult and iresultUnordered all come down to "tell me when these
 * are complete" (all of them, any, or for iresult the first and the run after it). A waiter is
 * registered only on jobs not complete yet (an in-order one on the first only), and is told when
 * each completes; it never polls. It reads the table, never changes it.
 *
 * Waits are answered once the report that completed their jobs has been read (a microtask later),
 * `any` waits first: a view's callbacks (view-hooks.ts follows its jobs with `any` waits) have
 * run by the time a `join` or `result` on the same jobs returns, however few turns those take.
 */
import type { Packed } from '../types/job-outcome.js';
import type { JobFailure, JobResult, VerdictResults, WaitRequest, WaitVerdict } from '../types/job-service.js';
import { Code, type JobTable } from './job-table.js';
import { LongTimer } from '../platform/long-timer.js';
import { WaiterRuns } from './waiter-runs.js';

interface Waiter {
  /** One of the jobs it waits on completed. */
  completed(jid: number): void;
  /** The runtime is closing: settle now. */
  abandon(): void;
}

export class Waiters {
  readonly #table: JobTable;
  /** The waiters of each jid, indexed like the table. */
  #byJid: (Waiter | Waiter[] | undefined)[] = [];
  /** Waiters on a long run of consecutive jids (a map's): registered per block of jids, not per jid. */
  #runs = new WaiterRuns<Waiter>();
  readonly #active = new Set<Waiter>();
  /** Answers due once the current report is read: `any` waits', then the others'. */
  #dueAny: (() => void)[] = [];
  #dueRest: (() => void)[] = [];
  /** Emptied lists the next `#answerDue` swaps in (see there); undefined while lent out. */
  #spareAny: (() => void)[] | undefined = [];
  #spareRest: (() => void)[] | undefined = [];
  #answering = false;

  constructor(table: JobTable) {
    this.#table = table;
  }

  /** The scheduler's completion listener. */
  completed(jid: number): void {
    const waiting = this.#byJid[jid];
    if (waiting !== undefined) {
      this.#byJid[jid] = undefined;
      if (Array.isArray(waiting)) for (const waiter of waiting) waiter.completed(jid);
      else waiting.completed(jid);
    }
    this.#runs.completed(jid);
  }

  /** Settles when the request is met, or a job fails (unless ignored), or the timeout passes, or `signal` aborts. */
  wait(request: WaitRequest, signal?: AbortSignal): Promise<WaitVerdict> {
    return new Promise((resolve) => {
      const t = this.#table;
      const inOrder = request.any && request.inOrder === true;
      // Indexed loops over the jids, here and below: a for-of over a list of a million jids
      // allocates an iterator result per jid where this closure runs unoptimised.
      const jids = request.jids;
      // An in-order wait watches its first job only: what follows it is read once it completes.
      const watched = inOrder ? jids.slice(0, 1) : jids;
      const isComplete = (jid: number) => t.status[jid]! >= Code.Done;
      // A count, not a set: a jid asked twice is registered twice and counted twice.
      let remaining = 0;
      let timer: LongTimer | undefined;
      // Registered as one run (waiter-runs.ts) rather than jid by jid.
      const asRun = WaiterRuns.isRun(watched);
      let registered = false;
      const settle = (verdict: WaitVerdict) => {
        if (!this.#active.delete(waiter)) return;
        timer?.cancel();
        signal?.removeEventListener('abort', onAbort);
        // A wait that ended early (failure, timeout) must not stay on the jobs it no longer waits for.
        if (asRun && registered) this.#runs.remove(watched[0]!, watched[0]! + watched.length, waiter);
        else if (remaining > 0) for (let i = 0; i < watched.length; i++) if (!isComplete(watched[i]!)) this.#unregister(watched[i]!, waiter);
        resolve(verdict);
      };
      const verdictNow = (): WaitVerdict | undefined => {
        if (inOrder) return jids.length === 0 || isComplete(jids[0]!) ? this.#completeRun(jids, request.values) : undefined;
        if (request.any) {
          const complete = request.jids.filter(isComplete);
          return complete.length > 0 ? this.#complete(complete, true) : undefined;
        }
        if (!request.ignoreErrors) {
          // Every complete status past done is a failure (job-table.ts): one compare per job.
          for (let i = 0; i < jids.length; i++) if (t.status[jids[i]!]! > Code.Done) return { kind: 'failed', failure: this.failureOf(jids[i]!)! };
        }
        return remaining === 0 ? this.#complete(request.jids, request.values) : undefined;
      };
      // An `any` wait answers after the rest of the report that completed its job, once: the
      // complete jobs it reads then are the whole report's, not the first of them only.
      let answering = false;
      const answerSoon = () => {
        if (answering) return;
        answering = true;
        this.#answerLater(() => settle(verdictNow()!), true);
      };
      // Called once per completing job: it must capture none of its own locals in a closure, or
      // each call would allocate a context for them (40 bytes per job of a big map).
      const answerFailed = (failure: JobFailure) => this.#answerLater(() => settle({ kind: 'failed', failure }), false);
      const waiter: Waiter = {
        completed: (jid) => {
          remaining--;
          if (request.any) return answerSoon();
          const failure = request.ignoreErrors ? undefined : this.failureOf(jid);
          if (failure) answerFailed(failure);
          else if (remaining === 0) this.#answerLater(() => settle(this.#complete(request.jids, request.values)), false);
        },
        abandon: () => settle({ kind: 'closed' }),
      };
      const onAbort = () => settle({ kind: 'aborted' });
      for (let i = 0; i < watched.length; i++) if (!isComplete(watched[i]!)) remaining++;
      this.#active.add(waiter);
      const now = verdictNow();
      if (now) return settle(now);
      if (asRun) this.#runs.add(watched[0]!, watched[0]! + watched.length, waiter);
      else for (let i = 0; i < watched.length; i++) if (!isComplete(watched[i]!)) this.#register(watched[i]!, waiter);
      registered = true;
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const timeout = request.timeout;
      if (timeout !== undefined) {
        timer = new LongTimer(() => settle({ kind: 'timeout', after: timeout }), timeout);
      }
    });
  }

  /** Settles every waiter: the runtime is going away. */
  abandonAll(): void {
    // What the jobs' completions answered already is told first: those waits are not 'closed'.
    this.#answerDue();
    for (const waiter of [...this.#active]) waiter.abandon();
    this.#byJid = [];
    this.#runs = new WaiterRuns();
  }

  /** Queues an answer for when the current report has been read (one microtask for all of them). */
  #answerLater(answer: () => void, any: boolean): void {
    (any ? this.#dueAny : this.#dueRest).push(answer);
    if (this.#answering) return;
    this.#answering = true;
    queueMicrotask(this.#answerDue);
  }

  readonly #answerDue = (): void => {
    const first = this.#dueAny;
    const rest = this.#dueRest;
    // Answers queued by these answers go to the spare lists; these become the spares once read
    // (two lists made and dropped per lone round trip otherwise).
    this.#dueAny = this.#spareAny ?? [];
    this.#dueRest = this.#spareRest ?? [];
    this.#spareAny = this.#spareRest = undefined;
    this.#answering = false;
    try {
      for (let i = 0; i < first.length; i++) first[i]!();
      for (let i = 0; i < rest.length; i++) rest[i]!();
    } finally {
      first.length = 0;
      rest.length = 0;
      this.#spareAny = first;
      this.#spareRest = rest;
    }
  };

  failureOf(jid: number): JobFailure | undefined {
    const code = this.#table.status[jid]!;
    if (code === Code.Error) return { jid, status: 'error', error: this.#table.error[jid] };
    if (code === Code.Killed) return { jid, status: 'killed', error: undefined };
    if (code === Code.Stalled) return { jid, status: 'stalled', error: this.#table.error[jid] };
    return undefined;
  }

  #complete(jids: number[], withResults: boolean): WaitVerdict {
    return { kind: 'complete', jids, results: withResults ? this.#resultsOf(jids) : undefined };
  }

  /** The complete jobs' results as columns: a value per job, and the failures by index (no object per job). */
  #resultsOf(jids: number[]): VerdictResults {
    if (WaiterRuns.isRun(jids)) return this.#runResults(jids[0]!, jids.length);
    const t = this.#table;
    const values = new Array<Packed>(jids.length);
    let failures: Map<number, JobFailure> | undefined;
    for (let i = 0; i < jids.length; i++) {
      const jid = jids[i]!;
      const failure = t.status[jid] === Code.Done ? undefined : this.failureOf(jid);
      if (failure) (failures ??= new Map()).set(i, failure);
      else values[i] = t.value[jid];
    }
    return { values, failures };
  }

  /** A run of complete jobs' results: their values copied at once, the failures found by a pass over their statuses. */
  #runResults(first: number, count: number): VerdictResults {
    const t = this.#table;
    const values = t.value.slice(first, first + count);
    let failures: Map<number, JobFailure> | undefined;
    for (let i = 0; i < count; i++) {
      const failure = t.status[first + i]! === Code.Done ? undefined : this.failureOf(first + i);
      if (failure === undefined) continue;
      (failures ??= new Map()).set(i, failure);
      values[i] = undefined;
    }
    return { values, failures };
  }

  /** The jobs complete from the first of `jids` on, in order, up to the first that is not. */
  #completeRun(jids: number[], withResults: boolean): WaitVerdict {
    const t = this.#table;
    let end = 0;
    while (end < jids.length && t.status[jids[end]!]! >= Code.Done) end++;
    return this.#complete(end === jids.length ? jids : jids.slice(0, end), withResults);
  }

  resultOf(jid: number): JobResult {
    const failure = this.failureOf(jid);
    return failure ? { ok: false, failure } : { ok: true, value: this.#table.value[jid] };
  }

  #unregister(jid: number, waiter: Waiter): void {
    const existing = this.#byJid[jid];
    if (existing === waiter) this.#byJid[jid] = undefined;
    else if (Array.isArray(existing)) this.#byJid[jid] = existing.filter((other) => other !== waiter);
  }

  #register(jid: number, waiter: Waiter): void {
    // Grown in doubling steps by its length: a wait on a million jobs registers on each, and
    // writes by index into a sized array cost a fraction of growing it one jid at a time.
    if (jid >= this.#byJid.length) this.#byJid.length = Math.max(2 * this.#byJid.length, jid + 1);
    const existing = this.#byJid[jid];
    if (existing === undefined) this.#byJid[jid] = waiter;
    else if (Array.isArray(existing)) existing.push(waiter);
    else this.#byJid[jid] = [existing, waiter];
  }
}
