/** Streams the file tests feed and drain: generated content, failing sources, counting sinks. */
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';

const BLOCK = randomBytes(64 * 1024);

/**
 * `size` bytes made on demand (64 KiB chunks), the same for the same `seed`, so that the test
 * can measure what it expects without holding it. `onChunk` hears how much has been produced.
 */
export function generated(size: number, seed = 0, onChunk?: (produced: number) => void): Readable {
  let produced = 0;
  return Readable.from(
    (function* () {
      for (let index = 0; produced < size; index++) {
        const chunk = Buffer.from(BLOCK.subarray(0, Math.min(BLOCK.length, size - produced)));
        chunk.writeUInt32BE(index, 0);
        chunk[4] = seed;
        produced += chunk.length;
        onChunk?.(produced);
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
}

/** MD5 of what generated(size, seed) produces. */
export async function md5OfGenerated(size: number, seed = 0): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of generated(size, seed)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function md5(content: Buffer | string): string {
  return createHash('md5').update(content).digest('hex');
}

/** A source that sends `before` bytes and then fails with `error`. */
export function failingAfter(before: number, error = new Error('the source broke')): Readable {
  const content = generated(before);
  return Readable.from(
    (async function* () {
      yield* content;
      throw error;
    })(),
    { objectMode: false },
  );
}

/** A source that never ends. */
export function endless(): Readable {
  return Readable.from(
    (function* () {
      for (;;) yield BLOCK;
    })(),
    { objectMode: false },
  );
}

/** A sink that keeps only a count, an MD5 and the largest chunk it was handed. */
export class CountingSink extends Writable {
  bytes = 0;
  chunks = 0;
  largestChunk = 0;
  readonly #hash = createHash('md5');
  #md5: string | undefined;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    this.chunks += 1;
    this.largestChunk = Math.max(this.largestChunk, chunk.length);
    this.#hash.update(chunk);
    callback();
  }

  /** The MD5 of everything written; read once the sink has finished. */
  get md5(): string {
    this.#md5 ??= this.#hash.digest('hex');
    return this.#md5;
  }
}

/** All of a stream, for small contents only. */
export async function contentOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
