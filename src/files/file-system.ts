/**
 * The part of node:fs the file stores and local transfers use, so that memfs can stand in for
 * it (the memory store), and reading a file through a descriptor, so that a read sees one
 * version of a file whatever renames happen meanwhile.
 */
import { promisify } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import type { ByteRange } from '../types/file-store.js';
import { hasCode } from './file-errors.js';

export const CHUNK_BYTES = 1024 * 1024; // bytes a file stream reads or buffers at a time

type Callback<T> = (error: NodeJS.ErrnoException | null, value: T) => void;

export interface FileStats {
  readonly size: number;
  readonly ino: number;
  readonly mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

export interface DirEntry {
  readonly name: string;
  isFile(): boolean;
  isDirectory(): boolean;
}

export interface FsLike {
  open(path: string, flags: string, callback: Callback<number>): void;
  fstat(fd: number, callback: Callback<FileStats>): void;
  close(fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void;
  createReadStream(path: string, options: { fd: number; start?: number; end?: number; highWaterMark?: number }): Readable;
  createWriteStream(path: string, options: { flags: string; highWaterMark?: number }): Writable;
  promises: {
    mkdir(path: string, options: { recursive: true }): Promise<unknown>;
    rename(from: string, to: string): Promise<void>;
    unlink(path: string): Promise<void>;
    rmdir(path: string): Promise<void>;
    stat(path: string): Promise<FileStats>;
    lstat(path: string): Promise<FileStats & { isSymbolicLink(): boolean }>;
    realpath(path: string): Promise<string>;
    readFile(path: string, encoding: 'utf8'): Promise<string>;
    writeFile(path: string, data: string): Promise<void>;
    readdir(path: string, options: { withFileTypes: true }): Promise<DirEntry[]>;
  };
}

/** One version of a file, held open: its descriptor and what fstat said of it. */
export interface OpenFile {
  readonly fd: number;
  readonly stats: FileStats;
}

/** `path` opened for reading; undefined when there is no such file (or only a directory). */
export async function openFile(fs: FsLike, path: string): Promise<OpenFile | undefined> {
  let fd: number;
  try {
    fd = await promisify(fs.open.bind(fs))(path, 'r');
  } catch (error) {
    if (hasCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
    throw error;
  }
  try {
    const stats = await promisify(fs.fstat.bind(fs))(fd);
    if (stats.isFile()) return { fd, stats };
  } catch (error) {
    await closeFile(fs, fd);
    throw error;
  }
  await closeFile(fs, fd);
  return undefined;
}

/** The content of an open file (or its slice `range`); the stream closes the descriptor. */
export function readOpenFile(fs: FsLike, path: string, file: OpenFile, range?: ByteRange): Readable {
  const slice = range ? { start: range.start ?? 0, ...(range.end === undefined ? {} : { end: range.end }) } : {};
  return fs.createReadStream(path, { fd: file.fd, highWaterMark: CHUNK_BYTES, ...slice });
}

export function closeFile(fs: FsLike, fd: number): Promise<void> {
  return promisify(fs.close.bind(fs))(fd);
}

/** Removes `path` if it is there; never fails for a file already gone. */
export async function removeIfPresent(fs: FsLike, path: string): Promise<void> {
  try {
    await fs.promises.unlink(path);
  } catch (error) {
    if (!hasCode(error, 'ENOENT')) throw error;
  }
}
