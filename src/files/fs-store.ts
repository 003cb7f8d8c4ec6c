/**
 * A file store on a file system: a name is the file its parts spell under the root ('a/b' is
 * root/a/b), so a disk store's directory reads as the files it holds. node:fs makes the disk
 * store, memfs the memory store. Writes are atomic (atomic-write.ts), MD5s are remembered per
 * version (md5-records.ts), and root/.nimbus holds the store's own files, never listed. Symbolic
 * links planted in the root lead nowhere outside it (store-links.ts): writes do not pass through
 * a linked folder, and a name whose link leads outside is not read.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { CloudError, errors } from '../errors.js';
import type { ByteRange, FileStat, FileStore } from '../types/file-store.js';
import { writeFileAtomically } from './atomic-write.js';
import { ContentMeter, measure } from './content-meter.js';
import { hasCode } from './file-errors.js';
import { RESERVED_PART, isReservedName } from './file-key.js';
import { closeFile, openFile, readOpenFile, type FsLike, type OpenFile } from './file-system.js';
import { Md5Records } from './md5-records.js';
import { firstLinkedFolder, resolveInside } from './store-links.js';

interface Opened {
  readonly fs: FsLike;
  readonly records: Md5Records;
}

export class FsStore implements FileStore {
  readonly description: string;
  readonly #root: string;
  readonly #loadFs: () => Promise<FsLike>;
  #opened: Promise<Opened> | undefined;

  /** `root` is absolute; `loadFs` is called once, on first use (memfs loads only when needed). */
  constructor(root: string, description: string, loadFs: () => Promise<FsLike>) {
    this.#root = root;
    this.description = description;
    this.#loadFs = loadFs;
  }

  async write(name: string, source: Readable): Promise<FileStat> {
    const { fs, records } = await this.#open();
    const meter = new ContentMeter();
    const target = this.#pathOf(name);
    const partial = join(this.#root, RESERVED_PART, 'partial', randomUUID());
    try {
      await this.#refuseLinkedFolders(fs, name, [dirname(target), dirname(partial), this.#recordsFolder]);
      await writeFileAtomically(fs, source, {
        target,
        partial,
        through: [meter],
        beforeRename: (version) => records.remember(name, version, meter.stat.md5),
      });
    } catch (error) {
      throw await this.#writeFailure(fs, name, error);
    }
    return meter.stat;
  }

  async read(name: string, range?: ByteRange): Promise<Readable> {
    const { fs } = await this.#open();
    const path = this.#pathOf(name);
    const file = await this.#openStored(fs, name, path);
    if (!file) throw errors.fileMissing(name, this.description);
    return readOpenFile(fs, path, file, range);
  }

  async stat(name: string): Promise<FileStat | undefined> {
    const { fs, records } = await this.#open();
    const path = this.#pathOf(name);
    const file = await this.#openStored(fs, name, path);
    if (!file) return undefined;
    const recalled = await records.recall(name, file.stats).catch(() => undefined);
    if (recalled !== undefined) {
      await closeFile(fs, file.fd);
      return { size: file.stats.size, md5: recalled };
    }
    const measured = await measure(readOpenFile(fs, path, file)).catch((error: unknown) => {
      throw errors.storeFailed('reading', name, this.description, error);
    });
    await records.remember(name, file.stats, measured.md5).catch(() => {}); // only a shortcut for next time
    return measured;
  }

  /** False for a link that leads outside: it is not a file of this store. */
  async exists(name: string): Promise<boolean> {
    const { fs } = await this.#open();
    try {
      const real = await resolveInside(fs, this.#root, this.#pathOf(name));
      if (real === undefined || real === 'outside') return false;
      return (await fs.promises.stat(real)).isFile();
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) return false;
      throw errors.storeFailed('reading', name, this.description, error);
    }
  }

  /** A link planted at the name goes (the link, not what it leads to); nothing goes through a linked folder. */
  async remove(name: string): Promise<boolean> {
    const { fs, records } = await this.#open();
    const path = this.#pathOf(name);
    if (!(await this.#isRemovable(fs, name, path))) return false;
    try {
      await fs.promises.unlink(path);
      await records.forget(name);
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return false; // removed meanwhile
      throw errors.storeFailed('removing', name, this.description, error);
    }
    await this.#removeEmptyFolders(fs, dirname(path));
    return true;
  }

  async list(prefix: string): Promise<string[]> {
    const { fs } = await this.#open();
    // Only the folders the prefix names are walked: 'logs/2024-' walks logs/ for entries '2024-*'.
    const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const names: string[] = [];
    await this.#walk(fs, folder, prefix.slice(folder.length), names);
    return names;
  }

  async #walk(fs: FsLike, folder: string, start: string, names: string[]): Promise<void> {
    let entries;
    try {
      // Only the first folder a prefix names can be a link: the walk itself never enters one.
      if (folder !== '' && (await firstLinkedFolder(fs, this.#root, this.#pathOf(folder.slice(0, -1))))) return;
      entries = await fs.promises.readdir(folder === '' ? this.#root : this.#pathOf(folder.slice(0, -1)), { withFileTypes: true });
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) return;
      throw errors.storeFailed('listing the names that start with', folder, this.description, error);
    }
    for (const entry of entries) {
      const name = folder + entry.name;
      if (!entry.name.startsWith(start) || isReservedName(name)) continue;
      if (entry.isDirectory()) await this.#walk(fs, name + '/', '', names);
      else if (entry.isFile()) names.push(name);
    }
  }

  /** The file `name` is, never outside the root whatever the name (names are checked before). */
  #pathOf(name: string): string {
    const path = join(this.#root, ...name.split('/'));
    if (!path.startsWith(this.#root + sep)) throw errors.fileEscapes(name, this.description);
    return path;
  }

  /** The file at `path` open, once its links are resolved and found to stay inside the root. */
  async #openStored(fs: FsLike, name: string, path: string): Promise<OpenFile | undefined> {
    let real;
    try {
      real = await resolveInside(fs, this.#root, path);
      if (real !== undefined && real !== 'outside') return await openFile(fs, real);
    } catch (error) {
      throw errors.storeFailed('reading', name, this.description, error);
    }
    if (real === 'outside') throw errors.linkLeadsOutside(name, this.description);
    return undefined;
  }

  /** Refuses a write when one of `folders` (inside the root) passes through a symbolic link. */
  async #refuseLinkedFolders(fs: FsLike, name: string, folders: readonly string[]): Promise<void> {
    for (const folder of folders) {
      const link = await firstLinkedFolder(fs, this.#root, folder);
      if (link !== undefined) throw errors.writesThroughLink(name, link, this.description);
    }
  }

  /** A stored file, or a link at its name; never something reached through a linked folder. */
  async #isRemovable(fs: FsLike, name: string, path: string): Promise<boolean> {
    try {
      if ((await firstLinkedFolder(fs, this.#root, dirname(path))) !== undefined) return false;
      const stats = await fs.promises.lstat(path);
      return stats.isFile() || stats.isSymbolicLink();
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) return false;
      throw errors.storeFailed('reading', name, this.description, error);
    }
  }

  /** Folders left empty by a removal go too, so that their names can be files again. */
  async #removeEmptyFolders(fs: FsLike, folder: string): Promise<void> {
    for (; folder.startsWith(this.#root + sep); folder = dirname(folder)) {
      try {
        await fs.promises.rmdir(folder);
      } catch (error) {
        if (!hasCode(error, 'ENOENT')) return; // ENOTEMPTY: still in use
      }
    }
  }

  async #writeFailure(fs: FsLike, name: string, error: unknown): Promise<unknown> {
    if (hasCode(error, 'EISDIR')) return errors.nameIsFolder(name, this.description);
    if (hasCode(error, 'ENOTDIR', 'EEXIST')) {
      const parts = name.split('/');
      for (let i = 1; i < parts.length; i++) {
        const folder = parts.slice(0, i).join('/');
        const stats = await fs.promises.stat(this.#pathOf(folder)).catch(() => undefined);
        if (stats?.isFile()) return errors.nameUnderFile(name, folder, this.description);
      }
    }
    return error instanceof CloudError ? error : errors.storeFailed('writing', name, this.description, error);
  }

  get #recordsFolder(): string {
    return join(this.#root, RESERVED_PART, 'md5');
  }

  #open(): Promise<Opened> {
    this.#opened ??= this.#loadFs().then((fs) => ({ fs, records: new Md5Records(fs, this.#recordsFolder) }));
    return this.#opened;
  }
}
