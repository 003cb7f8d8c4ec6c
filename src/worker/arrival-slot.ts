/**
 * A worker process's side of its arrival slot (process-protocol.ts, ARRIVAL_FD): it writes there
 * that a batch arrived, in one positioned write, instead of sending the host a message that would
 * wake it. A slot that cannot be written is given up for good, and the worker says it with the
 * 'started' message again: job code may close the descriptor, and even open a file of its own
 * that takes its number, so each write first checks that the descriptor is still the slot's file
 * (an fstat, about as cheap as the write, once per batch).
 */
import { fstatSync, writeSync } from 'node:fs';
import { ARRIVAL_FD, ARRIVAL_RECORD } from '../wire/process-protocol.js';

export class ArrivalSlot {
  readonly #record = new Float64Array(ARRIVAL_RECORD);
  readonly #bytes = new Uint8Array(this.#record.buffer);
  /** The slot file's identity, read as the worker starts; undefined when there is no slot. */
  readonly #file = fileIdentity();
  #usable = this.#file !== undefined;

  /** Writes that the batch `tag` arrived and its first job is taken up at `at`; false if it could not. */
  arrived(tag: number, at: number): boolean {
    if (!this.#usable) return false;
    this.#record[0] = tag;
    this.#record[1] = at;
    this.#record[2] = tag;
    try {
      this.#usable = fileIdentity() === this.#file && writeSync(ARRIVAL_FD, this.#bytes, 0, this.#bytes.length, 0) === this.#bytes.length;
    } catch {
      this.#usable = false;
    }
    return this.#usable;
  }
}

/** Which file ARRIVAL_FD is now (device and inode), or undefined when it is no open file. */
function fileIdentity(): string | undefined {
  try {
    const stats = fstatSync(ARRIVAL_FD);
    return stats.isFile() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}
