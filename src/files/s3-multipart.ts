/**
 * One S3 multipart upload to a staging key, whose parts go up a few at a time, and which ends
 * either copied onto its name with its MD5 as metadata, or abandoned: aborted, or its staging
 * object deleted, so that nothing of it stays.
 */
import type { CompletedPart } from '@aws-sdk/client-s3';
import type { S3Connection } from './s3-client.js';

export const PARTS_IN_FLIGHT = 4; // parts uploading at once; with the one filling, the memory an upload holds

export class MultipartUpload {
  readonly #s3: S3Connection;
  readonly #stagingKey: string;
  readonly #uploadId: string;
  readonly #parts: CompletedPart[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;
  #completed = false;

  private constructor(s3: S3Connection, stagingKey: string, uploadId: string) {
    this.#s3 = s3;
    this.#stagingKey = stagingKey;
    this.#uploadId = uploadId;
  }

  static async start(s3: S3Connection, stagingKey: string): Promise<MultipartUpload> {
    const { UploadId } = await s3.client.send(new s3.sdk.CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: stagingKey }));
    return new MultipartUpload(s3, stagingKey, UploadId!);
  }

  /** Starts uploading `body` as the next part; waits while PARTS_IN_FLIGHT are uploading. */
  async add(body: Buffer): Promise<void> {
    this.#throwIfFailed();
    const PartNumber = this.#parts.length + 1;
    const part: CompletedPart = { PartNumber };
    this.#parts.push(part);
    const sending = this.#s3.client
      .send(new this.#s3.sdk.UploadPartCommand({ Bucket: this.#s3.bucket, Key: this.#stagingKey, UploadId: this.#uploadId, PartNumber, Body: body }))
      .then(
        ({ ETag }) => {
          part.ETag = ETag;
        },
        (error: unknown) => {
          this.#failure ??= { error };
        },
      )
      .finally(() => this.#inFlight.delete(sending));
    this.#inFlight.add(sending);
    while (this.#inFlight.size >= PARTS_IN_FLIGHT) await Promise.race(this.#inFlight);
    this.#throwIfFailed();
  }

  /** Completes the upload and copies it onto `key` with `metadata`; the staging object goes. */
  async finishAs(key: string, metadata: Record<string, string>): Promise<void> {
    const { sdk, client, bucket } = this.#s3;
    await Promise.all(this.#inFlight);
    this.#throwIfFailed();
    await client.send(
      new sdk.CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: this.#stagingKey,
        UploadId: this.#uploadId,
        MultipartUpload: { Parts: this.#parts },
      }),
    );
    this.#completed = true;
    // One copy replaces the name's object whole: before it, readers see the previous version.
    await client.send(
      new sdk.CopyObjectCommand({
        Bucket: bucket,
        Key: key,
        CopySource: `${bucket}/${encodeKey(this.#stagingKey)}`,
        Metadata: metadata,
        MetadataDirective: 'REPLACE',
      }),
    );
    await this.abandon();
  }

  /** Leaves nothing of the upload behind; never fails (what it cannot remove, S3 lifecycle rules can). */
  async abandon(): Promise<void> {
    const { sdk, client, bucket } = this.#s3;
    await Promise.all(this.#inFlight);
    const request = { Bucket: bucket, Key: this.#stagingKey };
    const leaving = this.#completed
      ? client.send(new sdk.DeleteObjectCommand(request))
      : client.send(new sdk.AbortMultipartUploadCommand({ ...request, UploadId: this.#uploadId }));
    await leaving.catch(() => {});
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }
}

/** A key as a CopySource header holds it: each part URL-encoded. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
