/**
 * Writes a runtime's job records to its store off the hot path. New jobs go as lean ranges;
 * changed ones are coalesced (a job that changes several times before its turn is written once,
 * as it is then) and wait COALESCE_MS, so a short job is usually written only when complete.
 * Writing happens in slices: one transaction each, sized to take about SLICE_TARGET_MS, with the
 * event loop free between them. A slice that meets another process's lock is kept and tried
 * again later: nothing is dropped, and no error escapes a timer.
 */
import type { JobStore, NewJobs, StoredJob } from '../types/job-store.js';
import { isBusy } from './store-errors.js';

/** A slice aims to hold the event loop (and the database) no longer than this. */
export const SLICE_TARGET_MS = 20;
/** A changed record waits this long before it is written, so that its next change joins it. */
const COALESCE_MS = 50;
/** After another process's lock outlasted our short wait. */
const BUSY_RETRY_MS = 200;
/** After any other failure (reported once per message). */
const ERROR_RETRY_MS = 1_000;
/** Bounds of a slice's size, in units: one changed record is one unit. */
export const MIN_SLICE_UNITS = 64;
export const MAX_SLICE_UNITS = 8_192;
const FIRST_SLICE_UNITS = 1_024;
/** A queued job written as part of a range costs SQLite about a quarter of an update. */
const JIDS_PER_UNIT = 4;

export class RecordWriter {
  readonly #store: JobStore;
  readonly #recordOf: (local: number) => StoredJob | undefined;
  readonly #onError: (error: unknown) => void;
  /** New jobs not written yet, in the order they came. */
  readonly #adds: NewJobs[] = [];
  /** Changed local ids in the order they first changed, and when; `#head` is the next to write. */
  #queue: number[] = [];
  #since: number[] = [];
  #head = 0;
  /** 1 for a local id in the queue and not written since: a second change does not queue it again. */
  #queued = new Uint8Array(1_024);
  #sliceUnits = FIRST_SLICE_UNITS;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  /** Callers of drain() waiting for everything to be written. */
  #drainers: (() => void)[] = [];

  /** @param recordOf a job's record as it is now, or undefined when it is gone (deleted) */
  constructor(store: JobStore, recordOf: (local: number) => StoredJob | undefined, onError: (error: unknown) => void) {
    this.#store = store;
    this.#recordOf = recordOf;
    this.#onError = onError;
  }

  get pending(): boolean {
    return this.#adds.length > 0 || this.#head < this.#queue.length;
  }

  add(jobs: NewJobs): void {
    this.#adds.push(jobs);
    this.#schedule();
  }

  changed(local: number): void {
    if (local >= this.#queued.length) this.#grow(local);
    if (this.#queued[local] === 1) return;
    this.#queued[local] = 1;
    this.#queue.push(local);
    this.#since.push(performance.now());
    this.#schedule();
  }

  /** The job is gone: its record is not written. */
  forget(local: number): void {
    if (local < this.#queued.length) this.#queued[local] = 0;
  }

  /** Resolves once everything accepted so far is written, without waiting to coalesce. */
  drain(): Promise<void> {
    if (!this.pending) return Promise.resolve();
    const drained = new Promise<void>((resolve) => this.#drainers.push(resolve));
    this.#reschedule(0);
    return drained;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#immediate !== undefined) return;
    if (!this.pending) {
      for (const resolve of this.#drainers.splice(0)) resolve();
      return;
    }
    const ready = this.#adds.length > 0 || this.#drainers.length > 0;
    this.#reschedule(ready ? 0 : Math.max(0, this.#since[this.#head]! + COALESCE_MS - performance.now()));
  }

  /** Runs the next slice after `delayMs`, replacing any slice already planned. */
  #reschedule(delayMs: number): void {
    clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = this.#immediate = undefined;
    if (delayMs <= 0) this.#immediate = setImmediate(() => this.#slice());
    else this.#timer = setTimeout(() => this.#slice(), delayMs);
  }

  /** One transaction of at most #sliceUnits units; its time sizes the next one. */
  #slice(): void {
    this.#timer = this.#immediate = undefined;
    this.#compact();
    const start = performance.now();
    const headBefore = this.#head;
    let units = this.#sliceUnits;
    const adds = this.#takeAdds(units);
    units -= adds.reduce((sum, jobs) => sum + Math.ceil(jobs.count / JIDS_PER_UNIT), 0);
    const { locals, records } = this.#takeChanged(Math.max(0, units), start);
    try {
      this.#store.batch(() => {
        for (const jobs of adds) this.#store.add(jobs);
        if (records.length > 0) this.#store.save(records);
      });
    } catch (error) {
      // Nothing was written: everything taken goes back where it was, to be tried again.
      this.#adds.unshift(...adds);
      for (const local of locals) this.#queued[local] = 1;
      this.#head = headBefore;
      if (!isBusy(error)) this.#onError(error);
      this.#reschedule(isBusy(error) ? BUSY_RETRY_MS : ERROR_RETRY_MS);
      return;
    }
    this.#resize(performance.now() - start);
    this.#schedule();
  }

  /** New jobs worth at most `units`; a large range is split, its rest stays first in line. */
  #takeAdds(units: number): NewJobs[] {
    const taken: NewJobs[] = [];
    let jids = units * JIDS_PER_UNIT;
    while (this.#adds.length > 0 && jids > 0) {
      const next = this.#adds[0]!;
      if (next.count <= jids) {
        taken.push(this.#adds.shift()!);
        jids -= next.count;
        continue;
      }
      taken.push({ ...next, count: jids, payloads: next.payloads?.slice(0, jids) });
      this.#adds[0] = { ...next, first: next.first + jids, count: next.count - jids, payloads: next.payloads?.slice(jids) };
      jids = 0;
    }
    return taken;
  }

  /** Changed records, oldest first, that waited COALESCE_MS (all of them while draining). */
  #takeChanged(units: number, now: number): { locals: number[]; records: StoredJob[] } {
    const locals: number[] = [];
    const records: StoredJob[] = [];
    // New jobs are written first: a change is saved only once its job's row exists.
    if (this.#adds.length > 0) return { locals, records };
    const draining = this.#drainers.length > 0;
    while (this.#head < this.#queue.length && records.length < units) {
      if (!draining && this.#since[this.#head]! + COALESCE_MS > now) break;
      const local = this.#queue[this.#head++]!;
      if (this.#queued[local] === 0) continue;
      this.#queued[local] = 0;
      locals.push(local);
      const record = this.#recordOf(local);
      if (record) records.push(record);
    }
    return { locals, records };
  }

  /** Sizes the next slice so that it takes about SLICE_TARGET_MS. */
  #resize(ms: number): void {
    if (ms > SLICE_TARGET_MS) this.#sliceUnits = Math.max(MIN_SLICE_UNITS, Math.floor(this.#sliceUnits * (SLICE_TARGET_MS / ms) * 0.8));
    else if (ms < SLICE_TARGET_MS / 2) this.#sliceUnits = Math.min(MAX_SLICE_UNITS, Math.ceil(this.#sliceUnits * 1.5));
  }

  /** Drops the written part of the queue once it is most of it. */
  #compact(): void {
    if (this.#head < 4_096 || this.#head * 2 < this.#queue.length) return;
    this.#queue = this.#queue.slice(this.#head);
    this.#since = this.#since.slice(this.#head);
    this.#head = 0;
  }

  #grow(local: number): void {
    let size = this.#queued.length;
    while (size <= local) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#queued);
    this.#queued = grown;
  }
}
