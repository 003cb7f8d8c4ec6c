/**
 * The contract every file store implements (memory, disk, S3, or one a user brings): a small
 * key-value store of byte streams. Names reach a store already checked (see files/file-key.ts);
 * a store never sees a local path, a job, or a size limit (cloud.files holds sources to it).
 */
import type { Readable } from 'node:stream';

/** What a store knows of one stored file. `md5` is the hex MD5 of the content, never an ETag. */
export interface FileStat {
  readonly size: number;
  readonly md5: string;
}

/**
 * A slice of a file in byte offsets, both inclusive (as an HTTP Range header and PiCloud's
 * start_byte/end_byte): `{ start: 0, end: 99 }` is the first 100 bytes. A missing `start` is 0, a
 * missing `end` is the last byte. The slice is clamped to the file: past the end reads nothing.
 */
export interface ByteRange {
  readonly start?: number;
  readonly end?: number;
}

export interface FileStore {
  /** Says which store this is in error messages: "disk store at /srv/files". */
  readonly description: string;
  /**
   * Streams `source` into `name` and measures it. The new version becomes visible whole or not
   * at all: a source that errors leaves the previous version (or no file) in place. Of two
   * writes of one name at once, one whole version stays.
   */
  write(name: string, source: Readable): Promise<FileStat>;
  /** The content, or the slice `range` of it; rejects with a CloudError naming a missing file. */
  read(name: string, range?: ByteRange): Promise<Readable>;
  /** Size and MD5 of `name`, or undefined when there is no such file. */
  stat(name: string): Promise<FileStat | undefined>;
  /** Whether `name` is stored; never reads the content (stat may, to measure an MD5). */
  exists(name: string): Promise<boolean>;
  /** Removes `name`; false when there was no such file. */
  remove(name: string): Promise<boolean>;
  /** Every stored name that starts with `prefix`, in no particular order. */
  list(prefix: string): Promise<string[]>;
  /** Releases connections; the store may not be used afterwards. */
  close?(): Promise<void>;
}

/** Where an S3 store keeps its files, and how it reaches them. */
export interface S3FilesConfig {
  readonly bucket: string;
  /** Prepended verbatim to every name ('team/' for a folder). */
  readonly prefix?: string;
  /** An S3-compatible server instead of AWS, e.g. 'http://127.0.0.1:4568'. */
  readonly endpoint?: string;
  /** Default: AWS_REGION, then AWS_DEFAULT_REGION, then 'us-east-1'. */
  readonly region?: string;
  /** Default: the AWS SDK's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, ...). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Address the bucket in the path (most S3-compatible servers need it); default: true with an endpoint. */
  readonly forcePathStyle?: boolean;
}

/** The `files` configuration value: which store `cloud.files` uses. */
export type FilesConfig = 'memory' | { readonly dir: string } | { readonly s3: S3FilesConfig } | FileStore;
