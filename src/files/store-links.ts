/**
 * A file store's folder as a boundary that symbolic links cannot cross: a link planted inside it
 * (by a job, by another program) must not lead a write, or a read, to a file outside. Writes
 * never pass through a linked folder; reads resolve the name first and open only a file inside.
 * The root itself may be a link (the user chose it); checks start below it.
 */
import { relative, sep } from 'node:path';
import { hasCode } from './file-errors.js';
import type { FsLike } from './file-system.js';

/**
 * The first of the folders from below `root` down to `folder` (included) that is a symbolic
 * link, relative to the root (`'runs'`, `'.nimbus'`); undefined when none is. Folders not there
 * yet are not links: a write makes them.
 */
export async function firstLinkedFolder(fs: FsLike, root: string, folder: string): Promise<string | undefined> {
  const parts = relative(root, folder)
    .split(sep)
    .filter((part) => part !== '');
  let path = root;
  for (const part of parts) {
    path = `${path}${sep}${part}`;
    let stats;
    try {
      stats = await fs.promises.lstat(path);
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
      throw error;
    }
    if (stats.isSymbolicLink()) return relative(root, path);
  }
  return undefined;
}

/**
 * Where `path` really is, links resolved, when that is inside `root`; `'outside'` when a link
 * leads out of it; undefined when there is nothing at `path`.
 */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- the literal documents the one special value
export async function resolveInside(fs: FsLike, root: string, path: string): Promise<string | 'outside' | undefined> {
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([fs.promises.realpath(path), fs.promises.realpath(root)]);
  } catch (error) {
    if (hasCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
    throw error;
  }
  return real.startsWith(realRoot + sep) ? real : 'outside';
}
