/**
 * The host's side of a worker process's arrival slot (process-protocol.ts, ARRIVAL_FD): a file
 * made for that one process and unlinked at once, so that nothing is left on disk whatever
 * happens to either process; the worker gets its descriptor. Read only when the host needs to
 * know whether a batch arrived: a status is read, or the process died.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARRIVAL_KEY_OFFSET, ARRIVAL_RECORD } from '../../wire/process-protocol.js';

/**
 * Where the file is made: a memory filesystem first, where the worker's write per batch is a copy
 * into a page (on ext4 the same 24-byte write also updates the inode's times through the journal:
 * about 40 us more per lone round trip, measured in turns); the temp directory where there is none.
 */
const ARRIVAL_DIRS = ['/dev/shm', tmpdir()];

export class ArrivalFile {
  /** Undefined when no file could be made (the worker then says so by message), or once closed. */
  #fd: number | undefined;
  readonly #record = new Float64Array(ARRIVAL_RECORD);
  readonly #bytes = new Uint8Array(this.#record.buffer);

  constructor(name: string) {
    for (const dir of ARRIVAL_DIRS) if (this.#make(join(dir, `nimbus-arrival-${name}`))) return;
    // No slot (or one without its key, which the worker will not write): it says so by message.
  }

  /** Makes the slot at `path`, with its key, and unlinks it; false if it could not be made there. */
  #make(path: string): boolean {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'w+', 0o600);
      const key = new Float64Array([1 + Math.floor(Math.random() * 2 ** 52)]);
      writeSync(fd, new Uint8Array(key.buffer), 0, key.byteLength, ARRIVAL_KEY_OFFSET);
    } catch {
      if (fd !== undefined) this.#discard(fd, path);
      return false;
    }
    this.#fd = fd;
    try {
      unlinkSync(path);
    } catch {
      // Where an open file cannot be unlinked, it stays until the system's temp cleaning.
    }
    return true;
  }

  /** A file made without its key: closed and removed, so that the next directory is tried. */
  #discard(fd: number, path: string): void {
    try {
      closeSync(fd);
      unlinkSync(path);
    } catch {
      // Nothing more to do: the next directory is tried either way.
    }
  }

  /** The descriptor the worker is given, while the file is open. */
  get fd(): number | undefined {
    return this.#fd;
  }

  /** When the batch `tag` arrived (epoch ms), or undefined if the worker has not written it (yet). */
  arrivedAt(tag: number): number | undefined {
    if (this.#fd === undefined) return undefined;
    try {
      if (readSync(this.#fd, this.#bytes, 0, this.#bytes.length, 0) !== this.#bytes.length) return undefined;
    } catch {
      return undefined;
    }
    const record = this.#record;
    return record[0] === tag && record[2] === tag ? record[1] : undefined;
  }

  /** Once the process is gone: its descriptor number may be given to another file after this. */
  close(): void {
    const fd = this.#fd;
    if (fd === undefined) return;
    this.#fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // Nothing to do: the descriptor is not ours any more either way.
    }
  }
}
