/**
 * Size and MD5 of content measured while it streams through, so that no store ever holds a whole
 * file to learn them.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { FileStat } from '../types/file-store.js';

export class ContentMeter extends Transform {
  readonly #hash = createHash('md5');
  #size = 0;
  #md5: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#size += chunk.length;
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#md5 = this.#hash.digest('hex');
    callback();
  }

  /** Size and MD5 of everything that passed; known once the last chunk has (before 'end'). */
  get stat(): FileStat {
    if (this.#md5 === undefined) throw new Error('ContentMeter.stat read before the stream ended');
    return { size: this.#size, md5: this.#md5 };
  }
}

/** Size and MD5 of all of `source`, read to its end. */
export async function measure(source: Readable): Promise<FileStat> {
  const hash = createHash('md5');
  let size = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, md5: hash.digest('hex') };
}
