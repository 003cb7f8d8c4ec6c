/**
 * What the AWS SDK's errors mean to a cloud.files user: a missing file, a missing bucket, bad or
 * no credentials, a refusal, or an endpoint that cannot be reached.
 */
import { CloudError, errors } from '../errors.js';
import { hasCode } from './file-errors.js';

interface SdkError {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

// What a request that never reached a server fails with.
const UNREACHABLE = ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];

/** True when S3 answered that there is no such object (and not that there is no such bucket). */
export function isMissingObject(error: unknown): boolean {
  const { name, $metadata } = error as SdkError;
  return name === 'NoSuchKey' || name === 'NotFound' || ($metadata?.httpStatusCode === 404 && name !== 'NoSuchBucket');
}

/** True when S3 answered that the range asked starts past the end of the object. */
export function isRangePastEnd(error: unknown): boolean {
  const { name, $metadata } = error as SdkError;
  return name === 'InvalidRange' || $metadata?.httpStatusCode === 416;
}

/** `error`, met `doing` ('reading') `name` on `store`, as the CloudError that says what it means. */
export function s3Failure(error: unknown, doing: string, name: string, store: string): CloudError {
  if (error instanceof CloudError) return error;
  const { name: kind, $metadata } = error as SdkError;
  if (kind === 'NoSuchBucket') return errors.noBucket(store);
  if (kind === 'CredentialsProviderError') return errors.noCredentials(store, error);
  if (kind === 'InvalidAccessKeyId' || kind === 'SignatureDoesNotMatch') return errors.badCredentials(store, error);
  if (kind === 'AccessDenied' || $metadata?.httpStatusCode === 403) return errors.accessDenied(name, store, error);
  if (hasCode(error, ...UNREACHABLE) || kind === 'TimeoutError') return errors.storeUnreachable(store, error, $metadata?.attempts);
  // The SDK says 'UnknownError' of an answer with no S3 error in it: a proxy, or not an S3 server.
  if ((error as Error).message === 'UnknownError' && $metadata?.httpStatusCode) {
    return errors.notS3Answer(doing, name, store, $metadata.httpStatusCode, error);
  }
  return errors.storeFailed(doing, name, store, error);
}
