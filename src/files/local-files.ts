/**
 * The local side of put, get and the syncs: files on this machine, read through a descriptor and
 * written atomically (a get that fails leaves the previous local file as it was), their errors
 * naming the path.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { CloudError, errors } from '../errors.js';
import { writeFileAtomically } from './atomic-write.js';
import { hasCode } from './file-errors.js';
import { openFile, readOpenFile, type FsLike } from './file-system.js';

const nodeFs: FsLike = fs;

export interface LocalFile {
  readonly size: number;
  /** The content; destroy it when it is not read, to close the file. */
  readonly stream: Readable;
}

/** The file at `path`, open for reading; undefined when there is none. */
export async function openLocalFile(path: string): Promise<LocalFile | undefined> {
  let file;
  try {
    file = await openFile(nodeFs, path);
  } catch (error) {
    throw errors.localFailed(path, error);
  }
  if (file) return { size: file.stats.size, stream: readOpenFile(nodeFs, path, file) };
  const isDirectory = await fs.promises.stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (isDirectory) throw errors.localNotFile(path);
  return undefined;
}

/** Like openLocalFile, for a file that must be there. */
export async function openExistingLocalFile(path: string): Promise<LocalFile> {
  const file = await openLocalFile(path);
  if (!file) throw errors.localMissing(path);
  return file;
}

/** Streams `source` into the file at `path`, which holds its previous content until the end. */
export async function writeLocalFile(path: string, source: Readable): Promise<void> {
  const target = resolve(path);
  const partial = join(dirname(target), `.${basename(target)}.${randomUUID().slice(0, 8)}.nimbus-partial`);
  try {
    await writeFileAtomically(nodeFs, source, { target, partial });
  } catch (error) {
    if (error instanceof CloudError) throw error;
    throw hasCode(error, 'EISDIR') ? errors.localNotFile(path) : errors.localFailed(path, error);
  }
}
