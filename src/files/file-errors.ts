/**
 * How cloud.files treats errors on their way out (the messages themselves are in src/errors.ts):
 * `duringCall` adds which call of cloud.files it was, once, where the call ends; `hasCode` tells
 * a system error by its code.
 */
import { CloudError, errors } from '../errors.js';

/**
 * `error` as the caller of `where` ('cloud.files.get') should see it: a CloudError whose message
 * starts with the call. An error that is not a CloudError (from a store a user brought) is kept
 * as the cause of one (ERR_STORE_FAILED).
 */
export function duringCall(where: string, error: unknown): CloudError {
  if (!(error instanceof CloudError)) return errors.callFailed(where, error);
  if (!error.message.startsWith(`${where}: `)) error.message = `${where}: ${error.message}`;
  return error;
}

/** True for a system error (an ErrnoException) with one of these codes. */
export function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && codes.includes(code);
}
