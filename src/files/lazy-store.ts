/**
 * A store whose implementation is loaded on first use, so that what a process never uses it never
 * loads: the AWS SDK, for one, is loaded only when an S3 store is first read or written, and never
 * in a worker.
 */
import type { Readable } from 'node:stream';
import type { ByteRange, FileStat, FileStore } from '../types/file-store.js';

export class LazyStore implements FileStore {
  readonly description: string;
  readonly #load: () => Promise<FileStore>;
  #store: Promise<FileStore> | undefined;

  constructor(description: string, load: () => Promise<FileStore>) {
    this.description = description;
    this.#load = load;
  }

  async write(name: string, source: Readable): Promise<FileStat> {
    return (await this.#loaded()).write(name, source);
  }

  async read(name: string, range?: ByteRange): Promise<Readable> {
    return (await this.#loaded()).read(name, range);
  }

  async stat(name: string): Promise<FileStat | undefined> {
    return (await this.#loaded()).stat(name);
  }

  async exists(name: string): Promise<boolean> {
    return (await this.#loaded()).exists(name);
  }

  async remove(name: string): Promise<boolean> {
    return (await this.#loaded()).remove(name);
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.#loaded()).list(prefix);
  }

  /** Closes the store if it was ever loaded; a store never used has nothing to release. */
  async close(): Promise<void> {
    if (this.#store) await (await this.#store).close?.();
  }

  #loaded(): Promise<FileStore> {
    return (this.#store ??= this.#load());
  }
}
