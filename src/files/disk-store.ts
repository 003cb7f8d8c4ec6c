/** The disk store: the runtime's default, a directory where each name is a file (fs-store.ts). */
import * as fs from 'node:fs';
import { resolve } from 'node:path';
import type { FileStore } from '../types/file-store.js';
import type { FsLike } from './file-system.js';
import { FsStore } from './fs-store.js';

/** The default directory, under the working directory. */
export const DEFAULT_FILES_DIR = '.nimbus/files';

/** A disk store in `dir` (relative to the working directory now); created on the first write. */
export function createDiskStore(dir: string = DEFAULT_FILES_DIR): FileStore {
  const root = resolve(dir);
  const nodeFs: FsLike = fs;
  return new FsStore(root, `disk store at ${root}`, async () => nodeFs);
}
