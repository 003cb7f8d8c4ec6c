/**
 * Every message cloud.files can raise, in one table (to merge into src/errors.ts when it suits).
 * Each names the file or path at fault and the rule or the cause; `duringCall` adds which call
 * of cloud.files it was, once, where the call ends.
 */
import { CloudError, show } from '../errors.js';

const MB = 1024 * 1024;

export const fileErrors = {
  badName: (name: unknown, rule: string) => new CloudError(`bad file name ${show(name)}: ${rule}`),
  badPrefix: (prefix: unknown, rule: string) => new CloudError(`bad prefix ${show(prefix)}: ${rule}`),
  badPath: (path: unknown) => new CloudError(`the local path must be a non-empty string, got ${show(path)}`),
  badData: (data: unknown) =>
    new CloudError(`data must be a Buffer, a Uint8Array, a string or a Readable stream, got ${show(data)}`),
  missing: (name: string, store: string) => new CloudError(`no file named ${show(name)} in the ${store}`),
  tooLarge: (name: string, size: number | undefined, limit: number) =>
    new CloudError(`${show(name)} is ${size === undefined ? 'larger than' : `${bytes(size)}, over`} the limit of ${bytes(limit)} a file; nothing was stored`),
  escapes: (name: string, store: string) => new CloudError(`file name ${show(name)} would lead outside the ${store}`),
  // A symbolic link planted in the store's folder: followed, it could lead outside the store.
  writesThroughLink: (name: string, link: string, store: string) =>
    new CloudError(`cannot store ${show(name)}: ${show(link)} is a symbolic link in the ${store}, which never writes through links; nothing was stored`),
  linkLeadsOutside: (name: string, store: string) =>
    new CloudError(`${show(name)} is a symbolic link that leads outside the ${store}: the store does not read through it`),
  // The disk and memory stores keep names as paths: 'a' and 'a/b' cannot both be stored there.
  nameUnderFile: (name: string, file: string, store: string) =>
    new CloudError(`cannot store ${show(name)}: ${show(file)} is a stored file, and the ${store} keeps names as paths, so ${show(file + '/')} cannot also be a folder`),
  nameIsFolder: (name: string, store: string) =>
    new CloudError(`cannot store ${show(name)}: it is the folder of other stored names (${show(name + '/')}) in the ${store}, which keeps names as paths`),
  sourceFailed: (name: string, cause: unknown) =>
    new CloudError(`reading the data for ${show(name)} failed (${reason(cause)}); the stored file is unchanged`, { cause }),
  storeFailed: (doing: string, name: string, store: string, cause: unknown) =>
    new CloudError(`${doing} ${show(name)} on the ${store} failed: ${reason(cause)}`, { cause }),
  localFailed: (path: string, cause: unknown) => new CloudError(`local file ${path}: ${reason(cause)}`, { cause }),
  localMissing: (path: string) => new CloudError(`no local file at ${path}`),
  localNotFile: (path: string) => new CloudError(`local path ${path} is a directory, not a file`),
  unreachable: (store: string, cause: unknown, attempts: number | undefined) =>
    new CloudError(`the ${store} is unreachable (${reason(cause)}${attempts ? `; tried ${attempts} times` : ''})`, { cause }),
  notS3Answer: (doing: string, name: string, store: string, status: number, cause: unknown) =>
    new CloudError(`${doing} ${show(name)} on the ${store} failed: the endpoint answered HTTP ${status} with no S3 error in it; is it an S3 server?`, { cause }),
  noBucket: (store: string) => new CloudError(`the bucket of the ${store} does not exist: create it first`),
  accessDenied: (name: string, store: string, cause: unknown) =>
    new CloudError(`permission denied for ${show(name)} on the ${store} (${reason(cause)})`, { cause }),
  noCredentials: (store: string, cause: unknown) =>
    new CloudError(`no AWS credentials for the ${store} (${reason(cause)}): give files.s3.credentials or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`, { cause }),
  badCredentials: (store: string, cause: unknown) =>
    new CloudError(`the ${store} refused the credentials (${reason(cause)}): check files.s3.credentials or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`, { cause }),
};

/**
 * `error` as the caller of `where` ('cloud.files.get') should see it: a CloudError whose message
 * starts with the call. An error that is not a CloudError (from a store a user brought) is kept
 * as the cause of one.
 */
export function duringCall(where: string, error: unknown): CloudError {
  if (!(error instanceof CloudError)) return new CloudError(`${where}: ${reason(error)}`, { cause: error });
  if (!error.message.startsWith(`${where}: `)) error.message = `${where}: ${error.message}`;
  return error;
}

/** What went wrong, in a few words: a system error's meaning and code, or an error's message. */
export function reason(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code in SYSTEM_ERRORS) return `${SYSTEM_ERRORS[code]} (${code})`;
  return cause instanceof Error ? cause.message : String(cause);
}

/** The system errors a file operation meets, as a user reads them. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied (operation not permitted)',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  ENAMETOOLONG: 'a part of the name is longer than the file system allows (usually 255 bytes)',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ELOOP: 'a symbolic link is in the way (not followed), or links loop',
};

/** True for a system error (an ErrnoException) with one of these codes. */
export function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && codes.includes(code);
}

function bytes(count: number): string {
  return count >= MB ? `${+(count / MB).toFixed(1)} MB (${count} bytes)` : `${count} bytes`;
}
