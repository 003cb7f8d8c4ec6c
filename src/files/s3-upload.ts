/**
 * Streaming a file into S3 so that it appears whole or not at all, with the MD5 measured on the
 * way stored as its metadata (a multipart ETag is not an MD5). Content that fits in one part is
 * one PutObject, sent once the source has ended; larger content is a multipart upload to a
 * staging key, copied onto the name when complete (s3-multipart.ts). A failed source sends
 * nothing, or abandons the upload: the name keeps its previous version.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileStat } from '../types/file-store.js';
import { ContentMeter } from './content-meter.js';
import type { S3Connection } from './s3-client.js';
import { MultipartUpload } from './s3-multipart.js';

export const PART_BYTES = 8 * 1024 * 1024; // S3 parts are 5 MiB at least; a 5 GB file is 640 of these
export const MD5_METADATA = 'nimbus-md5'; // x-amz-meta-nimbus-md5

export async function uploadToS3(s3: S3Connection, key: string, stagingKey: string, source: Readable): Promise<FileStat> {
  const meter = new ContentMeter();
  const parts = new PartCutter(PART_BYTES);
  let upload: MultipartUpload | undefined;
  try {
    await pipeline(source, meter, async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) {
        for (const part of parts.cut(chunk)) {
          upload ??= await MultipartUpload.start(s3, stagingKey);
          await upload.add(part);
        }
      }
    });
    const rest = parts.rest();
    const metadata = { [MD5_METADATA]: meter.stat.md5 };
    if (upload) {
      if (rest.length > 0) await upload.add(rest);
      await upload.finishAs(key, metadata);
    } else {
      await s3.client.send(new s3.sdk.PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: rest, ContentLength: rest.length, Metadata: metadata }));
    }
  } catch (error) {
    await upload?.abandon();
    throw error;
  }
  return meter.stat;
}

/** Cuts a stream of chunks into parts of exactly `size` bytes, and what is left at the end. */
class PartCutter {
  readonly #size: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(size: number) {
    this.#size = size;
  }

  *cut(chunk: Buffer): Generator<Buffer> {
    while (this.#pendingBytes + chunk.length >= this.#size) {
      const taken = this.#size - this.#pendingBytes;
      this.#pending.push(chunk.subarray(0, taken));
      chunk = chunk.subarray(taken);
      yield this.rest();
    }
    if (chunk.length > 0) {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
    }
  }

  /** Everything cut off since the last part, as one buffer (copied, so the chunks can go). */
  rest(): Buffer {
    const part = Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingBytes = 0;
    return part;
  }
}
