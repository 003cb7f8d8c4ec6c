/**
 * The file store a job sees in a worker: every call goes over the file channel to the runtime's
 * own store, a chunk at a time. The job's CloudFiles checks names and sizes before they get here,
 * as in the user's thread.
 */
import { Readable } from 'node:stream';
import type { FileChannel } from '../types/file-channel.js';
import type { ByteRange, FileStat, FileStore } from '../types/file-store.js';

/** Bytes per call: large enough that a call's cost is small beside its copy, small enough for flat memory. */
const CHUNK_BYTES = 1024 * 1024;

export class RoutedFileStore implements FileStore {
  readonly description = "the runtime's file store";
  readonly #channel: FileChannel;

  constructor(channel: FileChannel) {
    this.#channel = channel;
  }

  async write(name: string, source: Readable): Promise<FileStat> {
    const token = await this.#channel.fileWriteOpen(name);
    try {
      for await (const chunk of source) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
        for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
          await this.#channel.fileWriteChunk(token, bytes.subarray(offset, offset + CHUNK_BYTES));
        }
      }
    } catch (error) {
      await this.#channel.fileWriteClose(token, true);
      throw error;
    }
    return (await this.#channel.fileWriteClose(token, false))!;
  }

  async read(name: string, range?: ByteRange): Promise<Readable> {
    const channel = this.#channel;
    const end = range?.end ?? Infinity;
    let position = range?.start ?? 0;
    // The first chunk is read before the stream exists, so a missing file rejects here.
    let next: Uint8Array | undefined = await channel.fileReadChunk(name, position, Math.min(CHUNK_BYTES, end - position + 1));
    async function* chunks(): AsyncGenerator<Uint8Array> {
      while (next && next.length > 0) {
        yield next;
        position += next.length;
        next = position > end ? undefined : await channel.fileReadChunk(name, position, Math.min(CHUNK_BYTES, end - position + 1));
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  stat(name: string): Promise<FileStat | undefined> {
    return this.#channel.fileStat(name);
  }

  exists(name: string): Promise<boolean> {
    return this.#channel.fileExists(name);
  }

  remove(name: string): Promise<boolean> {
    return this.#channel.fileRemove(name);
  }

  list(prefix: string): Promise<string[]> {
    return this.#channel.fileList(prefix);
  }
}
