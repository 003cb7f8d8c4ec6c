/**
 * A file store on a file system: a name is the file its parts spell under the root ('a/b' is
 * root/a/b), so a disk store's directory reads as the files it holds. node:fs makes the disk
 * store, memfs the memory store. Writes are atomic (atomic-write.ts), MD5s are remembered per
 * version (md5-records.ts), and root/.nimbus holds the store's own files, never listed.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { CloudError } from '../errors.js';
import type { ByteRange, FileStat, FileStore } from '../types/file-store.js';
import { writeFileAtomically } from './atomic-write.js';
import { ContentMeter, measure } from './content-meter.js';
import { fileErrors, hasCode } from './file-errors.js';
import { RESERVED_PART, isReservedName } from './file-key.js';
import { closeFile, openFile, readOpenFile, type FsLike, type OpenFile } from './file-system.js';
import { Md5Records } from './md5-records.js';

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
    try {
      await writeFileAtomically(fs, source, {
        target: this.#pathOf(name),
        partial: join(this.#root, RESERVED_PART, 'partial', randomUUID()),
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
    if (!file) throw fileErrors.missing(name, this.description);
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
      throw fileErrors.storeFailed('reading', name, this.description, error);
    });
    await records.remember(name, file.stats, measured.md5).catch(() => {}); // only a shortcut for next time
    return measured;
  }

  async exists(name: string): Promise<boolean> {
    const { fs } = await this.#open();
    const stats = await fs.promises.stat(this.#pathOf(name)).catch((error: unknown) => {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
      throw fileErrors.storeFailed('reading', name, this.description, error);
    });
    return stats?.isFile() ?? false;
  }

  async remove(name: string): Promise<boolean> {
    if (!(await this.exists(name))) return false;
    const { fs, records } = await this.#open();
    const path = this.#pathOf(name);
    try {
      await fs.promises.unlink(path);
      await records.forget(name);
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return false; // removed meanwhile
      throw fileErrors.storeFailed('removing', name, this.description, error);
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
      entries = await fs.promises.readdir(folder === '' ? this.#root : this.#pathOf(folder.slice(0, -1)), { withFileTypes: true });
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) return;
      throw fileErrors.storeFailed('listing the names that start with', folder, this.description, error);
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
    if (!path.startsWith(this.#root + sep)) throw fileErrors.escapes(name, this.description);
    return path;
  }

  async #openStored(fs: FsLike, name: string, path: string): Promise<OpenFile | undefined> {
    try {
      return await openFile(fs, path);
    } catch (error) {
      throw fileErrors.storeFailed('reading', name, this.description, error);
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
    if (hasCode(error, 'EISDIR')) return fileErrors.nameIsFolder(name, this.description);
    if (hasCode(error, 'ENOTDIR', 'EEXIST')) {
      const parts = name.split('/');
      for (let i = 1; i < parts.length; i++) {
        const folder = parts.slice(0, i).join('/');
        const stats = await fs.promises.stat(this.#pathOf(folder)).catch(() => undefined);
        if (stats?.isFile()) return fileErrors.nameUnderFile(name, folder, this.description);
      }
    }
    return error instanceof CloudError ? error : fileErrors.storeFailed('writing', name, this.description, error);
  }

  #open(): Promise<Opened> {
    this.#opened ??= this.#loadFs().then((fs) => ({ fs, records: new Md5Records(fs, join(this.#root, RESERVED_PART, 'md5')) }));
    return this.#opened;
  }
}
