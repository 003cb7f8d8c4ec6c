/**
 * The runtime's end of the file channel: it answers a job's file calls from the runtime's own
 * store. A write arrives as chunks into a stream that the store consumes as it would any other,
 * so the store's atomicity holds: a write that fails midway leaves the previous version.
 */
import { PassThrough } from 'node:stream';
import type { FileChannel } from '../types/file-channel.js';
import type { FileStat, FileStore } from '../types/file-store.js';

interface OpenWrite {
  readonly stream: PassThrough;
  readonly done: Promise<FileStat>;
}

export class FileChannelHost implements FileChannel {
  readonly #store: FileStore;
  readonly #writes = new Map<number, OpenWrite>();
  #nextToken = 1;

  constructor(store: FileStore) {
    this.#store = store;
  }

  async fileReadChunk(name: string, start: number, maxBytes: number): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.#store.read(name, { start, end: start + maxBytes - 1 })) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  fileStat(name: string): Promise<FileStat | undefined> {
    return this.#store.stat(name);
  }

  fileExists(name: string): Promise<boolean> {
    return this.#store.exists(name);
  }

  fileRemove(name: string): Promise<boolean> {
    return this.#store.remove(name);
  }

  fileList(prefix: string): Promise<string[]> {
    return this.#store.list(prefix);
  }

  async fileWriteOpen(name: string): Promise<number> {
    const token = this.#nextToken++;
    const stream = new PassThrough();
    const done = this.#store.write(name, stream);
    // Observed here so a failed write never goes unhandled before its close is asked for.
    done.catch(() => {});
    this.#writes.set(token, { stream, done });
    return token;
  }

  async fileWriteChunk(token: number, bytes: Uint8Array): Promise<void> {
    const { stream } = this.#writes.get(token)!;
    if (!stream.write(bytes)) await new Promise((resolve) => stream.once('drain', resolve));
  }

  async fileWriteClose(token: number, failed: boolean): Promise<FileStat | undefined> {
    const write = this.#writes.get(token)!;
    this.#writes.delete(token);
    if (failed) {
      write.stream.destroy(new Error('the job stopped writing'));
      await write.done.catch(() => {});
      return undefined;
    }
    write.stream.end();
    return write.done;
  }
}
