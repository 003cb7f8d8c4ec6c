/**
 * Opening a home: the directory and its jobs.sqlite, checked and made private to the user
 * (0700, 0600) before SQLite touches them, so that a bad path fails at `new Cloud(...)` with a
 * CloudError that names it, not later with a raw fs error.
 */
import { closeSync, constants, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from '../errors.js';

/** The database file inside a home directory. */
export const DATABASE_FILE = 'jobs.sqlite';
/** Only the user may list or enter a home it makes, or read its database. */
export const HOME_MODE = 0o700;
export const FILE_MODE = 0o600;

/**
 * Makes sure `home` is a directory (made, 0700, when missing) and returns its database file,
 * created empty and 0600 when missing, so SQLite (which copies the database's mode to its -wal
 * and -shm files) keeps every file private. Read-only: makes nothing, the file must exist.
 */
export function prepareHome(home: string, readOnly: boolean): string {
  if (home.trim() === '') throw errors.badHome(home, 'it is empty');
  if (!readOnly) {
    try {
      mkdirSync(home, { recursive: true, mode: HOME_MODE });
    } catch (error) {
      throw errors.badHome(home, reasonOf(error), error);
    }
  }
  const stats = statOrUndefined(home);
  if (stats === undefined) throw errors.badHome(home, 'it does not exist');
  if (!stats.isDirectory()) throw errors.badHome(home, 'it is not a directory');
  const file = join(home, DATABASE_FILE);
  if (!readOnly) createPrivate(file);
  return file;
}

function createPrivate(file: string): void {
  let fd: number;
  try {
    // O_APPEND without O_TRUNC: an existing database is left as it is.
    fd = openSync(file, constants.O_CREAT | constants.O_WRONLY | constants.O_APPEND, FILE_MODE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A directory in its place, or a file we may not write: SQLite says which, with the file named.
    if (code === 'EISDIR' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return;
    throw errors.badHome(file, reasonOf(error), error);
  }
  closeSync(fd);
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    case 'EEXIST':
      return 'it is a file, not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return (error as Error).message;
  }
}
