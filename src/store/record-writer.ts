/**
 * Writes a runtime's job records to its store off the hot path. New jobs go as lean ranges, or,
 * when every job of a piece of a range is complete by then (a short map's usually are), as their
 * complete records, each written once; changed ones are coalesced (a job that changes several times before its turn is written once,
 * as it is then) and wait COALESCE_MS, so a short job is usually written only when complete.
 * Writing happens in slices: one atomic `write` call each, one at a time, with the event loop
 * free between slices. A slice is filled a chunk at a time while the clock allows: what it took
 * to fill plus what the last write held the event loop for, per unit, stays under
 * SLICE_TARGET_MS (a store synchronous underneath, SQLite, holds it for the whole write; one
 * across a network only to send it). A slice that meets another client's lock is kept and tried
 * again later: nothing is dropped, no error escapes.
 */
import type { JobStore, NewJobs, StoredJob } from '../types/job-store.js';
import { isComplete } from '../types/job-status.js';
import { isBusy } from './store-errors.js';

/** A slice stops taking work once it has held the event loop (and the database) this long. */
export const SLICE_TARGET_MS = 20;
/** A transaction holds at most this many units: one changed record is one unit. */
export const MAX_SLICE_UNITS = 2_048;
/** A queued job written as part of a range costs SQLite about half an update, or less; a complete one added as it is, one unit. */
export const JIDS_PER_UNIT = 2;
/** The slice looks at the clock after each chunk of this many units. */
const CHUNK_UNITS = 64;
/** A changed record waits this long before it is written, so that its next change joins it. */
const COALESCE_MS = 50;
/** While the next piece of a range waits for its jobs to end, how often it is looked at again. */
const HOLD_POLL_MS = 5;
/** After another process's lock outlasted our short wait. */
const BUSY_RETRY_MS = 200;
/** After any other failure (reported once per message). */
const ERROR_RETRY_MS = 1_000;

interface Taken {
  adds: NewJobs[];
  /** Local ids whose records the slice writes (or found gone). */
  locals: number[];
  records: StoredJob[];
  units: number;
}

export class RecordWriter {
  readonly #store: JobStore;
  readonly #recordOf: (local: number) => StoredJob | undefined;
  readonly #localOf: (jid: number) => number | undefined;
  readonly #onError: (error: unknown) => void;
  /** New jobs not written yet, in the order they came. */
  readonly #adds: NewJobs[] = [];
  /** Changed local ids in the order they first changed, and when; `#head` is the next to write. */
  #queue: number[] = [];
  #since: number[] = [];
  #head = 0;
  /** 1 for a local id in the queue and not written since: a second change does not queue it again. */
  #queued = new Uint8Array(1_024);
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  /** True while a slice's write is in flight: the next slice waits for it. */
  #writing = false;
  /** What a write holds the event loop for, per unit, in ms: learned, from a guess that fills a quarter of the bound. */
  #msPerUnit = (4 * SLICE_TARGET_MS) / MAX_SLICE_UNITS;
  /**
   * Since when the next piece of a range has waited for its jobs to end, so as to be written
   * complete: at most COALESCE_MS (as a change waits), and only while jobs are changing (the
   * runtime is at work). Cleared when a piece is taken: each piece waits at most once.
   */
  #heldSince: number | undefined;
  /** Callers of drain() waiting for everything to be written. */
  #drainers: (() => void)[] = [];

  /**
   * @param recordOf a job's record as it is now, or undefined when it is gone (deleted)
   * @param localOf the local id of a jid added here
   */
  constructor(
    store: JobStore,
    recordOf: (local: number) => StoredJob | undefined,
    localOf: (jid: number) => number | undefined,
    onError: (error: unknown) => void,
  ) {
    this.#store = store;
    this.#recordOf = recordOf;
    this.#localOf = localOf;
    this.#onError = onError;
  }

  get pending(): boolean {
    return this.#writing || this.#adds.length > 0 || this.#head < this.#queue.length;
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
    if (this.#writing || this.#timer !== undefined || this.#immediate !== undefined) return;
    if (!this.pending) {
      for (const resolve of this.#drainers.splice(0)) resolve();
      return;
    }
    const now = performance.now();
    if (this.#drainers.length > 0 || (this.#adds.length > 0 && !this.#holding(now))) return this.#reschedule(0);
    this.#reschedule(this.#adds.length > 0 ? HOLD_POLL_MS : Math.max(0, this.#since[this.#head]! + COALESCE_MS - now));
  }

  /** Runs the next slice after `delayMs`, replacing any slice already planned. */
  #reschedule(delayMs: number): void {
    // A write in flight schedules the next slice when it ends.
    if (this.#writing) return;
    clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = this.#immediate = undefined;
    if (delayMs <= 0) this.#immediate = setImmediate(() => void this.#slice());
    else this.#timer = setTimeout(() => void this.#slice(), delayMs);
  }

  /** Never rejects: a failed write puts everything it took back, and is tried again later. */
  async #slice(): Promise<void> {
    this.#timer = this.#immediate = undefined;
    this.#compact();
    const headBefore = this.#head;
    const taken = this.#fill(performance.now());
    if (taken.units === 0) return this.#schedule();
    this.#writing = true;
    try {
      const before = performance.now();
      const written = this.#store.write(taken.adds, taken.records);
      this.#learnCost((performance.now() - before) / taken.units);
      await written;
    } catch (error) {
      // Nothing was written: everything taken goes back where it was (records are taken afresh), to be tried again.
      this.#adds.unshift(...taken.adds.map((jobs) => ({ ...jobs, records: undefined })));
      for (const local of taken.locals) this.#queued[local] = 1;
      this.#head = headBefore;
      this.#writing = false;
      if (!isBusy(error)) this.#onError(error);
      this.#reschedule(isBusy(error) ? BUSY_RETRY_MS : ERROR_RETRY_MS);
      return;
    }
    this.#writing = false;
    this.#schedule();
  }

  /** A dearer write counts at once, a cheaper one half: one cheap slice must not make the next one block. */
  #learnCost(msPerUnit: number): void {
    this.#msPerUnit = Math.max(msPerUnit, (this.#msPerUnit + msPerUnit) / 2);
  }

  /** What the next write carries: chunk after chunk, until the clock or the unit bound says stop. */
  #fill(start: number): Taken {
    const taken: Taken = { adds: [], locals: [], records: [], units: 0 };
    const spent = () => performance.now() - start + taken.units * this.#msPerUnit;
    while (taken.units < MAX_SLICE_UNITS && spent() < SLICE_TARGET_MS) {
      const chunk = Math.min(CHUNK_UNITS, MAX_SLICE_UNITS - taken.units);
      // Room left for the chunk's jids as complete records too, at a unit each.
      const addChunk = Math.min(chunk, Math.floor((MAX_SLICE_UNITS - taken.units) / JIDS_PER_UNIT));
      const adds = this.#adds.length > 0 ? this.#takeAdds(addChunk) : [];
      if (adds.length > 0) {
        if (this.#place(adds, taken, start)) break;
        continue;
      }
      if (this.#adds.length > 0) break;
      // New jobs are written first (a write adds before it saves): a change is saved once its job's row exists.
      const { locals, records } = this.#takeChanged(chunk, start);
      if (locals.length === 0) break;
      taken.locals.push(...locals);
      taken.records.push(...records);
      taken.units += locals.length;
    }
    return taken;
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

  /**
   * Puts pieces of ranges in the slice: with their jobs' complete records when they have ended,
   * else as ranges, unless the next piece may wait for its jobs (then it and the rest go back,
   * and true says the slice takes no more).
   */
  #place(adds: NewJobs[], taken: Taken, now: number): boolean {
    for (const [i, jobs] of adds.entries()) {
      if (!this.#withRecords(jobs, taken)) {
        if (jobs.payloads === undefined && this.#drainers.length === 0 && this.#hold(now)) {
          this.#adds.unshift(...adds.slice(i));
          return true;
        }
        taken.units += Math.ceil(jobs.count / JIDS_PER_UNIT);
      }
      this.#heldSince = undefined;
      taken.adds.push(jobs);
    }
    return false;
  }

  /** True while the next piece may still wait for its jobs; its wait starts at the first look, if jobs are changing. */
  #hold(now: number): boolean {
    if (this.#heldSince === undefined) {
      const lastChange = this.#since.at(-1);
      if (lastChange === undefined || now - lastChange >= COALESCE_MS) return false;
      this.#heldSince = now;
    }
    return this.#holding(now);
  }

  #holding(now: number): boolean {
    return this.#heldSince !== undefined && now < this.#heldSince + COALESCE_MS;
  }

  /**
   * Gives a piece of a range its jobs' records when every one is complete (true): they are then
   * written once, as they are, and their changes are not saved again (unless the write fails).
   */
  #withRecords(jobs: NewJobs, taken: Taken): boolean {
    if (jobs.payloads !== undefined) return false;
    // Jobs tend to end in jid order: the last one is the likeliest to be still running.
    if (!this.#completeRecord(jobs.first + jobs.count - 1)) return false;
    const records: StoredJob[] = [];
    for (let jid = jobs.first; jid < jobs.first + jobs.count; jid++) {
      const record = this.#completeRecord(jid);
      if (record === undefined) return false;
      records.push(record);
    }
    for (const record of records) {
      const local = this.#localOf(record.info.jid)!;
      this.#queued[local] = 0;
      taken.locals.push(local);
    }
    jobs.records = records;
    taken.units += records.length;
    return true;
  }

  /** A job's record when it is complete and its change waits in the queue (so this is what is to be written). */
  #completeRecord(jid: number): StoredJob | undefined {
    const local = this.#localOf(jid);
    if (local === undefined || local >= this.#queued.length || this.#queued[local] !== 1) return undefined;
    const record = this.#recordOf(local);
    return record !== undefined && isComplete(record.info.status) ? record : undefined;
  }

  /** Changed records, oldest first, that waited COALESCE_MS (all of them while draining). */
  #takeChanged(units: number, now: number): { locals: number[]; records: StoredJob[] } {
    const locals: number[] = [];
    const records: StoredJob[] = [];
    const draining = this.#drainers.length > 0;
    while (this.#head < this.#queue.length && locals.length < units) {
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
