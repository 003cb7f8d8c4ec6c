/**
 * The disk store: the runtime's default, a directory where each name is a file (fs-store.ts).
 * What it creates is its owner's alone (files 0600, folders 0700), and its own record files are
 * never written or read through a symbolic link planted in their place.
 */
import * as fs from 'node:fs';
import { resolve } from 'node:path';
import type { FileStore } from '../types/file-store.js';
import type { FsLike } from './file-system.js';
import { FsStore } from './fs-store.js';

/** The default directory, under the working directory. */
export const DEFAULT_FILES_DIR = '.nimbus/files';

const PRIVATE_FILE_MODE = 0o600; // read and write for the owner only
const PRIVATE_FOLDER_MODE = 0o700; // the owner only may list, enter or change it

// Open flags that refuse a symbolic link as the file itself (O_NOFOLLOW: ELOOP); 0 where there is none.
const NO_FOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const READ_NO_FOLLOW = fs.constants.O_RDONLY | NO_FOLLOW;
const REWRITE_NO_FOLLOW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | NO_FOLLOW;

/** node:fs as the disk store uses it: private modes on what it creates, no link followed by readFile or writeFile. */
const privateFs: FsLike = {
  open: fs.open,
  fstat: fs.fstat,
  close: fs.close,
  createReadStream: fs.createReadStream,
  createWriteStream: (path, options) => fs.createWriteStream(path, { ...options, mode: PRIVATE_FILE_MODE }),
  promises: {
    mkdir: (path, options) => fs.promises.mkdir(path, { ...options, mode: PRIVATE_FOLDER_MODE }),
    rename: fs.promises.rename,
    unlink: fs.promises.unlink,
    rmdir: fs.promises.rmdir,
    stat: fs.promises.stat,
    lstat: fs.promises.lstat,
    realpath: fs.promises.realpath,
    readFile: (path, encoding) => fs.promises.readFile(path, { encoding, flag: READ_NO_FOLLOW }),
    writeFile: (path, data) => fs.promises.writeFile(path, data, { mode: PRIVATE_FILE_MODE, flag: REWRITE_NO_FOLLOW }),
    readdir: fs.promises.readdir,
  },
};

/** A disk store in `dir` (relative to the working directory now); created on the first write. */
export function createDiskStore(dir: string = DEFAULT_FILES_DIR): FileStore {
  const root = resolve(dir);
  return new FsStore(root, `disk store at ${root}`, async () => privateFs);
}
