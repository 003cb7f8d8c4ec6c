/**
 * Waits on jobs in Redis: join, result, iresult and iresultUnordered come down to "tell me when
 * these are complete" (all of them, or any), with the WaitVerdicts of the local runtime's waiters.
 * A wait registers on its jids, then reads their statuses once: jobs complete already answer at
 * once. After that only `done` messages (the jids a script just completed) make it read again,
 * and only those jids. It never polls.
 *
 * Jobs read unfinished and not named by a message since are known open: a later wait does not read
 * them again (iresultUnordered waits again and again on what is left of a big map). A read that a
 * message about the same job overtook is not trusted; a reconnect forgets everything known.
 */
import { errors } from '../errors.js';
import { LongTimer } from '../platform/long-timer.js';
import type { JobResult, WaitRequest, WaitVerdict } from '../types/job-service.js';
import { isComplete, type JobStatus } from '../types/job-status.js';
import { parseJidList } from './redis-keys.js';
import type { RedisRecords } from './redis-records.js';
import { verdictResults } from '../wire/verdict-results.js';
import { unpackValue } from './record-fields.js';
import type { Packed } from '../types/job-outcome.js';

/** What separates a pushed value's jid from its bytes ('|'). */
const VALUE_BAR = 0x7c;

interface Wait {
  /** Jobs of the wait that completed (or may have): read them again. */
  update(jids: number[]): void;
  /** Jobs of the wait a message says ended 'done' (a complete record never changes: nothing to read). */
  done(jids: number[]): void;
  /** A job of the wait ended 'done' with this result (pushed before `done` names it): not read again. */
  value(jid: number, result: JobResult): void;
  settle(verdict: WaitVerdict): void;
}

export class DoneWaits {
  readonly #records: RedisRecords;
  readonly #byJid = new Map<number, Set<Wait>>();
  readonly #active = new Set<Wait>();
  /** Jobs known unfinished: read so, and named by no message since. */
  readonly #open = new Set<number>();
  /** Messages heard so far; `#namedAt` says at which one a job waited on (or being read) was last named. */
  #epoch = 0;
  readonly #namedAt = new Map<number, number>();
  /** Reads in flight, by job. */
  readonly #reading = new Map<number, number>();
  #closed = false;

  constructor(records: RedisRecords) {
    this.#records = records;
  }

  get active(): number {
    return this.#active.size;
  }

  /** A message of the `done` channel: jids complete otherwise than 'done' (read again), then after a '|' those 'done'. */
  heard(message: string): void {
    const epoch = ++this.#epoch;
    const bar = message.indexOf('|');
    const other = this.#touched(parseJidList(bar < 0 ? message : message.slice(0, bar)), epoch);
    const done = bar < 0 ? undefined : this.#touched(parseJidList(message.slice(bar + 1)), epoch);
    for (const [wait, jids] of other) wait.update(jids);
    if (done) for (const [wait, jids] of done) wait.done(jids);
  }

  /** The waits on these jids, just named by message `epoch`, with the jids of each. */
  #touched(named: number[], epoch: number): Map<Wait, number[]> {
    const touched = new Map<Wait, number[]>();
    for (const jid of named) {
      this.#open.delete(jid);
      const waits = this.#byJid.get(jid);
      if (waits || this.#reading.has(jid)) this.#namedAt.set(jid, epoch);
      if (!waits) continue;
      for (const wait of waits) {
        const jids = touched.get(wait);
        if (jids) jids.push(jid);
        else touched.set(wait, [jid]);
      }
    }
    return touched;
  }

  /**
   * A message of the `done:value` channel: a lone job's jid, '|', then its value's bytes. The job
   * ended 'done' (the `done` message naming it comes next): its waits keep the value, so that the
   * one that wants it answers without reading it.
   */
  heardValue(message: Buffer): void {
    const bar = message.indexOf(VALUE_BAR);
    const jid = Number(message.subarray(0, bar).toString());
    const waits = bar < 0 ? undefined : this.#byJid.get(jid);
    if (!waits) return;
    let value: Packed;
    try {
      value = unpackValue(message.subarray(bar + 1));
    } catch {
      // Bytes this client cannot read: its waits read the value from the record, as without a push.
      return;
    }
    for (const wait of waits) wait.value(jid, { ok: true, value });
  }

  /** Messages may have been lost (the subscriber reconnected): every wait reads all its jobs again. */
  rereadAll(): void {
    this.#open.clear();
    const all = new Map<Wait, number[]>();
    for (const [jid, waits] of this.#byJid) for (const wait of waits) (all.get(wait) ?? all.set(wait, []).get(wait)!).push(jid);
    for (const [wait, jids] of all) wait.update(jids);
  }

  /** Every wait ends 'closed', and so does any wait asked from now on. */
  abandonAll(): void {
    this.#closed = true;
    this.#open.clear();
    for (const wait of [...this.#active]) wait.settle({ kind: 'closed' });
  }

  /** Settles when the request is met, a job fails (unless ignored), the timeout passes or `signal` aborts; rejects with errors.unknownJid. */
  wait(request: WaitRequest, signal?: AbortSignal): Promise<WaitVerdict> {
    if (this.#closed) return Promise.resolve({ kind: 'closed' });
    return new Promise((resolve, reject) => {
      const unique = [...new Set(request.jids)];
      /** The jobs not known to be complete: statuses only ever move to complete, so this only shrinks. */
      const unfinished = new Set(unique);
      let timer: LongTimer | undefined;
      let answering = false;
      /**
       * The first read of the statuses is in flight, and whether the timeout passed meanwhile: a
       * timeout shorter than a read of Redis still counts the jobs complete before the wait began.
       */
      let reading = true;
      let timedOut = false;
      /** Results read with the statuses (a wait for values reads both at first): not read again. */
      const known = new Map<number, JobResult>();
      const onAbort = () => wait.settle({ kind: 'aborted' });
      const end = () => {
        this.#active.delete(wait);
        timer?.cancel();
        signal?.removeEventListener('abort', onAbort);
        for (const jid of unique) this.#unregister(jid, wait);
      };
      const wait: Wait = {
        settle: (verdict) => {
          if (!this.#active.has(wait)) return;
          end();
          resolve(verdict);
        },
        update: (jids) => {
          this.#read(jids).then(
            (statuses) => seen(jids, statuses),
            (error: Error) => fail(error),
          );
        },
        done: (jids) => seen(jids, new Array<JobStatus>(jids.length).fill('done')),
        value: (jid, result) => void known.set(jid, result),
      };
      const fail = (error: Error) => {
        if (!this.#active.has(wait)) return;
        end();
        reject(error);
      };
      /** New statuses of some jobs: settle when the request is met (answering reads results, once). */
      const seen = (jids: number[], statuses: (JobStatus | undefined)[]) => {
        if (!this.#active.has(wait) || answering) return;
        let failed: number | undefined;
        for (let i = 0; i < jids.length; i++) {
          const status = statuses[i];
          if (status === undefined) return fail(errors.unknownJid(jids[i]!));
          if (!isComplete(status) || !unfinished.delete(jids[i]!)) continue;
          if (failed === undefined && status !== 'done' && !request.any && !request.ignoreErrors) failed = jids[i];
        }
        if (failed !== undefined) return answer([failed], ([result]) => ({ kind: 'failed', failure: (result as Extract<JobResult, { ok: false }>).failure }));
        if (request.any) {
          const complete = request.jids.filter((jid) => !unfinished.has(jid));
          if (complete.length > 0) answer(complete, (results) => ({ kind: 'complete', jids: complete, results: verdictResults(results) }));
        } else if (unfinished.size === 0) {
          answer(request.values ? request.jids : [], (results) => ({
            kind: 'complete',
            jids: request.jids,
            results: request.values ? verdictResults(results) : undefined,
          }));
        }
      };
      const answer = (jids: number[], verdict: (results: JobResult[]) => WaitVerdict) => {
        answering = true;
        const toRead = jids.filter((jid) => !known.has(jid));
        const settle = () => wait.settle(verdict(jids.map((jid) => known.get(jid)!)));
        if (toRead.length === 0) return settle();
        this.#records.results(toRead).then((results) => {
          const missing = results.findIndex((result) => result === undefined);
          if (missing >= 0) return fail(errors.unknownJid(toRead[missing]!));
          for (const [i, jid] of toRead.entries()) known.set(jid, results[i]!);
          settle();
        }, fail);
      };

      this.#active.add(wait);
      for (const jid of unique) this.#register(jid, wait);
      // Registered first, read second: a job that completes in between is heard, or read complete.
      const toRead = unique.filter((jid) => !this.#open.has(jid));
      const firstSeen = (statuses: (JobStatus | undefined)[]) => {
        const unknown = statuses.findIndex((status) => status === undefined);
        if (unknown >= 0) return fail(errors.unknownJid(toRead[unknown]!));
        // The first failure in the order asked, as the local runtime answers.
        const firstFailure = request.any || request.ignoreErrors ? -1 : statuses.findIndex((status) => isComplete(status!) && status !== 'done');
        if (firstFailure >= 0) return seen([toRead[firstFailure]!], [statuses[firstFailure]]);
        seen(toRead, statuses);
      };
      /** The timeout settles the wait unless a read under way may still meet it (an answer being read settles it). */
      const expire = () => {
        timedOut = true;
        if (!reading && !answering) wait.settle({ kind: 'timeout', after: request.timeout! });
      };
      this.#read(toRead, request.values && !request.any ? known : undefined).then((statuses) => {
        reading = false;
        firstSeen(statuses);
        if (timedOut) expire();
      }, fail);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      if (request.timeout !== undefined && this.#active.has(wait)) {
        timer = new LongTimer(expire, request.timeout);
      }
    });
  }

  /**
   * The statuses of `jids`, remembering those open unless a message about them overtook the read;
   * with `results`, the results of the complete ones too, into it (one read for both).
   */
  async #read(jids: number[], results?: Map<number, JobResult>): Promise<(JobStatus | undefined)[]> {
    const epoch = this.#epoch;
    for (const jid of jids) this.#reading.set(jid, (this.#reading.get(jid) ?? 0) + 1);
    try {
      let statuses: (JobStatus | undefined)[];
      if (results) {
        const read = await this.#records.statusesAndResults(jids);
        statuses = read.statuses;
        for (const [i, result] of read.results.entries()) if (result !== undefined) results.set(jids[i]!, result);
      } else statuses = await this.#records.status(jids);
      for (let i = 0; i < jids.length; i++) {
        const status = statuses[i];
        if (status !== undefined && !isComplete(status) && (this.#namedAt.get(jids[i]!) ?? 0) <= epoch) this.#open.add(jids[i]!);
      }
      return statuses;
    } finally {
      for (const jid of jids) {
        const reads = this.#reading.get(jid)!;
        if (reads > 1) this.#reading.set(jid, reads - 1);
        else {
          this.#reading.delete(jid);
          this.#forget(jid);
        }
      }
    }
  }

  /** A job neither waited on nor being read needs no record of when it was named. */
  #forget(jid: number): void {
    if (!this.#byJid.has(jid) && !this.#reading.has(jid)) this.#namedAt.delete(jid);
  }

  #register(jid: number, wait: Wait): void {
    const waits = this.#byJid.get(jid);
    if (waits) waits.add(wait);
    else this.#byJid.set(jid, new Set([wait]));
  }

  #unregister(jid: number, wait: Wait): void {
    const waits = this.#byJid.get(jid);
    if (!waits) return;
    waits.delete(wait);
    if (waits.size > 0) return;
    this.#byJid.delete(jid);
    this.#forget(jid);
  }
}
