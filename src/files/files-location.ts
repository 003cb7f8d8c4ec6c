/**
 * A file store named by one word, as a command line or an environment variable gives it:
 * `s3://bucket/prefix` for an S3 store, anything else a directory.
 */
import { errors } from '../errors.js';
import type { FilesConfig, S3FilesConfig } from '../types/file-store.js';

const S3_SCHEME = 's3://';

/**
 * @param location a directory, or `s3://bucket/prefix` (the prefix as it is, '' when absent)
 * @param s3Endpoint an S3-compatible server instead of AWS, for an S3 location
 */
export function filesConfigOf(location: string, s3Endpoint?: string): FilesConfig {
  if (!location.startsWith(S3_SCHEME)) {
    if (s3Endpoint !== undefined) throw errors.badOption('the S3 endpoint', s3Endpoint, 'given only with files on S3 (s3://bucket/prefix)');
    if (location === '') throw errors.badOption('files', location, "a directory or 's3://bucket/prefix'");
    return { dir: location };
  }
  const rest = location.slice(S3_SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1);
  if (bucket === '') throw errors.badOption('files', location, "'s3://bucket/prefix' with a bucket");
  const s3: S3FilesConfig = { bucket, ...(prefix === '' ? {} : { prefix }), ...(s3Endpoint === undefined ? {} : { endpoint: s3Endpoint }) };
  return { s3 };
}
