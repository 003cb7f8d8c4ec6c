/**
 * A worker process's side of its arrival slot (process-protocol.ts, ARRIVAL_FD): it writes there
 * that a batch arrived, in one positioned write, instead of sending the host a message that would
 * wake it. A slot that cannot be written is given up for good, and the worker says it with the
 * 'started' message again: job code may close the descriptor, and even open a file of its own
 * that takes its number, so each write first checks that the descriptor still holds the slot's
 * key (process-protocol.ts, ARRIVAL_KEY_OFFSET: one 8-byte read, once per batch).
 */
import { readSync, writeSync } from 'node:fs';
import { ARRIVAL_FD, ARRIVAL_KEY_OFFSET, ARRIVAL_RECORD } from '../wire/process-protocol.js';

export class ArrivalSlot {
  readonly #record = new Float64Array(ARRIVAL_RECORD);
  readonly #bytes = new Uint8Array(this.#record.buffer);
  /** Where the key is read into before each write. */
  readonly #keyRead = new Float64Array(1);
  readonly #keyBytes = new Uint8Array(this.#keyRead.buffer);
  /** The slot's key, read as the worker starts; undefined when there is no slot. */
  readonly #key = keyAt(this.#keyRead, this.#keyBytes);
  #usable = this.#key !== undefined;

  /** Writes that the batch `tag` arrived and its first job is taken up at `at`; false if it could not. */
  arrived(tag: number, at: number): boolean {
    if (!this.#usable) return false;
    this.#record[0] = tag;
    this.#record[1] = at;
    this.#record[2] = tag;
    try {
      this.#usable = keyAt(this.#keyRead, this.#keyBytes) === this.#key && writeSync(ARRIVAL_FD, this.#bytes, 0, this.#bytes.length, 0) === this.#bytes.length;
    } catch {
      this.#usable = false;
    }
    return this.#usable;
  }
}

/**
 * The key ARRIVAL_FD holds now (read into `into` through `bytes`, its bytes), or undefined when it
 * holds none: no descriptor, a short file, not a file.
 */
function keyAt(into: Float64Array, bytes: Uint8Array): number | undefined {
  try {
    if (readSync(ARRIVAL_FD, bytes, 0, bytes.length, ARRIVAL_KEY_OFFSET) !== bytes.length) return undefined;
    const key = into[0]!;
    // 0 is no key: a file of zeros (or the slot before the host wrote it) must not pass.
    return key > 0 ? key : undefined;
  } catch {
    return undefined;
  }
}
