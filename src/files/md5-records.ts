/**
 * The MD5 of each file of a disk or memory store, remembered in a small record in the store's
 * reserved folder, so that `md5` and `sync*` do not read a whole file each time. A record names
 * the version it was made for (inode, size, mtime); one that does not match the file as it is
 * now (rewritten since, or torn by two writers) is not believed, and the MD5 is measured again.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { hasCode } from './file-errors.js';
import { removeIfPresent, type FileStats, type FsLike } from './file-system.js';

const RECORD = /^(\S+) ([0-9a-f]{32})\n$/;

export class Md5Records {
  readonly #fs: FsLike;
  readonly #folder: string;

  constructor(fs: FsLike, folder: string) {
    this.#fs = fs;
    this.#folder = folder;
  }

  async remember(name: string, version: FileStats, md5: string): Promise<void> {
    await this.#fs.promises.mkdir(this.#folder, { recursive: true });
    await this.#fs.promises.writeFile(this.#pathOf(name), `${versionOf(version)} ${md5}\n`);
  }

  /** The MD5 recorded for this version of `name`, if any. */
  async recall(name: string, version: FileStats): Promise<string | undefined> {
    let text: string;
    try {
      text = await this.#fs.promises.readFile(this.#pathOf(name), 'utf8');
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return undefined;
      throw error;
    }
    const match = RECORD.exec(text);
    return match && match[1] === versionOf(version) ? match[2] : undefined;
  }

  forget(name: string): Promise<void> {
    return removeIfPresent(this.#fs, this.#pathOf(name));
  }

  // Hashed, so that every name, however long or nested, has one flat record file.
  #pathOf(name: string): string {
    return join(this.#folder, createHash('sha256').update(name).digest('hex'));
  }
}

function versionOf(stats: FileStats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}
