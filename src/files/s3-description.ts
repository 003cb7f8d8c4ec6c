/** How an S3 store is named in messages, known before its client (the AWS SDK) is loaded. */
import type { S3FilesConfig } from '../types/file-store.js';

export function describeS3(config: S3FilesConfig): string {
  return `S3 store s3://${config.bucket}/${config.prefix ?? ''}${config.endpoint ? ` at ${config.endpoint}` : ''}`;
}
