/**
 * `cloud.files`: PiCloud's file store API over any FileStore. It checks every argument where it
 * enters, holds sources to the size limit, moves content as streams (no whole file in memory),
 * and says in every error which call failed. It knows nothing of jobs.
 */
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { errors } from '../errors.js';
import type { ByteRange, FileStore } from '../types/file-store.js';
import { ByteLimit } from './byte-limit.js';
import { checkByteRange } from './byte-range.js';
import { measure } from './content-meter.js';
import { duringCall } from './file-errors.js';
import { checkFileName, checkFilePrefix } from './file-key.js';
import { openExistingLocalFile, openLocalFile, writeLocalFile } from './local-files.js';
import { transfer } from './transfer.js';

export const MAX_FILE_BYTES = 5 * 1024 ** 3; // 5 GB a file, as PiCloud (and one S3 copy)

export interface CloudFilesOptions {
  /** The largest file put or putf accept, in bytes; default and most MAX_FILE_BYTES. */
  readonly maxFileBytes?: number;
}

/** What putf stores: bytes, text (as UTF-8), or a stream of bytes. */
export type FileData = Buffer | Uint8Array | string | Readable;

export class CloudFiles {
  readonly #store: FileStore;
  readonly #maxFileBytes: number;

  constructor(store: FileStore, options: CloudFilesOptions = {}) {
    const max = options.maxFileBytes ?? MAX_FILE_BYTES;
    if (!Number.isSafeInteger(max) || max < 1 || max > MAX_FILE_BYTES) {
      throw errors.badOption('maxFileBytes', max, `a positive integer of bytes, at most ${MAX_FILE_BYTES} (5 GB)`);
    }
    this.#store = store;
    this.#maxFileBytes = max;
  }

  /** The store behind these calls. */
  get store(): FileStore {
    return this.#store;
  }

  /** Stores the local file `path` as `name` (default: the file's base name). */
  put(path: string, name?: string): Promise<void> {
    return this.#call('put', async () => {
      const local = checkPath(path);
      const key = checkFileName(name ?? basename(local));
      const file = await openExistingLocalFile(local);
      await this.#write(key, file.stream, file.size);
    });
  }

  /** Stores `data` as `name`: a Buffer, a Uint8Array, a string (UTF-8) or a Readable of bytes. */
  putf(data: FileData, name: string): Promise<void> {
    return this.#call('putf', async () => {
      const key = checkFileName(name);
      const { stream, size } = sourceOf(data);
      await this.#write(key, stream, size);
    });
  }

  /**
   * Writes `name` to the local file `path` (default: the name's base name, in the working
   * directory), or only its bytes `range.start` to `range.end` (inclusive). The local file keeps
   * its previous content until the whole of the new one has arrived.
   */
  get(name: string, path?: string, range?: ByteRange): Promise<void> {
    return this.#call('get', async () => {
      const key = checkFileName(name);
      const local = path === undefined ? basename(key) : checkPath(path);
      await this.#download(key, local, checkByteRange(range));
    });
  }

  /** The content of `name` as a stream, or of its bytes `range.start` to `range.end` (inclusive). */
  getf(name: string, range?: ByteRange): Promise<Readable> {
    return this.#call('getf', async () => this.#store.read(checkFileName(name), checkByteRange(range)));
  }

  /** Removes `name`; false when there was no such file. */
  delete(name: string): Promise<boolean> {
    return this.#call('delete', async () => this.#store.remove(checkFileName(name)));
  }

  /** The stored names that start with `prefix` (default: all), sorted. */
  list(prefix?: string): Promise<string[]> {
    return this.#call('list', async () => (await this.#store.list(checkFilePrefix(prefix))).sort());
  }

  exists(name: string): Promise<boolean> {
    return this.#call('exists', async () => this.#store.exists(checkFileName(name)));
  }

  /** The hex MD5 of the content of `name` (what md5sum prints). */
  md5(name: string): Promise<string> {
    return this.#call('md5', async () => {
      const key = checkFileName(name);
      const stat = await this.#store.stat(key);
      if (!stat) throw errors.fileMissing(key, this.#store.description);
      return stat.md5;
    });
  }

  /** Puts the local file `path` as `name` unless the store holds the same content; true if it did. */
  syncToCloud(path: string, name?: string): Promise<boolean> {
    return this.#call('syncToCloud', async () => {
      const local = checkPath(path);
      const key = checkFileName(name ?? basename(local));
      const stored = await this.#store.stat(key);
      let file = await openExistingLocalFile(local);
      if (stored && stored.size === file.size) {
        if ((await measure(file.stream)).md5 === stored.md5) return false;
        file = await openExistingLocalFile(local);
      }
      await this.#write(key, file.stream, file.size);
      return true;
    });
  }

  /** Gets `name` into the local file `path` unless that holds the same content; true if it did. */
  syncFromCloud(name: string, path?: string): Promise<boolean> {
    return this.#call('syncFromCloud', async () => {
      const key = checkFileName(name);
      const local = path === undefined ? basename(key) : checkPath(path);
      const stored = await this.#store.stat(key);
      if (!stored) throw errors.fileMissing(key, this.#store.description);
      const file = await openLocalFile(local);
      if (file && file.size === stored.size && (await measure(file.stream)).md5 === stored.md5) return false;
      file?.stream.destroy();
      await this.#download(key, local, undefined);
      return true;
    });
  }

  /** Releases the store's connections (an S3 client's sockets). */
  async close(): Promise<void> {
    await this.#store.close?.();
  }

  async #write(key: string, source: Readable, size: number | undefined): Promise<void> {
    const max = this.#maxFileBytes;
    if (size !== undefined && size > max) {
      source.destroy();
      throw errors.fileTooLarge(key, size, max);
    }
    const limit = new ByteLimit(max, () => errors.fileTooLarge(key, undefined, max));
    await transfer(
      source,
      (input) => this.#store.write(key, input),
      (error) => errors.sourceFailed(key, error),
      limit,
    );
  }

  async #download(key: string, local: string, range: ByteRange | undefined): Promise<void> {
    const source = await this.#store.read(key, range);
    const blame = (error: unknown) => errors.storeFailed('reading', key, this.#store.description, error);
    await transfer(source, (input) => writeLocalFile(local, input), blame);
  }

  async #call<T>(method: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw duringCall(`cloud.files.${method}`, error);
    }
  }
}

function checkPath(path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) throw errors.badLocalPath(path);
  return path;
}

function sourceOf(data: unknown): { stream: Readable; size?: number } {
  if (data instanceof Readable) return { stream: data };
  if (typeof data === 'string') data = Buffer.from(data);
  if (data instanceof Uint8Array) {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return { stream: Readable.from([bytes]), size: bytes.length };
  }
  throw errors.badFileData(data);
}
