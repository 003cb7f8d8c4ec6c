/**
 * What a failing SQLite call means to a user: a damaged file, a lock held too long by another
 * process, a file that cannot be written. Raw SqliteErrors never leave the store; each becomes a
 * CloudError that names the file and says what to do.
 */
import { CloudError, errors } from '../errors.js';

/** Result codes (primary, before any extended suffix) that mean the file itself is bad. */
const DAMAGE_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FORMAT', 'SQLITE_EMPTY']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The primary code: SQLITE_IOERR_SHORT_READ is an SQLITE_IOERR. */
function primaryCode(error: unknown): string | undefined {
  const code = codeOf(error);
  if (code === undefined || !code.startsWith('SQLITE_')) return undefined;
  return code.split('_').slice(0, 2).join('_');
}

/** True when `error` (raw, or a CloudError made of one) is another process's lock outlasting our wait. */
export function isBusy(error: unknown): boolean {
  const code = primaryCode(error instanceof CloudError ? error.cause : error);
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** The CloudError a store failure becomes; errors that are not SQLite's pass through. */
export function storeError(file: string, error: unknown, busyWaitMs: number): unknown {
  if (error instanceof CloudError) return error;
  const code = primaryCode(error);
  if (code === undefined) return error;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return errors.storeLocked(file, busyWaitMs, error);
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return errors.storeReadOnly(file, error);
  const reason = (error as Error).message;
  return DAMAGE_CODES.has(code) ? errors.storeDamaged(file, reason, error) : errors.homeFailed(file, reason, error);
}
