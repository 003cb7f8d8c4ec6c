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

/** What a Wait reaches of its Waiters: made once per Waiters, so a wait makes no closures of its own. */
interface WaitContext {
  readonly table: JobTable;
  readonly active: Set<Wait>;
  runs(): WaiterRuns<Wait>;
  register(jid: number, wait: Wait): void;
  unregister(jid: number, wait: Wait): void;
  /** Queues `wait.answer()` for when the current report has been read. */
  answerLater(wait: Wait, any: boolean): void;
  failureOf(jid: number): JobFailure | undefined;
  complete(jids: number[], withResults: boolean): WaitVerdict;
  completeRun(jids: number[], withResults: boolean): WaitVerdict;
}

/**
 * One wait, from its call until it settles. A class, not a set of closures: every `result` and
 * `join` makes one, and a wait made of closures (its settle, its verdict, its answers, its abort
 * listener) allocated about 0.7 KB per lone round trip. It is its own abort listener (handleEvent).
 */
class Wait {
  readonly #context: WaitContext;
  readonly #request: WaitRequest;
  readonly #signal: AbortSignal | undefined;
  readonly #resolve: (verdict: WaitVerdict) => void;
  readonly #inOrder: boolean;
  /** What it is registered on: an in-order wait watches its first job only (what follows is read once it completes). */
  readonly #watched: readonly number[];
  /** Registered as one run (waiter-runs.ts) rather than jid by jid. */
  readonly #asRun: boolean;
  /** A count, not a set: a jid asked twice is registered twice and counted twice. */
  #remaining = 0;
  #registered = false;
  /** An answer is queued (the first queued settles it; later ones would find it settled). */
  #queued = false;
  /** The failure the queued answer tells; undefined: the verdict read when it is answered. */
  #failure: JobFailure | undefined;
  #timer: LongTimer | undefined;

  constructor(context: WaitContext, request: WaitRequest, signal: AbortSignal | undefined, resolve: (verdict: WaitVerdict) => void) {
    this.#context = context;
    this.#request = request;
    this.#signal = signal;
    this.#resolve = resolve;
    this.#inOrder = request.any && request.inOrder === true;
    this.#watched = this.#inOrder ? request.jids.slice(0, 1) : request.jids;
    this.#asRun = WaiterRuns.isRun(this.#watched);
  }

  start(): void {
    const { table, active } = this.#context;
    // Indexed loops over the jids, here and below: a for-of over a list of a million jids
    // allocates an iterator result per jid.
    const watched = this.#watched;
    for (let i = 0; i < watched.length; i++) if (table.status[watched[i]!]! < Code.Done) this.#remaining++;
    active.add(this);
    const now = this.#verdictNow();
    if (now) return this.#settle(now);
    if (this.#asRun) this.#context.runs().add(watched[0]!, watched[0]! + watched.length, this);
    else for (let i = 0; i < watched.length; i++) if (table.status[watched[i]!]! < Code.Done) this.#context.register(watched[i]!, this);
    this.#registered = true;
    const signal = this.#signal;
    if (signal?.aborted) return this.handleEvent();
    signal?.addEventListener('abort', this, { once: true });
    const timeout = this.#request.timeout;
    if (timeout !== undefined) this.#timer = new LongTimer(() => this.#settle({ kind: 'timeout', after: timeout }), timeout);
  }

  /**
   * One of the jobs it waits on completed. Called once per completing job of a big map: it
   * allocates nothing unless it queues its answer.
   */
  completed(jid: number): void {
    this.#remaining--;
    const request = this.#request;
    // An `any` wait answers after the rest of the report that completed its job, once: the
    // complete jobs it reads then are the whole report's, not the first of them only.
    if (request.any) return this.#queue(undefined, true);
    const failure = request.ignoreErrors ? undefined : this.#context.failureOf(jid);
    if (failure) this.#queue(failure, false);
    else if (this.#remaining === 0) this.#queue(undefined, false);
  }

  /** Its queued answer, now that the report that caused it has been read. */
  answer(): void {
    const failure = this.#failure;
    if (failure) return this.#settle({ kind: 'failed', failure });
    const request = this.#request;
    this.#settle(request.any ? this.#verdictNow()! : this.#context.complete(request.jids, request.values));
  }

  /** The runtime is closing: settle now. */
  abandon(): void {
    this.#settle({ kind: 'closed' });
  }

  /** Its signal aborted. */
  handleEvent(): void {
    this.#settle({ kind: 'aborted' });
  }

  #queue(failure: JobFailure | undefined, any: boolean): void {
    if (this.#queued) return;
    this.#queued = true;
    this.#failure = failure;
    this.#context.answerLater(this, any);
  }

  #settle(verdict: WaitVerdict): void {
    const context = this.#context;
    if (!context.active.delete(this)) return;
    this.#timer?.cancel();
    this.#signal?.removeEventListener('abort', this);
    // A wait that ended early (failure, timeout) must not stay on the jobs it no longer waits for.
    const watched = this.#watched;
    if (this.#asRun && this.#registered) context.runs().remove(watched[0]!, watched[0]! + watched.length, this);
    else if (this.#remaining > 0)
      for (let i = 0; i < watched.length; i++) if (context.table.status[watched[i]!]! < Code.Done) context.unregister(watched[i]!, this);
    this.#resolve(verdict);
  }

  #verdictNow(): WaitVerdict | undefined {
    const context = this.#context;
    const table = context.table;
    const request = this.#request;
    const jids = request.jids;
    if (this.#inOrder) return jids.length === 0 || table.status[jids[0]!]! >= Code.Done ? context.completeRun(jids, request.values) : undefined;
    if (request.any) {
      const done = jids.filter((jid) => table.status[jid]! >= Code.Done);
      return done.length > 0 ? context.complete(done, true) : undefined;
    }
    if (!request.ignoreErrors) {
      // Every complete status past done is a failure (job-table.ts): one compare per job.
      for (let i = 0; i < jids.length; i++) if (table.status[jids[i]!]! > Code.Done) return { kind: 'failed', failure: context.failureOf(jids[i]!)! };
    }
    return this.#remaining === 0 ? context.complete(jids, request.values) : undefined;
  }
}

export class Waiters {
  readonly #table: JobTable;
  /** The waiters of each jid, indexed like the table. */
  #byJid: (Wait | Wait[] | undefined)[] = [];
  /** Waiters on a long run of consecutive jids (a map's): registered per block of jids, not per jid. */
  #runs = new WaiterRuns<Wait>();
  readonly #active = new Set<Wait>();
  /** Waits to answer once the current report is read: `any` waits, then the others. */
  #dueAny: Wait[] = [];
  #dueRest: Wait[] = [];
  /** Emptied lists the next `#answerDue` swaps in (see there); undefined while lent out. */
  #spareAny: Wait[] | undefined = [];
  #spareRest: Wait[] | undefined = [];
  #answering = false;
  readonly #context: WaitContext;

  constructor(table: JobTable) {
    this.#table = table;
    this.#context = {
      table,
      active: this.#active,
      runs: () => this.#runs,
      register: (jid, wait) => this.#register(jid, wait),
      unregister: (jid, wait) => this.#unregister(jid, wait),
      answerLater: (wait, any) => this.#answerLater(wait, any),
      failureOf: (jid) => this.failureOf(jid),
      complete: (jids, withResults) => this.#complete(jids, withResults),
      completeRun: (jids, withResults) => this.#completeRun(jids, withResults),
    };
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
    return new Promise((resolve) => new Wait(this.#context, request, signal, resolve).start());
  }

  /** Settles every waiter: the runtime is going away. */
  abandonAll(): void {
    // What the jobs' completions answered already is told first: those waits are not 'closed'.
    this.#answerDue();
    for (const waiter of [...this.#active]) waiter.abandon();
    this.#byJid = [];
    this.#runs = new WaiterRuns();
  }

  /** Queues a wait's answer for when the current report has been read (one microtask for all of them). */
  #answerLater(wait: Wait, any: boolean): void {
    (any ? this.#dueAny : this.#dueRest).push(wait);
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
      for (let i = 0; i < first.length; i++) first[i]!.answer();
      for (let i = 0; i < rest.length; i++) rest[i]!.answer();
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

  #unregister(jid: number, waiter: Wait): void {
    const existing = this.#byJid[jid];
    if (existing === waiter) this.#byJid[jid] = undefined;
    else if (Array.isArray(existing)) this.#byJid[jid] = existing.filter((other) => other !== waiter);
  }

  #register(jid: number, waiter: Wait): void {
    // Grown in doubling steps by its length: a wait on a million jobs registers on each, and
    // writes by index into a sized array cost a fraction of growing it one jid at a time.
    if (jid >= this.#byJid.length) this.#byJid.length = Math.max(2 * this.#byJid.length, jid + 1);
    const existing = this.#byJid[jid];
    if (existing === undefined) this.#byJid[jid] = waiter;
    else if (Array.isArray(existing)) existing.push(waiter);
    else this.#byJid[jid] = [existing, waiter];
  }
}
