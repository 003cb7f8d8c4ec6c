/**
 * Large captured data handed to worker processes through files in memory, instead of through each
 * process's data channel: the host writes an entry's blob once, to a file named by its hash in a
 * directory of this executor's own (in /dev/shm, else the system's temp dir), and a batch carries
 * only the path; each process reads and checks it on its own time (worker-functions.ts). Pushed
 * through the channels, the blob was serialized again on the host's main thread for every process.
 *
 * A file is held by the batches that were sent its path until they end (by then their process has
 * read it, or died), then lingers a moment for the next process that may need it, then goes. The
 * directory goes when the executor closes, or the host process exits or is ended by a signal
 * (platform/exit-cleanup.ts). A file that cannot be written (a full /dev/shm: Docker gives it
 * 64 MB) is no error: the batch carries the bytes through the channel, as for small data.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepAtExit, removeAtExit, sweepOrphans } from '../../platform/exit-cleanup.js';
import type { DataFile } from '../../types/wire-function.js';
import { sealOf } from '../../wire/data-file-seal.js';

/** Where files live in memory on Linux; elsewhere, the system's temp dir. */
const SHARED_MEMORY_DIR = '/dev/shm';
/** A directory's name: this prefix, then the pid of the host that made it (what sweepOrphans reads). */
const DIR_PREFIX = 'nimbus-data-';
/**
 * How long a file nobody holds is kept: the batches of a map reach the processes one after
 * another, and writing the blob again for each would cost the main thread what the file saves.
 */
const LINGER_MS = 2_000;

interface Written {
  readonly file: DataFile;
  /** Batches sent its path that have not ended. */
  holders: number;
  linger: NodeJS.Timeout | undefined;
}

export class DataFiles {
  #dir: string | undefined;
  readonly #files = new Map<string, Written>();
  #closed = false;

  /**
   * A file holding `bytes`, named by `hash` (written now unless it is there), held until a
   * `release(hash)`; undefined when it cannot be written: send the bytes instead.
   */
  lend(hash: string, bytes: Uint8Array): DataFile | undefined {
    if (this.#closed) return undefined;
    let written = this.#files.get(hash);
    if (!written) {
      const file = this.#write(hash, bytes);
      if (file === undefined) return undefined;
      written = { file, holders: 0, linger: undefined };
      this.#files.set(hash, written);
    }
    clearTimeout(written.linger);
    written.linger = undefined;
    written.holders++;
    return written.file;
  }

  /** A batch that was lent the file of `hash` ended. */
  release(hash: string): void {
    const file = this.#files.get(hash);
    if (!file || --file.holders > 0) return;
    file.linger = setTimeout(() => this.#remove(hash, file), LINGER_MS);
    file.linger.unref();
  }

  /** Removes every file and the directory: no process of this executor reads them any more. */
  close(): void {
    this.#closed = true;
    for (const { linger } of this.#files.values()) clearTimeout(linger);
    this.#files.clear();
    if (this.#dir === undefined) return;
    rmSync(this.#dir, { recursive: true, force: true });
    keepAtExit(this.#dir);
    this.#dir = undefined;
  }

  /** The directory the files are in, while it exists (tests look into it). */
  get directory(): string | undefined {
    return this.#dir;
  }

  #write(hash: string, bytes: Uint8Array): DataFile | undefined {
    let path: string | undefined;
    try {
      path = join(this.#directory(), hash);
      // Read-only: a job's stray write is refused; a deliberate one changes the seal.
      writeFileSync(path, bytes, { mode: 0o400 });
      return { path, seal: sealOf(statSync(path, { bigint: true })) };
    } catch {
      // A partial file must not stay to fill the memory it ran out of.
      if (path !== undefined) rmSync(path, { force: true });
      return undefined;
    }
  }

  #directory(): string {
    if (this.#dir === undefined) {
      const base = existsSync(SHARED_MEMORY_DIR) ? SHARED_MEMORY_DIR : tmpdir();
      sweepOrphans(base, DIR_PREFIX);
      this.#dir = mkdtempSync(join(base, `${DIR_PREFIX}${process.pid}-`));
      removeAtExit(this.#dir);
    }
    return this.#dir;
  }

  #remove(hash: string, written: Written): void {
    if (this.#files.get(hash) !== written || written.holders > 0) return;
    this.#files.delete(hash);
    rmSync(written.file.path, { force: true });
  }
}
