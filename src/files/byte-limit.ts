/**
 * The size limit of a file, held while its content streams in: the chunk that passes the limit
 * fails the stream before it reaches a store, so a source of unknown size is refused as soon as
 * it is too large, and the store's write fails whole.
 */
import { Transform, type TransformCallback } from 'node:stream';

export class ByteLimit extends Transform {
  readonly #maxBytes: number;
  readonly #tooLarge: () => Error;
  #count = 0;

  /** `tooLarge` makes the error the stream fails with once more than `maxBytes` have come. */
  constructor(maxBytes: number, tooLarge: () => Error) {
    super();
    this.#maxBytes = maxBytes;
    this.#tooLarge = tooLarge;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#count += chunk.length;
    if (this.#count > this.#maxBytes) return callback(this.#tooLarge());
    callback(null, chunk);
  }
}
