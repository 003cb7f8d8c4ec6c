/**
 * The S3 store: each name is the object prefix + name in one bucket, with its MD5 as metadata
 * (s3-upload.ts). Objects other tools wrote, without that metadata, have their MD5 measured by
 * reading them. Objects under prefix + '.nimbus/' are the store's own (staging uploads).
 */
import { errors } from '../errors.js';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { GetObjectCommandOutput, HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import type { ByteRange, FileStat, FileStore, S3FilesConfig } from '../types/file-store.js';
import { cutToRange, httpRange } from './byte-range.js';
import { measure } from './content-meter.js';
import { RESERVED_PART, isReservedName } from './file-key.js';
import { connectS3, type S3Connection } from './s3-client.js';
import { describeS3 } from './s3-description.js';
import { isMissingObject, isRangePastEnd, s3Failure } from './s3-errors.js';
import { MD5_METADATA, uploadToS3 } from './s3-upload.js';

export class S3Store implements FileStore {
  readonly description: string;
  readonly #config: S3FilesConfig;
  readonly #prefix: string;
  #connection: Promise<S3Connection> | undefined;

  constructor(config: S3FilesConfig) {
    this.#config = config;
    this.#prefix = config.prefix ?? '';
    this.description = describeS3(config);
  }

  async write(name: string, source: Readable): Promise<FileStat> {
    const s3 = await this.#connect();
    const staging = `${this.#prefix}${RESERVED_PART}/staging/${randomUUID()}`;
    try {
      return await uploadToS3(s3, this.#prefix + name, staging, source);
    } catch (error) {
      throw s3Failure(error, 'writing', name, this.description);
    }
  }

  async read(name: string, range?: ByteRange): Promise<Readable> {
    const asked = httpRange(range);
    const output = await this.#get(name, asked);
    if (!output) return Readable.from([]);
    const body = output.Body as Readable;
    return asked ? cutToRange(body, range!, firstServedByte(output)) : body;
  }

  async stat(name: string): Promise<FileStat | undefined> {
    const head = await this.#head(name);
    if (!head) return undefined;
    const md5 = head.Metadata?.[MD5_METADATA];
    if (md5 !== undefined) return { size: head.ContentLength ?? 0, md5 };
    try {
      return await measure(await this.read(name));
    } catch (error) {
      throw s3Failure(error, 'reading', name, this.description);
    }
  }

  async exists(name: string): Promise<boolean> {
    return (await this.#head(name)) !== undefined;
  }

  async remove(name: string): Promise<boolean> {
    if (!(await this.#head(name))) return false;
    const s3 = await this.#connect();
    try {
      await s3.client.send(new s3.sdk.DeleteObjectCommand({ Bucket: s3.bucket, Key: this.#prefix + name }));
    } catch (error) {
      throw s3Failure(error, 'removing', name, this.description);
    }
    return true;
  }

  async list(prefix: string): Promise<string[]> {
    const s3 = await this.#connect();
    const names: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.client
        .send(new s3.sdk.ListObjectsV2Command({ Bucket: s3.bucket, Prefix: this.#prefix + prefix, ContinuationToken }))
        .catch((error: unknown) => {
          throw s3Failure(error, 'listing the names that start with', prefix, this.description);
        });
      for (const { Key } of page.Contents ?? []) {
        const name = Key!.slice(this.#prefix.length);
        if (!isReservedName(name)) names.push(name);
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return names;
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    (await connection?.catch(() => undefined))?.client.destroy();
  }

  async #head(name: string): Promise<HeadObjectCommandOutput | undefined> {
    const s3 = await this.#connect();
    try {
      return await s3.client.send(new s3.sdk.HeadObjectCommand({ Bucket: s3.bucket, Key: this.#prefix + name }));
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw s3Failure(error, 'reading', name, this.description);
    }
  }

  /** The object, or undefined when the range `Range` starts past its end; a missing one is a CloudError. */
  async #get(name: string, Range: string | undefined): Promise<GetObjectCommandOutput | undefined> {
    const s3 = await this.#connect();
    try {
      return await s3.client.send(new s3.sdk.GetObjectCommand({ Bucket: s3.bucket, Key: this.#prefix + name, Range }));
    } catch (error) {
      if (isMissingObject(error)) throw errors.fileMissing(name, this.description);
      if (isRangePastEnd(error)) return undefined;
      throw s3Failure(error, 'reading', name, this.description);
    }
  }

  #connect(): Promise<S3Connection> {
    this.#connection ??= connectS3(this.#config);
    return this.#connection;
  }
}

/** The offset of the first byte a GetObject answer holds: its Content-Range start, or 0. */
function firstServedByte(output: GetObjectCommandOutput): number {
  const match = /^bytes (\d+)-/.exec(output.ContentRange ?? '');
  return match ? Number(match[1]) : 0;
}
