/**
 * The values generator jobs yield, as they come, for `cloud.stream`: a buffer per job that has
 * yielded, and the readers waiting for more. A reader asks from an index and gets every value
 * from there, so a stream opened late sees every value from the start.
 *
 * Invariant: a job's buffer holds every value its runs yielded, in order, until it is done after
 * one run: its result then is the same array, so the buffer is dropped and a reader takes the
 * rest from the result (one copy of the values, not two). A job that ran more than once (retried)
 * keeps its buffer: its stream is each run's values in turn, its result the last run's.
 */
import type { Packed } from '../types/job-outcome.js';
import type { JobResult } from '../types/job-service.js';
import type { StreamChunk } from '../types/job-stream.js';
import { Code, Flag, isCompleteCode, type JobTable } from './job-table.js';

export class JobStreams {
  readonly #table: JobTable;
  readonly #resultOf: (jid: number) => JobResult;
  readonly #buffers = new Map<number, Packed[]>();
  readonly #readers = new Map<number, (() => void)[]>();

  /** @param resultOf how a complete job ended, as a wait tells it */
  constructor(table: JobTable, resultOf: (jid: number) => JobResult) {
    this.#table = table;
    this.#resultOf = resultOf;
  }

  /** A running job's generator yielded `values` (none when it starts: it is a generator). */
  yielded(jid: number, values: readonly Packed[]): void {
    const t = this.#table;
    // A late word from a run that was stopped, or that failed and waits for its retry.
    if (t.status[jid] !== Code.Processing) return;
    t.flags[jid]! |= Flag.Generator;
    let buffer = this.#buffers.get(jid);
    if (buffer === undefined) this.#buffers.set(jid, (buffer = []));
    for (const value of values) buffer.push(value);
    if (values.length > 0) this.#wake(jid);
  }

  /** The values from `from` on, as soon as there is one, or the end once the job is complete. */
  read(jid: number, from: number): Promise<StreamChunk> {
    const chunk = this.#chunkFrom(jid, from);
    if (chunk !== undefined) return Promise.resolve(chunk);
    return new Promise((resolve) => {
      const readers = this.#readers.get(jid);
      const reader = () => void this.read(jid, from).then(resolve);
      if (readers === undefined) this.#readers.set(jid, [reader]);
      else readers.push(reader);
    });
  }

  /** The job just completed: readers hear the end; a job done after one run keeps its values once, as its result. */
  completed(jid: number): void {
    // Most jobs yield nothing and have no reader: no hash lookup for them.
    if (this.#buffers.size === 0 && this.#readers.size === 0) return;
    const t = this.#table;
    if (t.status[jid] === Code.Done && t.retried[jid] === 0 && t.attempts[jid] === 1) this.#buffers.delete(jid);
    this.#wake(jid);
  }

  /** The job is deleted: its values go with it. */
  forget(jid: number): void {
    this.#buffers.delete(jid);
  }

  #chunkFrom(jid: number, from: number): StreamChunk | undefined {
    const t = this.#table;
    const buffer = this.#buffers.get(jid);
    if (isCompleteCode(t.status[jid]!)) {
      const generator = (t.flags[jid]! & Flag.Generator) !== 0;
      const result = this.#resultOf(jid);
      if (buffer === undefined) return { values: [], end: { result, generator, rest: generator } };
      // The values are the buffer's: the result's own array need not travel again.
      return { values: buffer.slice(from), end: { result: result.ok ? { ok: true, value: undefined } : result, generator, rest: false } };
    }
    return buffer !== undefined && buffer.length > from ? { values: buffer.slice(from) } : undefined;
  }

  #wake(jid: number): void {
    const readers = this.#readers.get(jid);
    if (readers === undefined) return;
    this.#readers.delete(jid);
    for (const reader of readers) reader();
  }
}
