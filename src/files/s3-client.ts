/**
 * The S3 client an S3 store talks through, loaded on first use (the AWS SDK takes a tenth of a
 * second to import), and the policy that keeps an unreachable endpoint from hanging a call: a
 * bounded number of attempts, each with a connection timeout and a socket idle timeout.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3FilesConfig } from '../types/file-store.js';

export const S3_MAX_ATTEMPTS = 3; // the first try and two retries, after the SDK's jittered backoff
export const S3_CONNECT_TIMEOUT_MS = 2_000;
export const S3_IDLE_TIMEOUT_MS = 30_000; // a transfer whose socket is silent this long fails (and is retried)

export type S3Sdk = typeof import('@aws-sdk/client-s3');

/** What an S3 store sends through: the SDK's commands, a client, and the bucket. */
export interface S3Connection {
  readonly sdk: S3Sdk;
  readonly client: S3Client;
  readonly bucket: string;
}

export async function connectS3(config: S3FilesConfig): Promise<S3Connection> {
  const sdk = await import('@aws-sdk/client-s3');
  const client = new sdk.S3Client({
    region: config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    // A copy: the SDK writes into the credentials object it is given.
    ...(config.credentials === undefined ? {} : { credentials: { ...config.credentials } }),
    forcePathStyle: config.forcePathStyle ?? config.endpoint !== undefined,
    maxAttempts: S3_MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: S3_CONNECT_TIMEOUT_MS, socketTimeout: S3_IDLE_TIMEOUT_MS },
    // The stores measure every MD5 themselves. Checksums only when S3 requires them keeps each
    // upload a plain request that S3-compatible servers (s3rver, older MinIO) accept.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return { sdk, client, bucket: config.bucket };
}

/** How error messages name an S3 store: "S3 store s3://bucket/prefix at http://127.0.0.1:4568". */
