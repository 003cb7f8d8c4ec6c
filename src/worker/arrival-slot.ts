/**
 * A worker process's side of its arrival slot (process-protocol.ts, ARRIVAL_FD): it writes there
 * that a batch arrived, in one positioned write, instead of sending the host a message that would
 * wake it. A slot that cannot be written (job code closed the descriptor) is given up for good,
 * and the worker says it with the 'started' message again.
 */
import { writeSync } from 'node:fs';
import { ARRIVAL_FD, ARRIVAL_RECORD } from '../wire/process-protocol.js';

export class ArrivalSlot {
  readonly #record = new Float64Array(ARRIVAL_RECORD);
  readonly #bytes = new Uint8Array(this.#record.buffer);
  #usable = true;

  /** Writes that the batch `tag` arrived and its first job is taken up at `at`; false if it could not. */
  arrived(tag: number, at: number): boolean {
    if (!this.#usable) return false;
    this.#record[0] = tag;
    this.#record[1] = at;
    this.#record[2] = tag;
    try {
      this.#usable = writeSync(ARRIVAL_FD, this.#bytes, 0, this.#bytes.length, 0) === this.#bytes.length;
    } catch {
      this.#usable = false;
    }
    return this.#usable;
  }
}
